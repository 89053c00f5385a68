#!/usr/bin/env python3
"""check_layers.py: fails the build when the product code breaks its layers.

Usage: check_layers.py includes
       check_layers.py calls BUILD_DIR OBJ...

`includes` reads every #include of core/, platform/, efi/ and tools/:
- a file in core/FOLDER/ may include only the core folders RULES[FOLDER]
  allows (by their folder-qualified name, "lib/util.h"), vb_config.h, and
  the compiler's freestanding headers; never <efi.h>, never libc;
- platform/host and tools never include firmware headers; platform/efi never
  includes the application (efi/); nothing outside tools/ includes tools/;
- no header includes itself around a loop.
`calls` reads the symbols of the objects of one build of the product (host
or firmware; BUILD_DIR/x/y.o was built from x/y.c) and fails when two source files call each
other, directly or around a loop (a reference from a.o to a symbol defined
in b.o is an edge a.c -> b.c).
Prints every violation, one per line, and exits 1 if there is any."""
import os
import re
import subprocess
import sys

# Which core folders each core folder may include (its own is implied).
RULES = {
    'lib': set(),
    'inflate': {'lib'},
    'vmdk': {'lib', 'inflate'},
    'part': {'lib'},
    'fs': {'lib'},
    'cfg': {'lib'},
    'volume': {'lib', 'part', 'fs'},
    'discover': {'lib', 'vmdk', 'part', 'fs'},
}
FREESTANDING = {'stdint.h', 'stddef.h', 'stdbool.h', 'stdarg.h'}
PRODUCT = ['core', 'platform', 'efi', 'tools']
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def product_files(exts):
    out = []
    for top in PRODUCT:
        for root, _, files in os.walk(top):
            out += [os.path.join(root, f) for f in files if f.endswith(exts)]
    return sorted(out)


def find_loops(graph):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, loops = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                loops.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return loops


def resolve(path, kind, name):
    """The product file an #include names, or None (system/gnu-efi header)."""
    if kind == '<':
        return None
    here = os.path.join(os.path.dirname(path), name)
    candidates = [here, os.path.join('core', name)]
    if path.startswith('platform/efi') or path.startswith('efi'):
        candidates += [os.path.join('platform/efi', name), os.path.join('efi', name)]
    if path.startswith('platform/host') or path.startswith('tools'):
        candidates += [os.path.join('platform/host', name), os.path.join('tools', name)]
    for c in candidates:
        if os.path.isfile(c):
            return os.path.normpath(c)
    return None


def check_includes():
    bad, graph = [], {}
    for path in product_files(('.c', '.h')):
        text = open(path, encoding='utf-8').read()
        parts = path.split('/')
        for kind, name in INCLUDE.findall(text):
            where = f'{path}: #include {kind}{name}{">" if kind == "<" else chr(34)}'
            target = resolve(path, kind, name)
            if target:
                graph.setdefault(path, set()).add(target)
            if parts[0] == 'core':
                folder = parts[1] if len(parts) > 2 else None
                if kind == '<':
                    if name not in FREESTANDING:
                        bad.append(f'{where}: core includes only freestanding headers')
                    continue
                if name == 'vb_config.h':
                    continue
                if folder is not None and folder not in RULES:
                    bad.append(f'{where}: core/{folder}/ has no layer rule in tools/check_layers.py')
                    continue
                inc = name.split('/')[0] if '/' in name else None
                if inc is None or not target or not target.startswith('core/'):
                    bad.append(f'{where}: name core headers by folder ("lib/util.h")')
                elif folder is None:
                    bad.append(f'{where}: vb_config.h includes nothing of core')
                elif inc != folder and inc not in RULES[folder]:
                    bad.append(f'{where}: core/{folder}/ may include only '
                               f'{", ".join(sorted(RULES[folder] | {folder}))}')
            elif parts[0] in ('tools',) or parts[:2] == ['platform', 'host']:
                if kind == '<' and (name.startswith('efi') or name.startswith('lib')
                                    and name.endswith('efi.h')):
                    bad.append(f'{where}: host code never includes firmware headers')
                if target and (target.startswith('efi/') or target.startswith('platform/efi')):
                    bad.append(f'{where}: host code never includes firmware code')
            elif parts[:2] == ['platform', 'efi']:
                if target and target.startswith('efi/'):
                    bad.append(f'{where}: platform/efi never includes the application')
            if target and target.startswith('tools/') and parts[0] != 'tools':
                bad.append(f'{where}: only tools/ includes tools/')
    for loop in find_loops(graph):
        bad.append('headers include each other: ' + ' -> '.join(loop))
    return bad


def object_symbols(obj):
    out = subprocess.run(['nm', obj], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == 'U':
            used.add(f[1])
        elif len(f) == 3 and f[1] in 'TDBRVWC':
            defined.add(f[2])
    return defined, used


def check_calls(root, objs):
    owner, uses = {}, {}
    for obj in sorted(objs):
        name = os.path.relpath(obj, root)[:-2] + '.c'
        defined, used = object_symbols(obj)
        for s in defined:
            owner[s] = name
        uses[name] = used
    graph = {n: {owner[s] for s in u if s in owner and owner[s] != n} for n, u in uses.items()}
    return [f'{root}: files call each other: ' + ' <-> '.join(loop) for loop in find_loops(graph)]


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == 'includes':
        bad = check_includes()
    elif len(sys.argv) >= 3 and sys.argv[1] == 'calls':
        bad = check_calls(sys.argv[2], sys.argv[3:])
    else:
        print(__doc__.split('\n\n')[0], file=sys.stderr)
        return 2
    for b in bad:
        print('layers: ' + b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())

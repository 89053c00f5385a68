#!/usr/bin/env python3
"""workload.py VMDK WORKDIR: `vmdk write` against qemu-img and qemu-io.

For each image kind qemu-img makes (monolithicSparse, twoGbMaxExtentSparse,
monolithicFlat, twoGbMaxExtentFlat) and for a delta over a parent: qemu-io
writes first (so some grains are stored), then a seeded random workload of
`vmdk write` calls (1 sector to several grains, unaligned, aimed at extent
and grain-table boundaries) against a raw mirror; the image is compared
whole with `qemu-img compare` and `vmdk cat`, `qemu-img check` and
`vmdk check` must be clean; then qemu-io writes into our image and we read
it back. The parent of the delta must stay byte-identical. Then the CID
rule: after `vmdk write` to the parent, opening the old child fails with
ECID and its exact message."""
import os
import random
import re
import shutil
import subprocess
import sys

VMDK = os.path.abspath(sys.argv[1])
WORK = sys.argv[2]
GRAIN = 65536
TABLE = 512 * GRAIN  # bytes one grain table maps
OPS = 30


def run(*args, stdin=None, check=True):
    p = subprocess.run(list(args), stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and p.returncode != 0:
        sys.exit("workload: %s failed (%d): %s%s" % (" ".join(args), p.returncode,
                                                     p.stdout.decode(errors="replace"),
                                                     p.stderr.decode(errors="replace")))
    return p


def mirror_write(mirror, off, data):
    with open(mirror, "r+b") as f:
        f.seek(off)
        f.write(data)


def vmdk_write(img, mirror, off, data):
    with open("input.bin", "wb") as f:
        f.write(data)
    with open("input.bin", "rb") as f:
        run(VMDK, "write", img, "--offset", str(off), stdin=f)
    mirror_write(mirror, off, data)


def qemu_io_write(img, mirror, off, length, pattern):
    run("qemu-io", "-f", "vmdk", "-c", "write -P %d %d %d" % (pattern, off, length), img)
    mirror_write(mirror, off, bytes([pattern]) * length)


def compare(img, mirror, what):
    p = run("qemu-img", "compare", "-f", "vmdk", "-F", "raw", img, mirror, check=False)
    if p.returncode != 0:
        sys.exit("workload: %s: qemu-img compare: %s" % (what, p.stdout.decode()))
    run("qemu-img", "check", "-q", img)
    run(VMDK, "check", img)
    cat = subprocess.Popen([VMDK, "cat", img], stdout=subprocess.PIPE)
    cmp = subprocess.run(["cmp", "-", mirror], stdin=cat.stdout, stdout=subprocess.PIPE)
    cat.stdout.close()
    if cat.wait() != 0 or cmp.returncode != 0:
        sys.exit("workload: %s: vmdk cat differs from the mirror: %s" % (what, cmp.stdout.decode()))


def boundaries(size):
    """Offsets worth aiming at: grain-table edges, the 2 GiB extent split."""
    out = [0, size]
    out += list(range(TABLE, min(size, 8 * TABLE), TABLE))
    if size > (2 << 30):
        out += [(2 << 30) - 65536 * k for k in range(0, 17)]  # wherever a writer splits
    return out


def random_ops(rng, size):
    marks = boundaries(size)
    for _ in range(OPS):
        length = rng.choice([512, 1, 4096, rng.randrange(1, 4 * GRAIN), rng.randrange(GRAIN, 5 * GRAIN)])
        if rng.random() < 0.6:
            off = rng.choice(marks) + rng.randrange(-3 * GRAIN, 3 * GRAIN)
        else:
            off = rng.randrange(0, size)
        off = max(0, min(off, size - length))
        yield off, rng.randbytes(length) if rng.random() < 0.9 else bytes(length)


def exercise(kind, size, rng):
    img, mirror = kind + ".vmdk", kind + ".raw"
    run("qemu-img", "create", "-q", "-f", "vmdk", "-o", "subformat=" + kind, img, str(size))
    run("qemu-img", "create", "-q", "-f", "raw", mirror, str(size))
    for k in range(3):  # stored grains before we write
        qemu_io_write(img, mirror, k * TABLE + 3 * GRAIN, 2 * GRAIN, 0x11 + k)
    for off, data in random_ops(rng, size):
        vmdk_write(img, mirror, off, data)
    run("qemu-img", "check", "-q", img)
    for k in range(3):  # qemu-io writes into what we wrote
        qemu_io_write(img, mirror, k * TABLE + 3 * GRAIN + 512 * 7, 3000, 0x71 + k)
    # One whole compare reads both: qemu-img our writes, vmdk cat qemu-io's.
    compare(img, mirror, kind)
    return len(list(boundaries(size)))


def delta(rng):
    size = 64 << 20
    run("qemu-img", "create", "-q", "-f", "vmdk", "base.vmdk", str(size))
    for k in range(6):
        run("qemu-io", "-f", "vmdk", "-c", "write -P %d %d %d" % (0x31 + k, k * 9 * GRAIN + 1000, 3 * GRAIN), "base.vmdk")
    run("qemu-img", "create", "-q", "-f", "vmdk", "-b", "base.vmdk", "-F", "vmdk", "child.vmdk")
    run("qemu-img", "convert", "-O", "raw", "base.vmdk", "child.raw")
    base_before = open("base.vmdk", "rb").read()
    for off, data in random_ops(rng, size):
        vmdk_write("child.vmdk", "child.raw", off, data)
    compare("child.vmdk", "child.raw", "delta")
    if open("base.vmdk", "rb").read() != base_before:
        sys.exit("workload: writing the child changed its parent")

    # CID: a write to the parent gives it a new CID; the old child no longer opens.
    def cid(path, key):
        text = open(path, "rb").read(64 * 1024).decode("latin-1")
        return re.search(r"^%s=([0-9a-fA-F]+)" % key, text, re.M).group(1)
    old = cid("base.vmdk", "CID")
    with open("input.bin", "wb") as f:
        f.write(b"x")
    with open("input.bin", "rb") as f:
        run(VMDK, "write", "base.vmdk", "--offset", "0", stdin=f)
    new = cid("base.vmdk", "CID")
    if new == old or len(new) != 8 or new.lower() in ("ffffffff", "fffffffe"):
        sys.exit("workload: CID %s -> %s" % (old, new))
    p = run(VMDK, "cat", "child.vmdk", check=False)
    want = ("vmdk: child.vmdk: ECID: child.vmdk: parentCID %08x does not match CID %s of parent "
            "base.vmdk\n" % (int(cid("child.vmdk", "parentCID"), 16), new))
    if p.returncode != 1 or p.stderr.decode() != want:
        sys.exit("workload: old child after a parent write: %r, want %r" % (p.stderr.decode(), want))
    # qemu-img reads the rewritten descriptor too.
    out = run("qemu-img", "info", "base.vmdk").stdout.decode()
    if "cid: %d" % int(new, 16) not in out:
        sys.exit("workload: qemu-img info does not show the new CID %s:\n%s" % (new, out))


def main():
    global WORK
    # Sparse files in /dev/shm when there is one: fdatasync costs nothing
    # there and the 2 GiB images only hold what is written.
    if os.access("/dev/shm", os.W_OK):
        import tempfile
        WORK = tempfile.mkdtemp(prefix="vmdkboot-write-", dir="/dev/shm")
    else:
        shutil.rmtree(WORK, ignore_errors=True)
        os.makedirs(WORK)
    os.chdir(WORK)
    import time
    start = time.time()
    rng = random.Random(20261127)
    kinds = [("monolithicSparse", 200 << 20), ("twoGbMaxExtentSparse", (2 << 30) + (8 << 20)),
             ("monolithicFlat", 96 << 20), ("twoGbMaxExtentFlat", (2 << 30) + (8 << 20))]
    for kind, size in kinds:
        exercise(kind, size, rng)
        print("workload: %s (%d bytes): %d writes + qemu-io, identical to the mirror, checks clean"
              " (%.0f s)" % (kind, size, OPS, time.time() - start))
    delta(rng)
    print("workload: delta over a parent: %d writes, identical, parent unchanged; old child: ECID" % OPS)
    os.chdir("/")
    shutil.rmtree(WORK, ignore_errors=True)


main()

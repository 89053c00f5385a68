/* discover.c: automatic boot entries inside one disk (see discover.h).
 * Everything read from the disk is untrusted; core's readers check the
 * structures, this file bounds what it keeps (entries, problems, pool) and
 * turns every failure into one problem line, so one broken file never
 * hides the others. */
#include "discover/discover.h"
#include <stdarg.h>
#include "discover/osrel.h"
#include "discover/pe.h"
#include "lib/guid.h"
#include "lib/util.h"

#if defined(__aarch64__)
#define DISCOVER_FALLBACK_LOADER "/EFI/BOOT/BOOTAA64.EFI"
#define DISCOVER_FALLBACK_TITLE  "EFI\\BOOT\\BOOTAA64.EFI"
#else
#define DISCOVER_FALLBACK_LOADER "/EFI/BOOT/BOOTX64.EFI"
#define DISCOVER_FALLBACK_TITLE  "EFI\\BOOT\\BOOTX64.EFI"
#endif

#define DISCOVER_TYPE_ESP      "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"
#define DISCOVER_TYPE_XBOOTLDR "bc13c2ff-59e6-4262-a352-b275fd6f7172"
#define DISCOVER_TITLE_MAX     256

static void discover_vproblem(discover_result *out, const char *image, const char *fmt,
                              va_list ap) {
    if (out->problem_count >= VB_DISCOVER_PROBLEMS_MAX) {
        out->problems_dropped++;
        return;
    }
    char *line = out->problems[out->problem_count++];
    size_t n = vb_format(line, VB_DETAIL_MAX, "%s: ", image);
    vb_vformat(line + n, VB_DETAIL_MAX - n, fmt, ap);
    /* Names and values come from the disk: keep the line printable. */
    for (char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = '?';
}

void discover_problem(discover_result *out, const char *image, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    discover_vproblem(out, image, fmt, ap);
    va_end(ap);
}

/* A problem inside the current partition: "IMAGE: partition N: TEXT". */
__attribute__((format(printf, 2, 3))) static void discover_report(discover_ctx *c, const char *fmt,
                                                                  ...) {
    char text[VB_DETAIL_MAX];
    va_list ap;
    va_start(ap, fmt);
    vb_vformat(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (c->part)
        discover_problem(c->out, c->image, "partition %u: %s", (unsigned)c->part->index, text);
    else
        discover_problem(c->out, c->image, "%s", text);
}

static const char *discover_keep(discover_ctx *c, const char *s) {
    const char *kept =
        vb_strpool_add(c->out->pool, sizeof(c->out->pool), &c->out->pool_used, s, vb_strlen(s));
    return kept;
}

/* Reads a whole file of at most VB_DISCOVER_FILE_MAX bytes into c->text
 * (NUL-terminated). Returns its length, or a negative error with a problem
 * reported when report is set. */
static int discover_read(discover_ctx *c, const char *path, bool report, size_t *ret_len) {
    vb_source src;
    int r = fs_lookup(&c->fs, path, &c->file, &src);
    if (r == 0 && src.size > VB_DISCOVER_FILE_MAX)
        r = VB_ELIMIT;
    if (r == 0)
        r = vb_source_read(&src, 0, c->text, (size_t)src.size);
    if (r < 0) {
        if (report && r == VB_ELIMIT)
            discover_report(c, "%s: larger than %u bytes", path, VB_DISCOVER_FILE_MAX);
        else if (report)
            discover_report(c, "%s: %s: %s", path, vb_err_message(r), fs_diag(&c->fs)->text);
        return r;
    }
    c->text[src.size] = '\0';
    *ret_len = (size_t)src.size;
    return 0;
}

static bool discover_ends_with(const char *s, const char *suffix, size_t *ret_stem) {
    size_t n = vb_strlen(s), k = vb_strlen(suffix);
    if (n <= k || !vb_strn_ieq(s + n - k, k, suffix))
        return false;
    *ret_stem = n - k;
    return true;
}

static bool discover_contains(const char *s, const char *word) {
    size_t n = vb_strlen(s), k = vb_strlen(word);
    for (size_t i = 0; k && i + k <= n; i++)
        if (vb_memcmp(s + i, word, k) == 0)
            return true;
    return false;
}

/* Adds an entry: name is the NAME of its ID; strings are copied into the
 * pool. Returns the entry to fill in, or NULL (reported) when it does not
 * fit or its ID is taken. */
static discover_entry *discover_add(discover_ctx *c, discover_source source, const char *name,
                                    const char *title) {
    discover_result *out = c->out;
    char text[VB_IMAGE_NAME_MAX + VB_FS_NAME_MAX + DISCOVER_TITLE_MAX + 8];
    vb_format(text, sizeof(text), "%s/%s", c->image, name);
    for (uint32_t i = 0; i < out->count; i++)
        if (vb_strcmp(out->entries[i].id, text) == 0) {
            discover_report(c, "entry %s already found; this one is left out", text);
            return NULL;
        }
    if (out->count >= VB_DISCOVER_ENTRIES_MAX) {
        out->dropped++;
        discover_report(c, "more than %u entries; %s left out", VB_DISCOVER_ENTRIES_MAX, text);
        return NULL;
    }
    discover_entry *e = &out->entries[out->count];
    vb_memset(e, 0, sizeof(*e));
    e->id = discover_keep(c, text);
    vb_format(text, sizeof(text), "%s (%s)", title, c->image);
    e->title = discover_keep(c, text);
    e->source = source;
    e->partition = c->part ? c->part->index : 0;
    e->options = "";
    if (!e->id || !e->title) {
        discover_report(c, "entry strings exceed %u bytes; %s/%s left out", VB_DISCOVER_POOL_BYTES,
                        c->image, name);
        return NULL;
    }
    out->count++;
    return e;
}

/* Keeps s in the pool for entry e; on a full pool, drops e (the last one). */
static bool discover_set(discover_ctx *c, const char **slot, const char *s) {
    *slot = discover_keep(c, s);
    if (*slot)
        return true;
    discover_report(c, "entry strings exceed %u bytes; %s left out", VB_DISCOVER_POOL_BYTES,
                    c->out->entries[c->out->count - 1].id);
    c->out->count--;
    return false;
}

/* Finds path as a BLS entry names it: from the filesystem's root, then,
 * outside an ESP or XBOOTLDR partition, under /boot. */
static const char *discover_resolve(discover_ctx *c, const char *path, bool boot_dir) {
    static const char *const prefixes[] = {"", "/boot"};
    for (size_t i = 0; i < (boot_dir ? 2u : 1u); i++) {
        vb_format(c->path, sizeof(c->path), "%s%s%s", prefixes[i], path[0] == '/' ? "" : "/", path);
        if (fs_stat(&c->fs, c->path, &c->dirent) == 0 && !c->dirent.is_dir)
            return c->path;
    }
    return NULL;
}

static void discover_bls_file(discover_ctx *c, const char *dir, const char *file, bool boot_dir) {
    size_t stem, len;
    char name[VB_FS_NAME_MAX];
    if (!discover_ends_with(file, ".conf", &stem))
        return;
    vb_memcpy(name, file, stem);
    name[stem] = '\0';
    char path[VB_PATH_MAX];
    vb_format(path, sizeof(path), "%s/%s", dir, file);
    if (discover_read(c, path, true, &len) < 0)
        return;
    int r = bls_parse(&c->bls, c->text, len, BLS_ARCH, &c->diag);
    if (r == VB_ENOTFOUND)
        return; /* another architecture's entry: not ours to list */
    if (r < 0) {
        discover_report(c, "%s: %s", path, c->diag.text);
        return;
    }
    const bls_entry *b = &c->bls;
    const char *target = b->linux_path ? b->linux_path : b->efi;
    if (!discover_resolve(c, target, boot_dir)) {
        discover_report(c, "%s: %s %s not found", path, b->linux_path ? "linux" : "efi", target);
        return;
    }
    discover_entry *e = discover_add(c, DISCOVER_BLS, name, b->title ? b->title : name);
    if (!e)
        return;
    e->kind = b->linux_path ? DISCOVER_KERNEL : DISCOVER_EFI;
    if (!discover_set(c, b->linux_path ? &e->linux_path : &e->efi_path, c->path) ||
        !discover_set(c, &e->options, b->options) || !discover_set(c, &e->name, name) ||
        (b->sort_key && !discover_set(c, &e->sort_key, b->sort_key)) ||
        (b->version && !discover_set(c, &e->version, b->version)))
        return;
    for (uint32_t i = 0; b->linux_path && i < b->initrd_count; i++) {
        if (!discover_resolve(c, b->initrds[i], boot_dir)) {
            discover_report(c, "%s: initrd %s not found", path, b->initrds[i]);
            c->out->count--;
            return;
        }
        if (!discover_set(c, &e->initrds[e->initrd_count++], c->path))
            return;
    }
}

/* Calls fn for every file of dir (a missing folder is no problem). */
static void discover_each_file(discover_ctx *c, const char *dir, bool boot_dir,
                               void (*fn)(discover_ctx *, const char *, const char *, bool)) {
    int r = fs_opendir(&c->fs, dir, &c->dir);
    if (r == VB_ENOTFOUND)
        return;
    while (r >= 0) {
        r = fs_readdir(&c->dir, &c->dirent);
        if (r <= 0)
            break;
        if (c->dirent.is_dir)
            continue;
        char file[VB_FS_NAME_MAX];
        vb_memcpy(file, c->dirent.name, sizeof(file));
        fn(c, dir, file, boot_dir);
    }
    if (r < 0)
        discover_report(c, "%s: %s: %s", dir, vb_err_message(r), fs_diag(&c->fs)->text);
}

static void discover_uki_file(discover_ctx *c, const char *dir, const char *file, bool unused) {
    (void)unused;
    size_t stem;
    if (!discover_ends_with(file, ".efi", &stem))
        return;
    char path[VB_PATH_MAX], name[VB_FS_NAME_MAX + 8], pretty[DISCOVER_TITLE_MAX];
    char version[64], id[64], title[DISCOVER_TITLE_MAX + 66];
    vb_format(path, sizeof(path), "%s/%s", dir, file);
    vb_source src;
    pe_section sec;
    int r = fs_lookup(&c->fs, path, &c->file, &src);
    if (r < 0) {
        discover_report(c, "%s: %s: %s", path, vb_err_message(r), fs_diag(&c->fs)->text);
        return;
    }
    r = pe_find_section(&src, ".osrel", &sec, &c->diag);
    if (r == 0 && sec.machine != PE_MACHINE_NATIVE)
        return; /* a UKI for another architecture */
    if (r == 0 && sec.size > VB_DISCOVER_FILE_MAX)
        r = vb_fail(&c->diag, VB_ELIMIT, ".osrel larger than %u bytes", VB_DISCOVER_FILE_MAX);
    if (r == 0)
        r = vb_source_read(&src, sec.offset, c->text, sec.size);
    if (r < 0) {
        discover_report(c, "%s: not a usable UKI: %s", path,
                        c->diag.err == r ? c->diag.text : vb_err_message(r));
        return;
    }
    if (!osrel_get(c->text, sec.size, "PRETTY_NAME", pretty, sizeof(pretty)) &&
        !osrel_get(c->text, sec.size, "NAME", pretty, sizeof(pretty)))
        vb_strlcpy(pretty, file, sizeof(pretty));
    osrel_get(c->text, sec.size, "VERSION_ID", version, sizeof(version));
    osrel_get(c->text, sec.size, "ID", id, sizeof(id));
    if (version[0] && !discover_contains(pretty, version))
        vb_format(title, sizeof(title), "%s %s", pretty, version);
    else
        vb_format(title, sizeof(title), "%s", pretty);
    vb_format(name, sizeof(name), "uki/%s", file);
    discover_entry *e = discover_add(c, DISCOVER_UKI, name, title);
    if (!e)
        return;
    e->kind = DISCOVER_EFI;
    char stem_name[VB_FS_NAME_MAX];
    vb_memcpy(stem_name, file, stem);
    stem_name[stem] = '\0';
    if (!discover_set(c, &e->efi_path, path) || !discover_set(c, &e->name, stem_name) ||
        (id[0] && !discover_set(c, &e->sort_key, id)) ||
        (version[0] && !discover_set(c, &e->version, version)))
        return;
}

/* The Debian/Ubuntu layout: /vmlinuz (+ /initrd.img), or under /boot. */
static void discover_debian(discover_ctx *c) {
    static const char *const dirs[] = {"", "/boot"};
    char kernel[32], initrd[32], title[DISCOVER_TITLE_MAX], options[VB_CFG_VALUE_MAX + 1];
    size_t d, len;
    for (d = 0; d < VB_ARRAY_SIZE(dirs); d++) {
        vb_format(kernel, sizeof(kernel), "%s/vmlinuz", dirs[d]);
        if (fs_stat(&c->fs, kernel, &c->dirent) == 0 && !c->dirent.is_dir)
            break;
    }
    if (d == VB_ARRAY_SIZE(dirs))
        return;
    vb_format(initrd, sizeof(initrd), "%s/initrd.img", dirs[d]);
    bool has_initrd = fs_stat(&c->fs, initrd, &c->dirent) == 0 && !c->dirent.is_dir;
    title[0] = '\0';
    if (discover_read(c, "/etc/os-release", false, &len) == 0 ||
        discover_read(c, "/usr/lib/os-release", false, &len) == 0)
        osrel_get(c->text, len, "PRETTY_NAME", title, sizeof(title));
    if (!title[0])
        vb_strlcpy(title, "Linux", sizeof(title));
    options[0] = '\0';
    if (discover_read(c, "/etc/kernel/cmdline", false, &len) == 0) {
        /* One line of options: line breaks and tabs become spaces. */
        size_t o = 0;
        for (size_t i = 0; i < len && o < sizeof(options) - 1; i++) {
            char ch = (unsigned char)c->text[i] < 0x20 ? ' ' : c->text[i];
            if (ch == ' ' && (o == 0 || options[o - 1] == ' '))
                continue;
            options[o++] = ch;
        }
        while (o > 0 && options[o - 1] == ' ')
            o--;
        options[o] = '\0';
    }
    if (!options[0]) {
        if (c->part && c->part->uuid[0])
            vb_format(options, sizeof(options), "root=PARTUUID=%s ro", c->part->uuid);
        else
            vb_strlcpy(options, "ro", sizeof(options));
    }
    discover_entry *e = discover_add(c, DISCOVER_DEBIAN, "debian", title);
    if (!e)
        return;
    e->kind = DISCOVER_KERNEL;
    if (!discover_set(c, &e->linux_path, kernel) || !discover_set(c, &e->options, options) ||
        !discover_set(c, &e->name, "debian"))
        return;
    if (has_initrd && !discover_set(c, &e->initrds[e->initrd_count++], initrd))
        return;
}

static void discover_fallback_loader(discover_ctx *c) {
    if (fs_stat(&c->fs, DISCOVER_FALLBACK_LOADER, &c->dirent) < 0 || c->dirent.is_dir)
        return;
    discover_entry *e = discover_add(c, DISCOVER_LOADER, "efi", DISCOVER_FALLBACK_TITLE);
    if (!e)
        return;
    e->kind = DISCOVER_EFI;
    if (!discover_set(c, &e->efi_path, DISCOVER_FALLBACK_LOADER) ||
        !discover_set(c, &e->name, "efi"))
        return;
}

static bool discover_type_is(const part_entry *p, const char *guid_text) {
    vb_guid g;
    return vb_guid_parse(guid_text, vb_strlen(guid_text), &g) &&
           vb_memcmp(g.bytes, p->type_guid.bytes, sizeof(g.bytes)) == 0;
}

/* One mounted filesystem (c->part: its partition, NULL for the whole disk). */
static void discover_fs(discover_ctx *c) {
    const part_entry *p = c->part;
    bool esp = p && (discover_type_is(p, DISCOVER_TYPE_ESP) || p->mbr_type == 0xEF);
    bool xbootldr = p && (discover_type_is(p, DISCOVER_TYPE_XBOOTLDR) || p->mbr_type == 0xEA);
    if (esp || xbootldr) {
        discover_each_file(c, "/loader/entries", false, discover_bls_file);
        discover_each_file(c, "/EFI/Linux", false, discover_uki_file);
    } else {
        discover_each_file(c, "/boot/loader/entries", true, discover_bls_file);
    }
    if (c->fs.kind == FS_KIND_EXT4)
        discover_debian(c);
    if (esp)
        discover_fallback_loader(c);
}

/* Mounts src and looks inside; a filesystem core does not read is no
 * problem, one that fails to mount is. */
static void discover_mount(discover_ctx *c, const vb_source *src) {
    int r = fs_mount(&c->fs, src);
    if (r == VB_EFORMAT)
        return;
    if (r < 0) {
        discover_report(c, "filesystem: %s: %s", vb_err_message(r), fs_diag(&c->fs)->text);
        return;
    }
    discover_fs(c);
}

static int discover_group(const discover_entry *e) {
    return e->source == DISCOVER_BLS || e->source == DISCOVER_UKI ? 0
           : e->source == DISCOVER_DEBIAN                         ? 1
                                                                  : 2;
}

/* Negative when a is listed before b. */
static int discover_compare(const discover_entry *a, const discover_entry *b) {
    int ga = discover_group(a), gb = discover_group(b);
    if (ga != gb)
        return ga - gb;
    if (ga != 0)
        return 0; /* partition order */
    return bls_order(a->sort_key, a->version, a->name, b->sort_key, b->version, b->name);
}

int discover_disk(discover_ctx *c, const vb_source *disk, const char *image, discover_result *out) {
    vb_memset(out, 0, sizeof(*out));
    c->out = out;
    c->image = image;
    c->part = NULL;
    int r = part_read(&c->table, disk, 0);
    if (r == VB_EFORMAT) {
        discover_mount(c, disk);
    } else if (r < 0) {
        discover_problem(out, image, "partition table: %s: %s", vb_err_message(r),
                         c->table.diag.text);
        return r;
    } else {
        for (uint32_t i = 0; i < c->table.count; i++) {
            c->part = &c->table.entries[i];
            r = part_open(c->part, disk, &c->slice, &c->part_src);
            if (r < 0)
                discover_report(c, "%s", vb_err_message(r));
            else
                discover_mount(c, &c->part_src);
        }
        c->part = NULL;
    }
    /* Insertion sort, stable: equal entries keep the order they were found in. */
    for (uint32_t i = 1; i < out->count; i++) {
        discover_entry e = out->entries[i];
        uint32_t j = i;
        while (j > 0 && discover_compare(&out->entries[j - 1], &e) > 0) {
            out->entries[j] = out->entries[j - 1];
            j--;
        }
        out->entries[j] = e;
    }
    return 0;
}

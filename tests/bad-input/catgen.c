/* catgen.c: builds the bad-input catalogue: for every case of cases.txt,
 * copies a good base image folder (mkbases.sh) and applies the case's
 * damage steps, precisely, by field name rather than by raw offset.
 *
 *   catgen BASE_DIR OUT_DIR CASES_FILE
 *
 * Writes OUT_DIR/NAME/ per case and OUT_DIR/cases.list ("NAME CHECK CAT FS"
 * per line) for run.sh. The step language is documented in cases.txt.
 * Host tool for tests only: plain libc, exits on any malformed step so a
 * typo in the table never passes as a case. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Same CRC-32 as core/lib/crc32.c (IEEE, reflected), written out here so the
 * generator does not depend on the code it tests. */
static uint32_t crc32_of(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static const char *case_name;
static int line_no;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "catgen: cases.txt:%d (%s): ", line_no, case_name ? case_name : "-");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* ---- files ----------------------------------------------------------------- */

typedef struct blob {
    char path[1024];
    uint8_t *p;
    size_t n;
} blob;

static void load(blob *b, const char *path) {
    snprintf(b->path, sizeof(b->path), "%s", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    b->n = (size_t)len;
    b->p = malloc(b->n + 1);
    if (!b->p || fread(b->p, 1, b->n, f) != b->n)
        die("%s: cannot read", path);
    fclose(f);
}

static void save(blob *b) {
    FILE *f = fopen(b->path, "wb");
    if (!f || fwrite(b->p, 1, b->n, f) != b->n || fclose(f) != 0)
        die("%s: cannot write", b->path);
    free(b->p);
    b->p = NULL;
}

static uint64_t get_le(const uint8_t *p, int size) {
    uint64_t v = 0;
    for (int i = size - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put_le(uint8_t *p, int size, uint64_t v) {
    for (int i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void need(const blob *b, uint64_t off, uint64_t len) {
    if (off > b->n || len > b->n - off)
        die("%s: bytes %llu..%llu are outside the file (%zu bytes)", b->path,
            (unsigned long long)off, (unsigned long long)(off + len), b->n);
}

/* ---- expressions: NUMBER | SYMBOL, then optional [+-]NUMBER ... -------------- */

#define MAX_SYMS 32
static struct {
    char name[32];
    uint64_t value;
} syms[MAX_SYMS];
static int nsyms;

static void sym_clear(void) {
    nsyms = 0;
}

static void sym(const char *name, uint64_t value) {
    if (nsyms == MAX_SYMS)
        die("too many symbols");
    snprintf(syms[nsyms].name, sizeof(syms[nsyms].name), "%s", name);
    syms[nsyms++].value = value;
}

static uint64_t eval(const char *s) {
    uint64_t v = 0;
    const char *p = s;
    int sign = 1;
    bool first = true;
    while (*p) {
        if (!first) {
            if (*p == '+')
                sign = 1;
            else if (*p == '-')
                sign = -1;
            else
                die("bad expression '%s'", s);
            p++;
        }
        uint64_t term;
        if (isdigit((unsigned char)*p)) {
            char *end;
            errno = 0;
            term = strtoull(p, &end, 0);
            if (errno)
                die("bad number in '%s'", s);
            p = end;
        } else {
            size_t n = 0;
            while (isalnum((unsigned char)p[n]) || p[n] == '_')
                n++;
            int i;
            for (i = 0; i < nsyms; i++)
                if (strlen(syms[i].name) == n && strncmp(syms[i].name, p, n) == 0)
                    break;
            if (n == 0 || i == nsyms)
                die("unknown symbol in '%s'", s);
            term = syms[i].value;
            p += n;
        }
        v = sign > 0 ? v + term : v - term;
        first = false;
    }
    return v;
}

/* ---- field tables ------------------------------------------------------------ */

typedef struct field {
    const char *name;
    int off, size;
} field;

static const field kdmv_fields[] = {
    {"magic", 0, 4},    {"version", 4, 4},      {"flags", 8, 4},      {"capacity", 12, 8},
    {"grain", 20, 8},   {"desc_offset", 28, 8}, {"desc_size", 36, 8}, {"gtes", 44, 4},
    {"rgd", 48, 8},     {"gd", 56, 8},          {"overhead", 64, 8},  {"unclean", 72, 1},
    {"newline", 73, 4}, {"compress", 77, 2},    {NULL, 0, 0},
};
static const field cowd_fields[] = {
    {"magic", 0, 4}, {"version", 4, 4},     {"flags", 8, 4}, {"sectors", 12, 4}, {"grain", 16, 4},
    {"gd", 20, 4},   {"gd_entries", 24, 4}, {"free", 28, 4}, {NULL, 0, 0},
};
static const field gpt_fields[] = {
    {"hsize", 12, 4}, {"crc", 16, 4},  {"my", 24, 8},      {"alt", 32, 8},
    {"first", 40, 8}, {"last", 48, 8}, {"entries", 72, 8}, {"count", 80, 4},
    {"esize", 84, 4}, {"ecrc", 88, 4}, {NULL, 0, 0},
};
static const field gpt_entry_fields[] = {{"first", 32, 8}, {"last", 40, 8}, {NULL, 0, 0}};
static const field bpb_fields[] = {
    {"bps", 11, 2},     {"spc", 13, 1},   {"reserved", 14, 2}, {"nfats", 16, 1},   {"root", 17, 2},
    {"total16", 19, 2}, {"media", 21, 1}, {"fatsz", 22, 2},    {"total32", 32, 4}, {NULL, 0, 0},
};
static const field dirent_fields[] = {
    {"attr", 11, 1}, {"cluster", 26, 2}, {"size", 28, 4}, {NULL, 0, 0}};

static const field *find_field(const field *t, const char *name) {
    for (; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    die("unknown field '%s'", name);
}

/* ---- sparse extents ----------------------------------------------------------- */

typedef struct sparse {
    bool cowd;
    uint64_t gd, rgd, gd_entries, gtes, grain, desc_offset, desc_size, overhead;
} sparse;

static void sparse_info(const blob *b, sparse *s) {
    memset(s, 0, sizeof(*s));
    need(b, 0, 512);
    if (memcmp(b->p, "KDMV", 4) == 0) {
        uint64_t cap = get_le(b->p + 12, 8);
        s->grain = get_le(b->p + 20, 8);
        s->desc_offset = get_le(b->p + 28, 8);
        s->desc_size = get_le(b->p + 36, 8);
        s->gtes = get_le(b->p + 44, 4);
        s->rgd = get_le(b->p + 48, 8);
        s->gd = get_le(b->p + 56, 8);
        s->overhead = get_le(b->p + 64, 8);
        if (s->gd == UINT64_MAX && b->n >= 1024 && memcmp(b->p + b->n - 1024, "KDMV", 4) == 0) {
            const uint8_t *f = b->p + b->n - 1024; /* streamOptimized footer */
            s->rgd = get_le(f + 48, 8);
            s->gd = get_le(f + 56, 8);
        }
        if (s->grain && s->gtes)
            s->gd_entries = (cap + s->grain * s->gtes - 1) / (s->grain * s->gtes);
    } else if (memcmp(b->p, "COWD", 4) == 0) {
        s->cowd = true;
        s->grain = get_le(b->p + 16, 4);
        s->gd = get_le(b->p + 20, 4);
        s->gd_entries = get_le(b->p + 24, 4);
        s->gtes = 4096;
    } else {
        die("%s: not a sparse extent", b->path);
    }
}

static uint64_t gde_at(const blob *b, uint64_t dir, uint64_t i) {
    need(b, dir * 512 + i * 4, 4);
    return get_le(b->p + dir * 512 + i * 4, 4);
}

static uint64_t gte_at(const blob *b, const sparse *s, uint64_t dir, uint64_t gdi, uint64_t i) {
    uint64_t gt = gde_at(b, dir, gdi);
    if (gt == 0)
        die("%s: grain table %llu is not allocated", b->path, (unsigned long long)gdi);
    if (i >= s->gtes)
        die("grain table entry %llu out of range", (unsigned long long)i);
    need(b, gt * 512 + i * 4, 4);
    return get_le(b->p + gt * 512 + i * 4, 4);
}

/* Symbols for sparse steps: eof (file sectors), gd, rgd, gt0, rgt0 (sector
 * of grain table 0), g0..g3 (entries 0..3 of table 0), overhead, desc_offset. */
static void sparse_syms(const blob *b, const sparse *s) {
    sym_clear();
    sym("eof", b->n / 512);
    sym("size", b->n);
    sym("gd", s->gd);
    sym("rgd", s->rgd);
    sym("overhead", s->overhead);
    sym("desc_offset", s->desc_offset);
    sym("desc_size", s->desc_size);
    sym("gd_entries", s->gd_entries);
    if (s->gd && s->gd != UINT64_MAX && s->gd_entries && s->gd * 512 + 4 <= b->n) {
        uint64_t gt0 = gde_at(b, s->gd, 0);
        sym("gt0", gt0);
        if (gt0 && gt0 * 512 + 16 <= b->n)
            for (int i = 0; i < 4; i++) {
                char name[8];
                snprintf(name, sizeof(name), "g%d", i);
                sym(name, get_le(b->p + gt0 * 512 + (uint64_t)i * 4, 4));
            }
    }
    if (s->rgd && s->rgd * 512 + 4 <= b->n)
        sym("rgt0", gde_at(b, s->rgd, 0));
}

/* ---- descriptor text ------------------------------------------------------------- */

/* Where the descriptor text of a file is: the whole file, or the embedded
 * region of a KDMV extent. */
static void desc_region(const blob *b, uint64_t *ret_off, uint64_t *ret_cap, size_t *ret_len) {
    if (b->n >= 512 && memcmp(b->p, "KDMV", 4) == 0) {
        uint64_t off = get_le(b->p + 28, 8) * 512, cap = get_le(b->p + 36, 8) * 512;
        if (off == 0)
            die("%s: no embedded descriptor", b->path);
        need(b, off, cap);
        *ret_off = off;
        *ret_cap = cap;
        *ret_len = strnlen((const char *)b->p + off, cap);
    } else {
        *ret_off = 0;
        *ret_cap = UINT64_MAX;
        *ret_len = b->n;
    }
}

static char *desc_get(const blob *b) {
    uint64_t off, cap;
    size_t len;
    desc_region(b, &off, &cap, &len);
    char *t = malloc(len + 1);
    memcpy(t, b->p + off, len);
    t[len] = '\0';
    return t;
}

static void desc_put(blob *b, const char *t) {
    uint64_t off, cap;
    size_t len, n = strlen(t);
    desc_region(b, &off, &cap, &len);
    if (cap == UINT64_MAX) {
        free(b->p);
        b->p = malloc(n + 1);
        memcpy(b->p, t, n);
        b->n = n;
        return;
    }
    if (n > cap)
        die("%s: edited descriptor (%zu bytes) does not fit the embedded region (%llu)", b->path, n,
            (unsigned long long)cap);
    memset(b->p + off, 0, (size_t)cap);
    memcpy(b->p + off, t, n);
}

/* Replaces t[a, b) with rep; returns the new malloc'd string. */
static char *splice(char *t, size_t a, size_t b, const char *rep) {
    size_t n = strlen(t), r = strlen(rep);
    char *o = malloc(n - (b - a) + r + 1);
    memcpy(o, t, a);
    memcpy(o + a, rep, r);
    memcpy(o + a + r, t + b, n - b + 1);
    free(t);
    return o;
}

/* Line boundaries of the first line for which match(line) holds. */
static bool find_line(const char *t, bool (*match)(const char *, size_t, const void *),
                      const void *arg, int nth, size_t *ret_a, size_t *ret_b) {
    size_t a = 0, n = strlen(t);
    while (a < n) {
        size_t e = a;
        while (e < n && t[e] != '\n')
            e++;
        if (match(t + a, e - a, arg) && nth-- == 0) {
            *ret_a = a;
            *ret_b = e;
            return true;
        }
        a = e + 1;
    }
    return false;
}

static bool is_key_line(const char *l, size_t n, const void *arg) {
    const char *key = arg;
    size_t k = strlen(key);
    return n > k && strncmp(l, key, k) == 0 && (l[k] == '=' || l[k] == ' ');
}

static bool is_extent_line(const char *l, size_t n, const void *arg) {
    (void)arg;
    static const char *const w[] = {"RW ", "RDONLY ", "NOACCESS "};
    for (int i = 0; i < 3; i++)
        if (n >= strlen(w[i]) && strncmp(l, w[i], strlen(w[i])) == 0)
            return true;
    return false;
}

/* ---- GPT ---------------------------------------------------------------------------- */

static uint8_t *gpt_header(blob *b, bool backup) {
    uint64_t lba = backup ? b->n / 512 - 1 : 1;
    need(b, lba * 512, 512);
    uint8_t *h = b->p + lba * 512;
    if (memcmp(h, "EFI PART", 8) != 0)
        die("%s: no GPT header at LBA %llu", b->path, (unsigned long long)lba);
    return h;
}

static void gpt_fix(blob *b) {
    for (int backup = 0; backup < 2; backup++) {
        uint8_t *h = gpt_header(b, backup);
        uint64_t count = get_le(h + 80, 4), size = get_le(h + 84, 4), lba = get_le(h + 72, 8);
        if (count * size <= 1u << 20 && lba < b->n / 512 && lba * 512 + count * size <= b->n)
            put_le(h + 88, 4, crc32_of(b->p + lba * 512, (size_t)(count * size)));
        uint64_t hsize = get_le(h + 12, 4);
        if (hsize >= 92 && hsize <= 512) {
            put_le(h + 16, 4, 0);
            put_le(h + 16, 4, crc32_of(h, (size_t)hsize));
        }
    }
}

/* ---- FAT16 on partition 1 of a GPT raw disk -------------------------------------------- */

typedef struct fat {
    blob *b;
    uint64_t base; /* byte offset of the volume */
    uint64_t bps, spc, reserved, nfats, root_entries, fat_size, fat_off, root_off, data_off;
} fat;

static void fat_open(fat *f, blob *b) {
    uint8_t *h = gpt_header(b, false);
    uint64_t entries = get_le(h + 72, 8);
    need(b, entries * 512, 128);
    f->b = b;
    f->base = get_le(b->p + entries * 512 + 32, 8) * 512;
    need(b, f->base, 512);
    const uint8_t *s = b->p + f->base;
    f->bps = get_le(s + 11, 2);
    f->spc = s[13];
    f->reserved = get_le(s + 14, 2);
    f->nfats = s[16];
    f->root_entries = get_le(s + 17, 2);
    f->fat_size = get_le(s + 22, 2);
    if (f->fat_size == 0 || f->bps != 512)
        die("fat steps expect the FAT16 base");
    f->fat_off = f->base + f->reserved * f->bps;
    f->root_off = f->fat_off + f->nfats * f->fat_size * f->bps;
    f->data_off = f->root_off + (f->root_entries * 32 + f->bps - 1) / f->bps * f->bps;
}

static uint64_t fat_get(const fat *f, uint64_t cluster) {
    need(f->b, f->fat_off + cluster * 2, 2);
    return get_le(f->b->p + f->fat_off + cluster * 2, 2);
}

static void fat_set(fat *f, uint64_t cluster, uint64_t value) {
    for (uint64_t i = 0; i < f->nfats; i++) {
        uint64_t at = f->fat_off + i * f->fat_size * f->bps + cluster * 2;
        need(f->b, at, 2);
        put_le(f->b->p + at, 2, value);
    }
}

/* The 32-byte entry of an 8.3 path ("KERNEL", "DIR/FILE"). */
static uint8_t *fat_dirent(fat *f, const char *path) {
    uint64_t off = f->root_off, count = f->root_entries;
    const char *p = path;
    for (;;) {
        char want[12];
        memset(want, ' ', 11);
        want[11] = '\0';
        size_t i = 0, k = 0;
        while (p[i] && p[i] != '/' && p[i] != '.' && k < 8)
            want[k++] = (char)toupper((unsigned char)p[i++]);
        if (p[i] == '.') {
            i++;
            for (k = 8; p[i] && p[i] != '/' && k < 11;)
                want[k++] = (char)toupper((unsigned char)p[i++]);
        }
        uint8_t *e = NULL;
        for (uint64_t j = 0; j < count; j++) {
            need(f->b, off + j * 32, 32);
            uint8_t *c = f->b->p + off + j * 32;
            if (c[0] == 0)
                break;
            if (c[11] != 0x0F && memcmp(c, want, 11) == 0) {
                e = c;
                break;
            }
        }
        if (!e)
            die("no directory entry '%s' in '%s'", want, path);
        if (!p[i])
            return e;
        uint64_t cl = get_le(e + 26, 2); /* a subfolder: its first cluster only */
        off = f->data_off + (cl - 2) * f->spc * f->bps;
        count = f->spc * f->bps / 32;
        p += i + 1;
    }
}

/* ---- steps ------------------------------------------------------------------------------- */

#define MAX_ARGS 8

static void path_in(char *out, size_t cap, const char *dir, const char *file) {
    if (strchr(file, '/') == file || strstr(file, ".."))
        die("file '%s' must stay inside the case folder", file);
    snprintf(out, cap, "%s/%s", dir, file);
}

static void run(const char *cmd) {
    if (system(cmd) != 0)
        die("command failed: %s", cmd);
}

static void step(const char *dir, int argc, char **argv) {
    char path[1024];
    blob b;
    const char *op = argv[0];
    if (argc < 2)
        die("step '%s' needs a file", op);
    path_in(path, sizeof(path), dir, argv[1]);
#define ARGS(n)                                                                                    \
    do {                                                                                           \
        if (argc != (n) + 1)                                                                       \
            die("step '%s' takes %d arguments", op, (n));                                          \
    } while (0)

    if (strcmp(op, "hdr") == 0 || strcmp(op, "footer") == 0 || strcmp(op, "cowd") == 0) {
        /* hdr FILE FIELD VALUE: a KDMV header field; footer: the same in the
         * streamOptimized footer; cowd: a COWD header field. */
        ARGS(3);
        load(&b, path);
        sparse s;
        sparse_info(&b, &s);
        sparse_syms(&b, &s);
        const field *fl = find_field(op[0] == 'c' ? cowd_fields : kdmv_fields, argv[2]);
        uint64_t base = op[0] == 'f' ? b.n - 1024 : 0;
        need(&b, base + (uint64_t)fl->off, (uint64_t)fl->size);
        put_le(b.p + base + fl->off, fl->size, eval(argv[3]));
        save(&b);
    } else if (strcmp(op, "gde") == 0 || strcmp(op, "rgde") == 0) {
        /* gde FILE INDEX VALUE: an entry of the (redundant) grain directory. */
        ARGS(3);
        load(&b, path);
        sparse s;
        sparse_info(&b, &s);
        sparse_syms(&b, &s);
        uint64_t dir_sector = op[0] == 'r' ? s.rgd : s.gd;
        uint64_t i = eval(argv[2]);
        need(&b, dir_sector * 512 + i * 4, 4);
        put_le(b.p + dir_sector * 512 + i * 4, 4, eval(argv[3]));
        save(&b);
    } else if (strcmp(op, "gte") == 0 || strcmp(op, "rgte") == 0) {
        /* gte FILE TABLE INDEX VALUE: an entry of a grain table. */
        ARGS(4);
        load(&b, path);
        sparse s;
        sparse_info(&b, &s);
        sparse_syms(&b, &s);
        uint64_t dir_sector = op[0] == 'r' ? s.rgd : s.gd;
        uint64_t t = eval(argv[2]), i = eval(argv[3]);
        (void)gte_at(&b, &s, dir_sector, t, i);
        uint64_t gt = gde_at(&b, dir_sector, t);
        put_le(b.p + gt * 512 + i * 4, 4, eval(argv[4]));
        save(&b);
    } else if (strcmp(op, "marker") == 0) {
        /* marker FILE N FIELD VALUE: the N-th grain marker of a
         * streamOptimized extent (in file order, from overHead): FIELD lba
         * (8 bytes) or size (4 bytes, the compressed length). Symbols: size
         * (this marker's), eof, next (sectors to the next marker). */
        ARGS(4);
        load(&b, path);
        sparse s;
        sparse_info(&b, &s);
        uint64_t n = strtoull(argv[2], NULL, 0), at = s.overhead * 512, seen = 0;
        for (;;) {
            need(&b, at, 16);
            uint64_t val = get_le(b.p + at, 8), size = get_le(b.p + at + 8, 4);
            if (size != 0) {
                if (seen++ == n)
                    break;
                at += (12 + size + 511) / 512 * 512;
            } else {
                uint64_t type = get_le(b.p + at + 12, 4);
                if (type == 0)
                    die("%s: only %llu grain markers", b.path, (unsigned long long)seen);
                at += (1 + val) * 512;
            }
        }
        sym_clear();
        sym("eof", b.n / 512);
        sym("size", get_le(b.p + at + 8, 4));
        sym("lba", get_le(b.p + at, 8));
        sym("offset", at);
        if (strcmp(argv[3], "lba") == 0)
            put_le(b.p + at, 8, eval(argv[4]));
        else if (strcmp(argv[3], "size") == 0)
            put_le(b.p + at + 8, 4, eval(argv[4]));
        else if (strcmp(argv[3], "data") == 0 || strcmp(argv[3], "xor") == 0) {
            /* data / xor OFFSET:HEX: write / flip bytes of the compressed data */
            bool flip = argv[3][0] == 'x';
            const char *colon = strchr(argv[4], ':');
            if (!colon)
                die("marker data/xor wants OFFSET:HEX");
            char offs[64];
            snprintf(offs, sizeof(offs), "%.*s", (int)(colon - argv[4]), argv[4]);
            uint64_t o = at + 12 + eval(offs);
            const char *h = colon + 1;
            for (; h[0] && h[1]; h += 2, o++) {
                unsigned v;
                if (sscanf(h, "%2x", &v) != 1)
                    die("bad hex '%s'", colon + 1);
                need(&b, o, 1);
                b.p[o] = flip ? (uint8_t)(b.p[o] ^ v) : (uint8_t)v;
            }
        } else
            die("marker field is lba, size, data or xor");
        save(&b);
    } else if (strcmp(op, "truncate") == 0) {
        /* truncate FILE SECTORS (expression; eof = the file's sectors). */
        ARGS(2);
        load(&b, path);
        sym_clear();
        sym("eof", b.n / 512);
        if (b.n >= 512 && (memcmp(b.p, "KDMV", 4) == 0 || memcmp(b.p, "COWD", 4) == 0)) {
            sparse s;
            sparse_info(&b, &s);
            sparse_syms(&b, &s);
        }
        uint64_t sectors = eval(argv[2]);
        if (sectors * 512 > b.n)
            die("truncate would grow the file");
        b.n = (size_t)(sectors * 512);
        save(&b);
    } else if (strcmp(op, "truncate-bytes") == 0) {
        ARGS(2);
        load(&b, path);
        uint64_t n = strtoull(argv[2], NULL, 0);
        if (n > b.n)
            die("truncate would grow the file");
        b.n = (size_t)n;
        save(&b);
    } else if (strcmp(op, "poke") == 0) {
        /* poke FILE BYTE_OFFSET HEX */
        ARGS(3);
        load(&b, path);
        sym_clear();
        sym("size", b.n);
        uint64_t o = eval(argv[2]);
        for (const char *h = argv[3]; h[0] && h[1]; h += 2, o++) {
            unsigned v;
            if (sscanf(h, "%2x", &v) != 1)
                die("bad hex '%s'", argv[3]);
            need(&b, o, 1);
            b.p[o] = (uint8_t)v;
        }
        save(&b);
    } else if (strcmp(op, "write") == 0) {
        /* write FILE TEXT: creates or replaces a file. */
        ARGS(2);
        FILE *f = fopen(path, "wb");
        if (!f || fputs(argv[2], f) < 0 || fclose(f) != 0)
            die("%s: cannot write", path);
    } else if (strcmp(op, "rm") == 0) {
        ARGS(1);
        if (unlink(path) != 0)
            die("%s: %s", path, strerror(errno));
    } else if (strcmp(op, "cp") == 0) {
        ARGS(2);
        char dst[1024], cmd[4096];
        path_in(dst, sizeof(dst), dir, argv[2]);
        snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, dst);
        run(cmd);
    } else if (strcmp(op, "desc-key") == 0 || strcmp(op, "desc-del") == 0) {
        /* desc-key FILE KEY VALUE: sets KEY=VALUE (the line is added after
         * the first line when missing); desc-del FILE KEY: removes it. */
        bool del = op[5] == 'd';
        ARGS(del ? 2 : 3);
        load(&b, path);
        char *t = desc_get(&b);
        size_t a, e;
        char line[4096];
        snprintf(line, sizeof(line), "%s=%s", argv[2], del ? "" : argv[3]);
        if (find_line(t, is_key_line, argv[2], 0, &a, &e)) {
            t = del ? splice(t, a, e + (t[e] == '\n'), "") : splice(t, a, e, line);
        } else if (!del) {
            strcat(line, "\n");
            char *nl = strchr(t, '\n');
            size_t at = nl ? (size_t)(nl - t) + 1 : 0;
            t = splice(t, at, at, line);
        } else {
            die("no line '%s=' to delete", argv[2]);
        }
        desc_put(&b, t);
        free(t);
        save(&b);
    } else if (strcmp(op, "desc-extent") == 0) {
        /* desc-extent FILE N LINE: replaces the N-th extent line (0-based). */
        ARGS(3);
        load(&b, path);
        char *t = desc_get(&b);
        size_t a, e;
        if (!find_line(t, is_extent_line, NULL, atoi(argv[2]), &a, &e))
            die("no extent line %s", argv[2]);
        t = splice(t, a, e, argv[3]);
        desc_put(&b, t);
        free(t);
        save(&b);
    } else if (strcmp(op, "desc-sub") == 0) {
        /* desc-sub FILE OLD NEW: replaces the first OLD. */
        ARGS(3);
        load(&b, path);
        char *t = desc_get(&b);
        char *at = strstr(t, argv[2]);
        if (!at)
            die("'%s' not in the descriptor", argv[2]);
        size_t a = (size_t)(at - t);
        t = splice(t, a, a + strlen(argv[2]), argv[3]);
        desc_put(&b, t);
        free(t);
        save(&b);
    } else if (strcmp(op, "desc-add") == 0) {
        /* desc-add FILE TEXT [COUNT]: appends TEXT (COUNT times). */
        if (argc != 3 && argc != 4)
            die("desc-add takes 2 or 3 arguments");
        load(&b, path);
        char *t = desc_get(&b);
        long count = argc == 4 ? atol(argv[3]) : 1;
        for (long i = 0; i < count; i++)
            t = splice(t, strlen(t), strlen(t), argv[2]);
        desc_put(&b, t);
        free(t);
        save(&b);
    } else if (strcmp(op, "gpt") == 0 || strcmp(op, "gpt-backup") == 0) {
        /* gpt FILE FIELD VALUE: a field of the primary (backup) GPT header
         * of a raw disk; symbols: disk (sectors), and the field's value. */
        ARGS(3);
        load(&b, path);
        uint8_t *h = gpt_header(&b, op[3] == '-');
        const field *fl = find_field(gpt_fields, argv[2]);
        sym_clear();
        sym("disk", b.n / 512);
        sym("value", get_le(h + fl->off, fl->size));
        put_le(h + fl->off, fl->size, eval(argv[3]));
        save(&b);
    } else if (strcmp(op, "gpt-entry") == 0) {
        /* gpt-entry FILE INDEX FIELD VALUE: in both entry arrays. */
        ARGS(4);
        load(&b, path);
        const field *fl = find_field(gpt_entry_fields, argv[3]);
        sym_clear();
        sym("disk", b.n / 512);
        for (int backup = 0; backup < 2; backup++) {
            uint8_t *h = gpt_header(&b, backup);
            uint64_t at = get_le(h + 72, 8) * 512 + strtoull(argv[2], NULL, 0) * get_le(h + 84, 4);
            need(&b, at, 128);
            put_le(b.p + at + fl->off, fl->size, eval(argv[4]));
        }
        save(&b);
    } else if (strcmp(op, "gpt-fix") == 0) {
        /* gpt-fix FILE: recomputes both headers' entry-array and header CRCs. */
        ARGS(1);
        load(&b, path);
        gpt_fix(&b);
        save(&b);
    } else if (strcmp(op, "fat-bpb") == 0 || strcmp(op, "fat-set") == 0 ||
               strcmp(op, "fat-chain") == 0 || strcmp(op, "fat-dirent") == 0) {
        /* fat-bpb FILE FIELD VALUE; fat-set FILE CLUSTER VALUE (every FAT);
         * fat-chain FILE PATH N VALUE (the FAT entry of the N-th cluster of
         * PATH's chain; symbols self, first, clusters = last valid number);
         * fat-dirent FILE PATH FIELD VALUE. On partition 1 of a raw disk. */
        load(&b, path);
        fat f;
        fat_open(&f, &b);
        sym_clear();
        uint64_t total = get_le(b.p + f.base + 19, 2);
        if (total == 0)
            total = get_le(b.p + f.base + 32, 4);
        uint64_t first_data = (f.data_off - f.base) / f.bps;
        sym("clusters", (total - first_data) / f.spc + 1);
        if (op[4] == 'b') {
            ARGS(3);
            const field *fl = find_field(bpb_fields, argv[2]);
            put_le(b.p + f.base + fl->off, fl->size, eval(argv[3]));
        } else if (op[4] == 's') {
            ARGS(3);
            fat_set(&f, eval(argv[2]), eval(argv[3]));
        } else if (op[4] == 'c') {
            ARGS(4);
            uint8_t *e = fat_dirent(&f, argv[2]);
            uint64_t first = get_le(e + 26, 2), c = first;
            for (long n = atol(argv[3]); n > 0; n--)
                c = fat_get(&f, c);
            sym("self", c);
            sym("first", first);
            fat_set(&f, c, eval(argv[4]));
        } else {
            ARGS(4);
            uint8_t *e = fat_dirent(&f, argv[2]);
            const field *fl = find_field(dirent_fields, argv[3]);
            sym("value", get_le(e + fl->off, fl->size));
            put_le(e + fl->off, fl->size, eval(argv[4]));
        }
        save(&b);
    } else if (strcmp(op, "convert") == 0) {
        /* convert RAW VMDK: qemu-img writes the damaged raw disk as a
         * monolithicSparse VMDK. */
        ARGS(2);
        char dst[1024], cmd[4096];
        path_in(dst, sizeof(dst), dir, argv[2]);
        snprintf(cmd, sizeof(cmd),
                 "rm -f '%s' && qemu-img convert -q -f raw -O vmdk -o subformat=monolithicSparse "
                 "'%s' '%s'",
                 dst, path, dst);
        run(cmd);
    } else {
        die("unknown step '%s'", op);
    }
#undef ARGS
}

/* ---- the table ---------------------------------------------------------------------------- */

/* Splits s at unquoted sep characters (in place); returns the count. */
static int split(char *s, char sep, char **out, int max) {
    int n = 0;
    bool q = false;
    out[n++] = s;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (*p == '"')
            q = !q;
        else if (*p == sep && !q) {
            if (n == max)
                die("too many '%c'-separated fields", sep);
            *p = '\0';
            out[n++] = p + 1;
        }
    }
    return n;
}

static char *trim(char *s) {
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Words of a step: whitespace-separated, "quoted" with \n \t \r \" \\ \xHH.
 * Unescaping only shrinks a word, so it is rewritten in place. */
static int words(char *s, char **out, int max) {
    int n = 0;
    for (;;) {
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            return n;
        if (n == max)
            die("too many words in a step");
        char *w = s;
        out[n++] = w;
        if (*s == '"') {
            s++;
            while (*s && *s != '"') {
                if (*s == '\\' && s[1]) {
                    s++;
                    char c = *s++;
                    unsigned v;
                    if (c == 'n')
                        *w++ = '\n';
                    else if (c == 't')
                        *w++ = '\t';
                    else if (c == 'r')
                        *w++ = '\r';
                    else if (c == 'x' && sscanf(s, "%2x", &v) == 1 &&
                             isxdigit((unsigned char)s[1])) {
                        *w++ = (char)v;
                        s += 2;
                    } else
                        *w++ = c;
                } else {
                    *w++ = *s++;
                }
            }
            if (*s != '"')
                die("unterminated quote in a step");
            s++;
            if (*s && !isspace((unsigned char)*s))
                die("text right after a closing quote");
        } else {
            while (*s && !isspace((unsigned char)*s))
                *w++ = *s++;
        }
        bool end = *s == '\0';
        *w = '\0';
        if (end)
            return n;
        s++;
    }
}

static bool known_code(const char *c) {
    static const char *const codes[] = {
        "OK",       "EIO",       "ECORRUPT", "EUNSUPPORTED", "ELIMIT",     "ENOTFOUND",
        "ERANGE",   "EINVAL",    "EFORMAT",  "ENOACCESS",    "EPATH",      "EDESCRIPTOR",
        "EDEFLATE", "ECHECKSUM", "ECID",     "ELOOP",        "ETRUNCATED", "-",
    };
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (strcmp(c, codes[i]) == 0)
            return true;
    return false;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: catgen BASE_DIR OUT_DIR CASES_FILE\n");
        return 2;
    }
    const char *base = argv[1], *out = argv[2];
    FILE *cases = fopen(argv[3], "r");
    if (!cases) {
        perror(argv[3]);
        return 1;
    }
    char cmd[4096];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", out, out);
    run(cmd);
    char list_path[1024];
    snprintf(list_path, sizeof(list_path), "%s/cases.list", out);
    FILE *list = fopen(list_path, "w");
    if (!list) {
        perror(list_path);
        return 1;
    }
    char line[16384];
    int count = 0;
    while (fgets(line, sizeof(line), cases)) {
        line_no++;
        case_name = NULL;
        char *l = trim(line);
        if (!*l || *l == '#')
            continue;
        char *col[6];
        if (split(l, '|', col, 6) != 6)
            die("want 6 '|'-separated columns: name | base | steps | check | cat | fs");
        for (int i = 0; i < 6; i++)
            col[i] = trim(col[i]);
        case_name = col[0];
        for (const char *p = case_name; *p; p++)
            if (!isalnum((unsigned char)*p) && *p != '-')
                die("case names use letters, digits and '-'");
        for (int i = 3; i < 6; i++)
            if (!known_code(col[i]))
                die("unknown expected code '%s'", col[i]);
        char dir[1024];
        snprintf(dir, sizeof(dir), "%s/%s", out, case_name);
        struct stat st;
        if (stat(dir, &st) == 0)
            die("duplicate case name");
        snprintf(cmd, sizeof(cmd), "cp -r '%s/%s' '%s'", base, col[1], dir);
        run(cmd);
        char *steps[64];
        int nsteps = strcmp(col[2], "-") == 0 ? 0 : split(col[2], ';', steps, 64);
        for (int i = 0; i < nsteps; i++) {
            char *w[MAX_ARGS];
            int n = words(steps[i], w, MAX_ARGS);
            if (n == 0)
                die("empty step");
            step(dir, n, w);
        }
        fprintf(list, "%s %s %s %s\n", case_name, col[3], col[4], col[5]);
        count++;
    }
    fclose(list);
    fclose(cases);
    printf("catgen: %d cases in %s\n", count, out);
    return 0;
}

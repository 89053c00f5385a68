/* vmdk_descgen.c: descriptor text for a new disk (see vmdk_descgen.h). The
 * layout of the text follows qemu-img's byte for byte, CID apart, so the
 * two tools' images differ only where they must. */
#include "vmdk/vmdk_descgen.h"

#include "lib/error.h"
#include "lib/util.h"
#include "vb_config.h"

/* A bounded text being appended to; `full` sticks once anything did not fit. */
typedef struct text {
    char *out;
    size_t cap, len;
    bool full;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...) {
    /* One piece at most: a name or hint (< VB_PATH_MAX) and fixed text. */
    char piece[2 * VB_PATH_MAX + 256];
    va_list ap;
    if (t->full)
        return;
    va_start(ap, fmt);
    size_t n = vb_vformat(piece, sizeof(piece), fmt, ap);
    va_end(ap);
    /* vb_vformat counts only what fits: a full piece means it was cut. */
    if (n + 1 >= sizeof(piece) || n >= t->cap - t->len) {
        t->full = true;
        return;
    }
    vb_memcpy(t->out + t->len, piece, n + 1);
    t->len += n;
}

static bool plain(const char *s) {
    for (; *s; s++)
        if (*s == '"' || *s == '\n' || *s == '\r')
            return false;
    return true;
}

int vmdk_descgen_text(const vmdk_descgen_params *p, char *out, size_t cap, size_t *ret_len) {
    uint64_t count;
    int err = vmdk_layout_extent_count(p->type, p->capacity, &count);
    if (err)
        return err;
    if (cap == 0)
        return VB_ELIMIT;
    if (!plain(p->top_name) || (p->parent_hint && !plain(p->parent_hint)))
        return VB_EINVAL;
    if (vb_strlen(p->top_name) >= VB_PATH_MAX ||
        (p->parent_hint && vb_strlen(p->parent_hint) >= VB_PATH_MAX))
        return VB_ELIMIT;
    text t = {out, cap, 0, false};
    out[0] = '\0';
    put(&t, "# Disk DescriptorFile\nversion=1\nCID=%x\nparentCID=%x\ncreateType=\"%s\"\n",
        (unsigned)p->cid, (unsigned)p->parent_cid, vmdk_layout_type_name(p->type));
    if (p->parent_hint)
        put(&t, "parentFileNameHint=\"%s\"", p->parent_hint);
    put(&t, "\n# Extent description\n");
    bool sparse = vmdk_layout_type_sparse(p->type);
    for (uint64_t i = 0; i < count; i++) {
        char name[VB_PATH_MAX];
        uint64_t start, sectors;
        if (vmdk_layout_extent_name(p->type, p->top_name, i, name, sizeof(name)) != 0)
            return VB_ELIMIT;
        vmdk_layout_extent_span(p->type, p->capacity, i, &start, &sectors);
        put(&t, "RW %llu %s \"%s\"%s\n", (unsigned long long)sectors, sparse ? "SPARSE" : "FLAT",
            name, sparse ? "" : " 0");
    }
    /* IDE geometry: 16 heads, 63 sectors, cylinders not capped (qemu). */
    put(&t,
        "\n# The Disk Data Base\n#DDB\n\n"
        "ddb.virtualHWVersion = \"4\"\n"
        "ddb.geometry.cylinders = \"%llu\"\n"
        "ddb.geometry.heads = \"16\"\n"
        "ddb.geometry.sectors = \"63\"\n"
        "ddb.adapterType = \"ide\"\n"
        "ddb.toolsVersion = \"2147483647\"\n",
        (unsigned long long)(p->capacity / (16 * 63)));
    if (t.full)
        return VB_ELIMIT;
    *ret_len = t.len;
    return 0;
}

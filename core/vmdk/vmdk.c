/* vmdk.c: the small public entry points of the VMDK reader: probing a
 * file, names of enums, capacity, close and the failure detail. Opening is
 * in vmdk_open.c, reading and mapping in vmdk_read.c, checking in
 * vmdk_check.c. */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

/* The firmware loader keeps a disk in its image (vb_config.h). */
VB_STATIC_ASSERT(sizeof(vmdk_disk) <= VB_VMDK_DISK_BYTES_MAX,
                 "vmdk_disk is larger than VB_VMDK_DISK_BYTES_MAX");

static const char *const access_names[] = {
    [VMDK_ACCESS_RW] = "rw",
    [VMDK_ACCESS_RDONLY] = "rdonly",
    [VMDK_ACCESS_NOACCESS] = "noaccess",
};

static const char *const extent_type_names[] = {
    [VMDK_EXTENT_FLAT] = "flat",
    [VMDK_EXTENT_SPARSE] = "sparse",
    [VMDK_EXTENT_ZERO] = "zero",
    [VMDK_EXTENT_VMFS] = "vmfs",
    [VMDK_EXTENT_VMFSSPARSE] = "vmfssparse",
    [VMDK_EXTENT_VMFSRDM] = "vmfsrdm",
    [VMDK_EXTENT_VMFSRAW] = "vmfsraw",
};

static const char *const stream_layout_names[] = {
    [VMDK_STREAM_NONE] = "not compressed",
    [VMDK_STREAM_HEADER_GD] = "grain directory at the header's gdOffset",
    [VMDK_STREAM_FOOTER_GD] = "grain directory from the footer",
    [VMDK_STREAM_WALKED] = "recovered by marker walk",
};

static const char *const walk_end_names[] = {
    [VMDK_WALK_EOS] = "end-of-stream marker",
    [VMDK_WALK_EOF] = "end of file",
    [VMDK_WALK_TRUNCATED] = "data cut off by the end of file",
    [VMDK_WALK_BAD_MARKER] = "invalid marker",
};

const char *vmdk_access_name(vmdk_access access) {
    return vb_name_of(access_names, VB_ARRAY_SIZE(access_names), access, "?");
}

const char *vmdk_extent_type_name(vmdk_extent_type type) {
    return vb_name_of(extent_type_names, VB_ARRAY_SIZE(extent_type_names), type, "?");
}

/* The descriptor's words (RW, SPARSE...) are the names, in any case. */
static int find_name(const char *const *names, size_t count, const char *s, size_t n) {
    unsigned v;
    return vb_name_find(names, count, s, n, &v) ? (int)v : -1;
}

int vmdk_access_find(const char *s, size_t n) {
    return find_name(access_names, VB_ARRAY_SIZE(access_names), s, n);
}

int vmdk_extent_type_find(const char *s, size_t n) {
    return find_name(extent_type_names, VB_ARRAY_SIZE(extent_type_names), s, n);
}

const char *vmdk_stream_layout_name(vmdk_stream_layout layout) {
    return vb_name_of(stream_layout_names, VB_ARRAY_SIZE(stream_layout_names), layout,
                      "not compressed");
}

const char *vmdk_walk_end_name(vmdk_walk_end end) {
    return vb_name_of(walk_end_names, VB_ARRAY_SIZE(walk_end_names), end, "invalid marker");
}

/* True when buf looks like descriptor text: no control bytes other than
 * whitespace, and a word only descriptors have near the start. The text
 * ends at the first NUL; only NULs may follow it, except after a text
 * that ends with a line break: a writer that rewrites a descriptor in
 * place with a shorter one (QEMU, when a new CID has fewer hex digits)
 * leaves the old text's last bytes after the new NUL. */
static bool looks_like_descriptor(const uint8_t *buf, size_t n) {
    size_t text = 0;
    while (text < n && buf[text] != 0)
        text++;
    bool whole_lines = text > 0 && buf[text - 1] == '\n';
    for (size_t i = text; i < n && !whole_lines; i++)
        if (buf[i] != 0)
            return false;
    for (size_t i = 0; i < text; i++)
        if ((buf[i] < 0x20 && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r') || buf[i] == 0x7f)
            return false;
    static const char *const words[] = {"descriptorfile", "createtype", "cid="};
    for (size_t w = 0; w < VB_ARRAY_SIZE(words); w++) {
        size_t wl = vb_strlen(words[w]);
        for (size_t i = 0; i + wl <= text; i++)
            if (vb_strn_ieq((const char *)buf + i, wl, words[w]))
                return true;
    }
    return false;
}

size_t vmdk_probe_bytes(const vb_source *src) {
    return (size_t)VB_MIN(src->size, (uint64_t)VMDK_PROBE_BYTES);
}

int vmdk_probe(const vb_source *src) {
    uint8_t buf[VMDK_PROBE_BYTES];
    size_t n = vmdk_probe_bytes(src);
    if (n < 4)
        return VB_EFORMAT;
    /* A failed read says nothing about the format: its own code goes up. */
    int r = vb_source_read(src, 0, buf, n);
    if (r)
        return r;
    if (vb_le32(buf) == VMDK_KDMV_MAGIC)
        return VMDK_KIND_SPARSE;
    if (vb_le32(buf) == VMDK_COWD_MAGIC)
        return VMDK_KIND_COWD;
    if (looks_like_descriptor(buf, n))
        return VMDK_KIND_DESCRIPTOR;
    return VB_EFORMAT;
}

uint64_t vmdk_capacity(const vmdk_disk *disk) {
    return disk->capacity;
}

void vmdk_close(vmdk_disk *disk) {
    bool can_close = disk->opener.close != NULL;
    for (unsigned i = 0; i < disk->extent_count && i < VB_EXTENTS_MAX; i++) {
        vmdk_extent *ext = &disk->extents[i];
        if (ext->owns_source && can_close)
            disk->opener.close(disk->opener.ctx, &ext->src);
        ext->owns_source = false;
        ext->has_source = false;
    }
    for (unsigned i = 0; i < disk->link_count && i < VB_CHAIN_MAX; i++) {
        vmdk_link *link = &disk->links[i];
        if (link->owns_file && can_close)
            disk->opener.close(disk->opener.ctx, &link->file);
        link->owns_file = false;
    }
    vmdk_stream_buffers_release(disk);
    /* The writer's memory (vmdk_write.c), given back without calling the
     * writer, so read-only users do not link it. */
    if (disk->writer && disk->options.memory.free)
        disk->options.memory.free(disk->options.memory.ctx, disk->writer, disk->writer_bytes);
    disk->writer = NULL;
    disk->writer_bytes = 0;
    disk->extent_count = 0;
    disk->link_count = 0;
    disk->capacity = 0;
    disk->is_open = false;
}

const char *vmdk_detail(const vmdk_disk *disk) {
    return disk->diag.text;
}

/* vmdk_open.c: opening a disk: probing each link's file, parsing its
 * descriptor (separate or embedded) or synthesising one for a bare sparse
 * or COWD file, opening and validating every extent, and following
 * parentFileNameHint up the chain with depth, loop and CID checks.
 *
 * Trusts nothing read from files: names are joined with vb_path_join
 * (escaping refused unless options->allow_escape), sizes are summed with
 * overflow checks. */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

/* rw: open for writing (an extent of the top link of a writable disk). */
static int open_named(vmdk_disk *disk, const vmdk_link *link, const char *file_name,
                      const char *what, bool rw, vb_source *ret_source, const char **ret_path) {
    char joined[VB_PATH_MAX];
    int r = vb_path_join(joined, sizeof(joined), link->path, file_name, disk->options.allow_escape);
    if (r == VB_EPATH)
        return vb_fail(&disk->diag, r, "%s: %s \"%s\" is absolute or contains \"..\" (not allowed)",
                       link->path, what, file_name);
    if (r)
        return vb_fail(&disk->diag, r, "%s: %s \"%s\" is longer than VB_PATH_MAX (%u)", link->path,
                       what, file_name, (unsigned)VB_PATH_MAX);
    if (!disk->opener.open)
        return vb_fail(&disk->diag, VB_ENOTFOUND, "%s: cannot open %s \"%s\": no opener",
                       link->path, what, joined);
    if (rw && !disk->opener.open_rw)
        return vb_fail(&disk->diag, VB_EREADONLY,
                       "%s: cannot open %s \"%s\" for writing: no opener", link->path, what,
                       joined);
    r = rw ? disk->opener.open_rw(disk->opener.ctx, joined, ret_source)
           : disk->opener.open(disk->opener.ctx, joined, ret_source);
    if (r)
        return vb_fail(&disk->diag, r, "%s: cannot open %s \"%s\": %s", link->path, what, joined,
                       vb_err_message(r));
    if (ret_path) {
        *ret_path = vmdk_pool_add(disk, joined, vb_strlen(joined));
        if (!*ret_path) {
            if (disk->opener.close)
                disk->opener.close(disk->opener.ctx, ret_source);
            return vb_fail(&disk->diag, VB_ELIMIT, "%s: string pool full (VB_STRING_POOL_MAX)",
                           link->path);
        }
    }
    return 0;
}

static bool is_flat_type(vmdk_extent_type t) {
    return t == VMDK_EXTENT_FLAT || t == VMDK_EXTENT_VMFS || t == VMDK_EXTENT_VMFSRDM ||
           t == VMDK_EXTENT_VMFSRAW;
}

/* Adds the single extent of a bare sparse/COWD file (no descriptor). */
static int synthesise_extent(vmdk_disk *disk, unsigned link_index, vmdk_extent_type type,
                             uint64_t sectors) {
    vmdk_link *link = &disk->links[link_index];
    if (disk->extent_count >= VB_EXTENTS_MAX)
        return vb_fail(&disk->diag, VB_ELIMIT, "%s: more than %u extents (VB_EXTENTS_MAX)",
                       link->path, (unsigned)VB_EXTENTS_MAX);
    vmdk_extent *ext = &disk->extents[disk->extent_count++];
    vb_memset(ext, 0, sizeof(*ext));
    ext->access = VMDK_ACCESS_RW;
    ext->type = type;
    ext->file_name = link->path;
    ext->sectors = sectors;
    ext->link = link_index;
    link->extent_count = 1;
    return 0;
}

/* Reads and parses the descriptor embedded in the link's sparse file
 * (header already parsed into *info); its first extent is the file. */
static int read_embedded_descriptor(vmdk_disk *disk, unsigned link_index,
                                    const vmdk_sparse_info *info) {
    vmdk_link *link = &disk->links[link_index];
    uint64_t bytes = info->descriptor_size * VMDK_SECTOR;
    if (bytes > VB_DESCRIPTOR_MAX)
        return vb_fail(&disk->diag, VB_ELIMIT,
                       "%s: embedded descriptor is %llu bytes, larger than "
                       "VB_DESCRIPTOR_MAX (%u)",
                       link->path, (unsigned long long)bytes, (unsigned)VB_DESCRIPTOR_MAX);
    int r = vb_source_read(&link->file, info->descriptor_offset * VMDK_SECTOR, disk->scratch,
                           (size_t)bytes);
    if (r)
        return vb_fail_read(&disk->diag, r, link->path, info->descriptor_offset * VMDK_SECTOR,
                            bytes);
    r = vmdk_descriptor_parse(disk, link_index, (const char *)disk->scratch, (size_t)bytes,
                              link->path);
    if (r)
        return r;
    vmdk_extent *first = &disk->extents[link->first_extent];
    if (first->type != VMDK_EXTENT_SPARSE)
        return vb_fail(&disk->diag, VB_EDESCRIPTOR,
                       "%s: the embedded descriptor's first extent is %s, not SPARSE", link->path,
                       vmdk_extent_type_name(first->type));
    return 0;
}

/* Lists the extents of a link from its own file, of kind `kind`: its
 * descriptor text, or the descriptor embedded in its sparse header, or
 * (bare sparse or COWD file) one extent that is the file itself. Sets
 * *ret_first_is_file when extent 0 is the link's own file. */
static int read_link_file(vmdk_disk *disk, unsigned link_index, vmdk_kind kind,
                          bool *ret_first_is_file) {
    vmdk_link *link = &disk->links[link_index];
    const vb_source *file = &link->file;
    int r;
    *ret_first_is_file = false;
    if (kind == VMDK_KIND_DESCRIPTOR) {
        if (file->size > VB_DESCRIPTOR_MAX)
            return vb_fail(&disk->diag, VB_ELIMIT,
                           "%s: descriptor is %llu bytes, larger than VB_DESCRIPTOR_MAX (%u)",
                           link->path, (unsigned long long)file->size, (unsigned)VB_DESCRIPTOR_MAX);
        r = vb_source_read(file, 0, disk->scratch, (size_t)file->size);
        if (r)
            return vb_fail_read(&disk->diag, r, link->path, 0, file->size);
        return vmdk_descriptor_parse(disk, link_index, (const char *)disk->scratch,
                                     (size_t)file->size, link->path);
    }
    vmdk_sparse_info info;
    bool cowd = kind == VMDK_KIND_COWD;
    r = vmdk_sparse_read_header(disk, file, link->path, cowd ? VMDK_SPARSE_COWD : VMDK_SPARSE_KDMV,
                                &info);
    if (r)
        return r;
    if (info.descriptor_offset != 0 && info.descriptor_size != 0) /* never for COWD */
        r = read_embedded_descriptor(disk, link_index, &info);
    else
        r = synthesise_extent(disk, link_index, cowd ? VMDK_EXTENT_VMFSSPARSE : VMDK_EXTENT_SPARSE,
                              info.capacity);
    *ret_first_is_file = true;
    return r;
}

/* Opens and validates extent `index` (its source is set): a flat one, or a
 * sparse one's header and then its grain map, streamOptimized extents by
 * the stream code and the others through their grain directory. */
static int open_extent(vmdk_disk *disk, unsigned index) {
    vmdk_extent *ext = &disk->extents[index];
    if (is_flat_type(ext->type))
        return vmdk_flat_open(disk, index);
    int r = vmdk_sparse_open(disk, index);
    if (r)
        return r;
    if (vmdk_sparse_is_stream(&ext->sparse))
        return vmdk_stream_open(disk, index);
    return vmdk_gd_use(disk, index);
}

/* Fills links[link_index] from its file (already in link->file). */
static int open_link(vmdk_disk *disk, unsigned link_index) {
    vmdk_link *link = &disk->links[link_index];
    int r;
    vmdk_descriptor_reset_link(disk, link_index);

    int kind = vmdk_probe(&link->file);
    if (kind < 0 && kind != VB_EFORMAT)
        return vb_fail_read(&disk->diag, kind, link->path, 0, vmdk_probe_bytes(&link->file));
    if (kind < 0)
        return vb_fail(&disk->diag, VB_EFORMAT,
                       "%s: not a VMDK file (no descriptor text, KDMV or COWD signature)",
                       link->path);
    link->kind = (vmdk_kind)kind;
    bool first_is_file; /* extent 0 is the link's own file */
    r = read_link_file(disk, link_index, link->kind, &first_is_file);
    if (r)
        return r;

    /* Open and validate the extents, laying them end to end. */
    uint64_t start = 0;
    for (unsigned i = 0; i < link->extent_count; i++) {
        unsigned index = link->first_extent + i;
        vmdk_extent *ext = &disk->extents[index];
        ext->start = start;
        if (vb_add_overflow_u64(start, ext->sectors, &start) || start > UINT64_MAX / VMDK_SECTOR)
            return vb_fail(&disk->diag, VB_ECORRUPT,
                           "%s: extent sizes add up to more than 2^64 bytes", link->path);
        if (ext->type == VMDK_EXTENT_ZERO || ext->access == VMDK_ACCESS_NOACCESS)
            continue; /* never read: no file to open */
        if (i == 0 && first_is_file) {
            ext->src = link->file;
            ext->path = link->path;
            ext->has_source = true;
        } else {
            bool rw = disk->options.writable && link_index == 0 && ext->access == VMDK_ACCESS_RW;
            r = open_named(disk, link, ext->file_name, "extent", rw, &ext->src, &ext->path);
            if (r)
                return r;
            ext->has_source = true;
            ext->owns_source = true;
        }
        r = open_extent(disk, index);
        if (r)
            return r;
    }
    link->sectors = start;
    return 0;
}

int vmdk_open(vmdk_disk *disk, const vb_source *top, const char *top_name, const vb_opener *opener,
              const vmdk_open_options *options) {
    int r;
    vb_diag_clear(&disk->diag);
    disk->is_open = false;
    disk->capacity = 0;
    disk->link_count = 0;
    disk->extent_count = 0;
    disk->strings_used = 0;
    vmdk_cache_reset(&disk->cache);
    vmdk_stream_buffers_reset(&disk->stream);
    disk->writer = NULL;
    disk->writer_bytes = 0;
    vb_memset(&disk->options, 0, sizeof(disk->options));
    if (options)
        disk->options = *options;
    vb_memset(&disk->opener, 0, sizeof(disk->opener));
    if (opener)
        disk->opener = *opener;
    if (!top || !top_name)
        return vb_fail(&disk->diag, VB_EINVAL, "vmdk_open: no top-level source or name");
    if (disk->options.writable && !top->write)
        return vb_fail(&disk->diag, VB_EREADONLY,
                       "%s: opened for writing but the file is read-only", top_name);

    vb_source file = *top;
    const char *path = top_name;
    for (unsigned li = 0;; li++) {
        vmdk_link *link = &disk->links[li];
        if (path != link->path && !vb_strlcpy(link->path, path, sizeof(link->path))) {
            if (li > 0 && disk->opener.close)
                disk->opener.close(disk->opener.ctx, &file);
            r = vb_fail(&disk->diag, VB_ELIMIT, "path longer than VB_PATH_MAX (%u)",
                        (unsigned)VB_PATH_MAX);
            goto fail;
        }
        link->file = file;
        link->owns_file = li > 0;
        disk->link_count = li + 1;
        r = open_link(disk, li);
        if (r)
            goto fail;
        if (li > 0) {
            const vmdk_link *child = &disk->links[li - 1];
            if (link->has_descriptor && child->parent_cid != link->cid &&
                !disk->options.ignore_cid) {
                r = vb_fail(&disk->diag, VB_ECID,
                            "%s: parentCID %08x does not match CID %08x of parent %s", child->path,
                            child->parent_cid, link->cid, link->path);
                goto fail;
            }
        }
        if (!link->parent_hint)
            break;
        if (li + 1 >= VB_CHAIN_MAX) {
            r = vb_fail(&disk->diag, VB_ELIMIT,
                        "%s: delta chain is deeper than VB_CHAIN_MAX (%u) links", link->path,
                        (unsigned)VB_CHAIN_MAX);
            goto fail;
        }
        char parent_path[VB_PATH_MAX];
        r = vb_path_join(parent_path, sizeof(parent_path), link->path, link->parent_hint,
                         disk->options.allow_escape);
        if (r) {
            r = vb_fail(&disk->diag, r,
                        r == VB_EPATH
                            ? "%s: parentFileNameHint \"%s\" is absolute or contains \"..\" (not "
                              "allowed)"
                            : "%s: parentFileNameHint \"%s\" is longer than VB_PATH_MAX",
                        link->path, link->parent_hint);
            goto fail;
        }
        for (unsigned j = 0; j <= li; j++)
            if (vb_strcmp(disk->links[j].path, parent_path) == 0) {
                r = vb_fail(&disk->diag, VB_ELOOP,
                            "%s: parent \"%s\" is already in the chain (loop)", link->path,
                            parent_path);
                goto fail;
            }
        r = open_named(disk, link, link->parent_hint, "parent", false, &file, NULL);
        if (r)
            goto fail;
        /* Both are VB_PATH_MAX: the joined path fits the next link. */
        vb_strlcpy(disk->links[li + 1].path, parent_path, sizeof(disk->links[li + 1].path));
        path = disk->links[li + 1].path;
    }
    disk->capacity = disk->links[0].sectors * VMDK_SECTOR;
    disk->is_open = true;
    return 0;
fail:
    vmdk_close(disk);
    disk->diag.err = r;
    return r;
}

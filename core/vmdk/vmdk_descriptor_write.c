/* vmdk_descriptor_write.c: the first write's new CID, rewritten into the
 * top link's descriptor (a separate file, or embedded in its sparse file)
 * so that qemu-img, libvmdk, VMware and this reader all read it: only the
 * CID value changes; the text stays NUL-terminated inside its file or
 * reserved sectors, and what is left of a longer old text becomes NULs.
 *
 * The text was validated by vmdk_open; it is read again (the file is ours
 * to write) through the disk's scratch buffer. */
#include "vmdk/vmdk_write_internal.h"
#include "lib/util.h"

/* A new CID from the old one and a seed: never the old value, never
 * ffffffff ("none") or fffffffe. */
static uint32_t next_cid(uint32_t old, uint32_t seed) {
    uint64_t x = ((uint64_t)seed << 32) ^ old ^ 0x9e3779b97f4a7c15ull;
    for (;;) {
        x += 0x9e3779b97f4a7c15ull;
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        uint32_t cid = (uint32_t)(z ^ (z >> 31));
        if (cid != old && cid < 0xfffffffeu)
            return cid;
    }
}

/* Finds the value of the "CID" key in text[0, len): [*ret_start, *ret_end). */
static bool find_cid(const char *text, size_t len, size_t *ret_start, size_t *ret_end) {
    size_t pos = 0, n;
    const char *line;
    while (vb_next_line(text, len, &pos, &line, &n)) {
        size_t i = 0;
        while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (n - i < 3 || !vb_strn_ieq(line + i, 3, "CID"))
            continue;
        i += 3;
        while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == n || line[i] != '=')
            continue;
        i++;
        while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '"'))
            i++;
        size_t j = i;
        while (j < n && !vb_isspace(line[j]) && line[j] != '"' && line[j] != '#')
            j++;
        *ret_start = (size_t)(line - text) + i;
        *ret_end = (size_t)(line - text) + j;
        return true;
    }
    return false;
}

int vmdk_descriptor_write_cid(vmdk_disk *disk, uint32_t seed) {
    vmdk_link *link = &disk->links[0];
    if (!link->has_descriptor)
        return 0;
    vb_source *src;
    uint64_t base, area; /* where the text lives, and the bytes it may take */
    bool embedded = link->kind != VMDK_KIND_DESCRIPTOR;
    if (embedded) {
        vmdk_extent *ext = &disk->extents[link->first_extent];
        src = &ext->src;
        base = ext->sparse.descriptor_offset * VMDK_SECTOR;
        area = ext->sparse.descriptor_size * VMDK_SECTOR;
    } else {
        src = &link->file;
        base = 0;
        area = src->size;
    }
    if (area > VB_DESCRIPTOR_MAX) /* vmdk_open refused it: cannot happen */
        return vb_fail(&disk->diag, VB_ELIMIT, "%s: descriptor larger than VB_DESCRIPTOR_MAX",
                       link->path);
    char *text = (char *)disk->scratch;
    int r = vb_source_read(src, base, text, (size_t)area);
    if (r)
        return vb_fail_read(&disk->diag, r, link->path, base, area);
    size_t len = vb_strnlen(text, (size_t)area), start, end;
    if (!find_cid(text, len, &start, &end))
        return 0; /* no CID line: nothing a child could compare */
    uint32_t cid = next_cid(link->cid, seed);
    char digits[9];
    vb_format(digits, sizeof(digits), "%08x", cid);
    size_t new_len = len - (end - start) + 8;
    /* An embedded text keeps a NUL inside its sectors; a file may grow up
     * to what vmdk_open reads. */
    size_t cap = embedded ? (size_t)area - 1 : VB_DESCRIPTOR_MAX;
    if (new_len > cap)
        return vb_fail(&disk->diag, VB_ELIMIT,
                       "%s: no room for a new CID in the descriptor (%zu bytes, room for %zu)",
                       link->path, new_len, cap);
    vb_memmove(text + start + 8, text + end, len - end);
    vb_memcpy(text + start, digits, 8);
    /* NULs over the rest of the old text, and a terminating NUL when the
     * area goes on after the text. */
    size_t stop = VB_MAX(len, new_len + 1);
    if (!embedded)
        stop = VB_MIN(stop, VB_MAX((size_t)area, new_len));
    vb_memset(text + new_len, 0, stop - new_len);
    r = vb_source_write(src, base + start, text + start, stop - start);
    if (r)
        return vmdk_write_failed(&disk->diag, link->path, r, base + start, stop - start);
    link->cid = cid;
    return 0;
}

/* efi_devpath.c: device path construction (see efi_devpath.h). Trusts the
 * firmware's device paths only as far as their node lengths check out. */
#include "efi_devpath.h"
#include "efi_env.h"
#include "lib/error.h"
#include "lib/util.h"

#define DP_END_TYPE     0x7f
#define DP_MEDIA_TYPE   0x04
#define DP_FILE_SUBTYPE 0x04
#define DP_NODES_MAX    128
#define DP_NODE_HEADER  4

EFI_DEVICE_PATH *devpath_of(EFI_HANDLE handle) {
    EFI_DEVICE_PATH *dp;
    if (EFI_ERROR(efi_bs->HandleProtocol(handle, &efi_guid_device_path, (void **)&dp)))
        return NULL;
    return dp;
}

/* Copies the nodes of base up to (not including) its end node into out;
 * *ret_used gets their length. */
static int copy_nodes(const EFI_DEVICE_PATH *base, uint8_t *out, size_t cap, size_t *ret_used) {
    const uint8_t *p = (const uint8_t *)base;
    size_t used = 0;
    for (unsigned i = 0;; i++) {
        if (i == DP_NODES_MAX)
            return VB_ECORRUPT;
        uint16_t len = vb_le16(p + 2);
        if (len < DP_NODE_HEADER)
            return VB_ECORRUPT;
        if (p[0] == DP_END_TYPE)
            break;
        if (len > cap - used)
            return VB_ELIMIT;
        vb_memcpy(out + used, p, len);
        used += len;
        p += len;
    }
    *ret_used = used;
    return 0;
}

static const uint8_t dp_end[DP_NODE_HEADER] = {DP_END_TYPE, 0xff, DP_NODE_HEADER, 0};

int devpath_append_node(const EFI_DEVICE_PATH *base, const void *node, size_t node_len, void *buf,
                        size_t cap) {
    uint8_t *out = buf;
    size_t used;
    int r = copy_nodes(base, out, cap, &used);
    if (r < 0)
        return r;
    if (node_len < DP_NODE_HEADER || node_len > 0xffff || node_len + DP_NODE_HEADER > cap - used)
        return VB_ELIMIT;
    vb_memcpy(out + used, node, node_len);
    vb_memcpy(out + used + node_len, dp_end, sizeof(dp_end));
    return 0;
}

int devpath_append_file(const EFI_DEVICE_PATH *base, const CHAR16 *file, void *buf, size_t cap) {
    uint8_t *out = buf;
    size_t used;
    int r = copy_nodes(base, out, cap, &used);
    if (r < 0)
        return r;
    size_t units = 0;
    while (file[units])
        units++;
    size_t file_len = DP_NODE_HEADER + (units + 1) * sizeof(CHAR16);
    if (file_len > 0xffff || file_len + DP_NODE_HEADER > cap - used)
        return VB_ELIMIT;
    out[used] = DP_MEDIA_TYPE;
    out[used + 1] = DP_FILE_SUBTYPE;
    out[used + 2] = (uint8_t)file_len;
    out[used + 3] = (uint8_t)(file_len >> 8);
    vb_memcpy(out + used + DP_NODE_HEADER, file, (units + 1) * sizeof(CHAR16));
    used += file_len;
    vb_memcpy(out + used, dp_end, sizeof(dp_end));
    return 0;
}

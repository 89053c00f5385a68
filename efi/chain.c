/* chain.c: an EFI program started from inside the virtual disk (see
 * chain.h). Trusts the firmware's device paths only as far as their node
 * lengths check out. */
#include "chain.h"
#include "efi_devpath.h"
#include "efi_env.h"
#include "efi_file.h"
#include "lib/error.h"
#include "lib/util.h"

#define CHAIN_NODES_MAX 64
/* HARDDRIVE media node (type 4, subtype 1): number @4, start LBA @8,
 * size in LBAs @16, signature @24, MBR type @40 (1 = MBR, 2 = GPT). */
#define HD_LENGTH 42
#define HD_NUMBER 4
#define HD_START  8
#define HD_SIZE   16
#define HD_SIG    24
#define HD_MBR    40
/* Linux numbers logical partitions from 5; EDK2 from 1 under the extended one. */
#define CHAIN_FIRST_LOGICAL 5

static uint8_t program_path[4096 + 2048];

/* Length of a device path up to (not including) its end node, or 0 when
 * malformed. */
static size_t path_length(const uint8_t *p) {
    size_t used = 0;
    for (unsigned i = 0; i < CHAIN_NODES_MAX; i++) {
        uint16_t len = vb_le16(p + used + 2);
        if (len < 4)
            return 0;
        if (p[used] == 0x7f)
            return used;
        used += len;
    }
    return 0;
}

static bool is_hd_node(const uint8_t *node) {
    return node[0] == 4 && node[1] == 1 && vb_le16(node + 2) == HD_LENGTH;
}

/* Whether dp is disk_path (disk_len bytes of nodes) + one HARDDRIVE node
 * that describes part, + the end node. A logical MBR partition's node sits
 * one level deeper, under the extended partition's (as OVMF's partition
 * driver makes them: numbered from 1 in the EBR chain's order, start LBA
 * from the start of the disk); it is matched by number, start and size. */
static bool is_partition_of(const uint8_t *dp, const uint8_t *disk_path, size_t disk_len,
                            const chain_request *req) {
    const part_entry *p = req->part;
    size_t depth = p->logical ? 2 : 1;
    size_t len = path_length(dp);
    if (len != disk_len + depth * HD_LENGTH || vb_memcmp(dp, disk_path, disk_len) != 0)
        return false;
    const uint8_t *hd = dp + disk_len + (depth - 1) * HD_LENGTH;
    if (!is_hd_node(dp + disk_len) || !is_hd_node(hd))
        return false;
    uint32_t bs = req->block_size;
    if (bs == 0 || p->start % bs || vb_le64(hd + HD_START) != p->start / bs)
        return false;
    if (req->scheme == PART_SCHEME_GPT)
        return hd[HD_MBR] == 2 && vb_le32(hd + HD_NUMBER) == p->index &&
               vb_memcmp(hd + HD_SIG, p->unique_guid.bytes, 16) == 0;
    if (hd[HD_MBR] != 1)
        return false;
    if (!p->logical)
        return vb_le32(hd + HD_NUMBER) == p->index;
    const uint8_t *ext = dp + disk_len;
    return ext[HD_MBR] == 1 && p->index >= CHAIN_FIRST_LOGICAL &&
           vb_le32(hd + HD_NUMBER) == p->index - (CHAIN_FIRST_LOGICAL - 1) && p->size % bs == 0 &&
           vb_le64(hd + HD_SIZE) == p->size / bs;
}

/* The device path of the firmware's handle for the partition. */
static const EFI_DEVICE_PATH *partition_path(const chain_request *req) {
    const uint8_t *disk = (const uint8_t *)req->disk_path;
    size_t disk_len = path_length(disk);
    if (!req->part)
        return req->disk_path;
    if (disk_len == 0)
        return NULL;
    EFI_HANDLE *handles = NULL;
    UINTN count = 0;
    if (EFI_ERROR(
            efi_bs->LocateHandleBuffer(ByProtocol, &efi_guid_block_io, NULL, &count, &handles)))
        return NULL;
    const EFI_DEVICE_PATH *found = NULL;
    for (UINTN i = 0; i < count && !found; i++) {
        EFI_DEVICE_PATH *dp = devpath_of(handles[i]);
        if (dp && is_partition_of((const uint8_t *)dp, disk, disk_len, req))
            found = dp;
    }
    efi_bs->FreePool(handles);
    return found;
}

int chain_start(const chain_request *req, handover_result *ret_result) {
    const EFI_DEVICE_PATH *base = partition_path(req);
    if (!base)
        return VB_ENOTFOUND;
    CHAR16 name[2 * VB_PATH_MAX];
    int r = efi_path_to_ucs2(name, VB_ARRAY_SIZE(name), NULL, req->path);
    if (r == 0)
        r = devpath_append_file(base, name, program_path, sizeof(program_path));
    if (r < 0)
        return r;
    /* No buffer: the firmware reads the file itself, through its FAT driver
     * on that partition, and records it as the image's device and path. */
    handover_request hr = {
        .kernel_path = (EFI_DEVICE_PATH *)program_path,
        .options = req->options,
    };
    handover_boot(&hr, req->before_start, ret_result);
    return 0;
}

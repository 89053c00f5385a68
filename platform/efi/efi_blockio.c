/* efi_blockio.c: Block I/O byte source and partition lookup.
 *
 * Trusts the firmware's media description only after checking it (block
 * size, alignment, size overflow); device path nodes are parsed with byte
 * loads at spec offsets and their lengths checked. */
#include "efi_blockio.h"
#include "efi_env.h"
#include "efi_status.h"
#include "lib/error.h"
#include "lib/utf8.h"
#include "lib/util.h"

static uint8_t bounce[EFI_BLOCKIO_BOUNCE] __attribute__((aligned(4096)));

static int read_blocks(efi_blockio *b, uint64_t lba, void *buf, size_t len) {
    EFI_STATUS s = b->bio->ReadBlocks(b->bio, b->media_id, lba, len, buf);
    if (EFI_ERROR(s))
        b->status = s;
    return efi_status_to_vb(s);
}

static int blockio_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    efi_blockio *b = ctx;
    uint8_t *dst = buf;
    if (!vb_range_ok(offset, len, b->size))
        return VB_ERANGE;
    while (len) {
        uint64_t lba = offset / b->block_size;
        size_t skip = (size_t)(offset % b->block_size);
        int r;
        size_t n;
        if (skip == 0 && len >= b->block_size && ((uintptr_t)dst & (b->io_align - 1)) == 0) {
            /* Whole blocks straight into the caller's buffer. */
            n = VB_MIN(len, (size_t)EFI_BLOCKIO_CHUNK);
            n -= n % b->block_size;
            r = read_blocks(b, lba, dst, n);
        } else {
            /* Partial or misaligned: through the bounce buffer. */
            size_t max_blocks = EFI_BLOCKIO_BOUNCE / b->block_size;
            uint64_t need = ((uint64_t)skip + len + b->block_size - 1) / b->block_size;
            size_t blocks = need < max_blocks ? (size_t)need : max_blocks;
            r = read_blocks(b, lba, bounce, blocks * b->block_size);
            n = VB_MIN(len, blocks * b->block_size - skip);
            if (r == 0)
                vb_memcpy(dst, bounce + skip, n);
        }
        if (r < 0)
            return r;
        dst += n;
        offset += n;
        len -= n;
    }
    return 0;
}

int efi_blockio_open(EFI_HANDLE handle, efi_blockio *b, vb_source *ret_source) {
    EFI_BLOCK_IO *bio;
    EFI_STATUS s = efi_bs->HandleProtocol(handle, &efi_guid_block_io, (void **)&bio);
    b->status = s;
    if (EFI_ERROR(s))
        return efi_status_to_vb(s);
    EFI_BLOCK_IO_MEDIA *m = bio->Media;
    if (!m || !m->MediaPresent)
        return VB_ENOTFOUND;
    uint32_t align = m->IoAlign ? m->IoAlign : 1;
    if (m->BlockSize == 0 || m->BlockSize > EFI_BLOCKIO_BOUNCE || !vb_is_pow2_u64(align) ||
        align > 4096)
        return VB_EUNSUPPORTED;
    uint64_t size;
    if (m->LastBlock == UINT64_MAX || vb_mul_overflow_u64(m->LastBlock + 1, m->BlockSize, &size))
        return VB_EUNSUPPORTED;
    b->bio = bio;
    b->media_id = m->MediaId;
    b->block_size = m->BlockSize;
    b->io_align = align;
    b->size = size;
    *ret_source = (vb_source){.ctx = b, .size = size, .read = blockio_read};
    return 0;
}

/* The last HARDDRIVE node (type 4, subtype 1, 42 bytes) of a partition's
 * device path (a nested partition's own node is the last), or NULL. Stops at
 * the end node or at a malformed length. */
static const uint8_t *harddrive_node(EFI_DEVICE_PATH *dp) {
    const uint8_t *p = (const uint8_t *)dp, *found = NULL;
    for (unsigned i = 0; i < 64; i++) {
        uint8_t type = p[0], subtype = p[1];
        uint16_t len = vb_le16(p + 2);
        if (type == 0x7f || len < 4)
            break;
        if (type == 4 && subtype == 1 && len >= 42)
            found = p;
        p += len;
    }
    return found;
}

typedef bool (*match_fn)(EFI_HANDLE handle, const void *want);

static int find_partition(match_fn match, const void *want, EFI_HANDLE *ret_handle,
                          EFI_STATUS *ret_status) {
    EFI_HANDLE *handles = NULL;
    UINTN count = 0;
    EFI_STATUS s =
        efi_bs->LocateHandleBuffer(ByProtocol, &efi_guid_block_io, NULL, &count, &handles);
    if (EFI_ERROR(s)) {
        if (ret_status)
            *ret_status = s;
        return efi_status_to_vb(s);
    }
    EFI_HANDLE found = NULL;
    int r = VB_ENOTFOUND;
    for (UINTN i = 0; i < count; i++) {
        if (!match(handles[i], want))
            continue;
        if (found) {
            r = VB_EINVAL;
            break;
        }
        found = handles[i];
        r = 0;
    }
    efi_bs->FreePool(handles);
    if (r == 0)
        *ret_handle = found;
    return r;
}

static bool match_guid(EFI_HANDLE handle, const void *want) {
    EFI_DEVICE_PATH *dp;
    if (EFI_ERROR(efi_bs->HandleProtocol(handle, &efi_guid_device_path, (void **)&dp)))
        return false;
    const uint8_t *hd = harddrive_node(dp);
    /* Signature at byte 24, MBRType at 40, SignatureType (2 = GUID) at 41. */
    return hd && hd[41] == 2 && vb_memcmp(hd + 24, want, 16) == 0;
}

int efi_partition_by_guid(const uint8_t guid[16], EFI_HANDLE *ret_handle, EFI_STATUS *ret_status) {
    return find_partition(match_guid, guid, ret_handle, ret_status);
}

/* EFI_PARTITION_INFO_PROTOCOL (UEFI 2.7, packed): Revision u32, Type u32
 * (2 = GPT), System u8, Reserved[7], then the 128-byte GPT entry whose
 * PartitionName (36 UCS-2 units) sits at byte 56 of the entry. */
#define PARTINFO_TYPE_GPT    2
#define PARTINFO_ENTRY       16
#define PARTINFO_NAME        (PARTINFO_ENTRY + 56)
#define PARTINFO_NAME_LENGTH 36

static bool match_label(EFI_HANDLE handle, const void *want) {
    const uint16_t *label = want;
    const uint8_t *info;
    if (EFI_ERROR(efi_bs->HandleProtocol(handle, &efi_guid_partition_info, (void **)&info)))
        return false;
    if (vb_le32(info + 4) != PARTINFO_TYPE_GPT)
        return false;
    for (size_t i = 0; i < PARTINFO_NAME_LENGTH; i++) {
        uint16_t c = vb_le16(info + PARTINFO_NAME + 2 * i);
        if (c != label[i])
            return false;
        if (c == 0)
            return true;
    }
    return label[PARTINFO_NAME_LENGTH] == 0;
}

int efi_partition_by_label(const char *label, EFI_HANDLE *ret_handle, EFI_STATUS *ret_status) {
    uint16_t wide[PARTINFO_NAME_LENGTH + 1];
    int r = utf8_to_ucs2(wide, VB_ARRAY_SIZE(wide), label, vb_strlen(label), true);
    if (r <= 0)
        return VB_ENOTFOUND; /* no GPT name can be empty, invalid or that long */
    return find_partition(match_label, wide, ret_handle, ret_status);
}

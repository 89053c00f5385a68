/* blockdev.c: the live Block I/O device (see blockdev.h).
 *
 * Trusts the firmware's calls only as far as the UEFI spec's argument
 * checks go: media id, buffer size a multiple of the block size, the LBA
 * range (overflow-checked), the buffer alignment per IoAlign. Reads go
 * through core, which checks everything read from the VMDK.
 *
 * Nesting: when the VMDK is a file on a FAT ESP, a read of the inner FAT
 * comes here while the firmware's FAT driver holds its one global lock at
 * TPL_CALLBACK, and our read of the VMDK file takes that lock again. EDK2's
 * lock records the TPL to restore at release, and a nested acquire at
 * TPL_CALLBACK would overwrite what the outer one recorded, leaving the
 * program at TPL_CALLBACK (seen under OVMF 2022.11: the payload started at
 * TPL 8 and the menu, unable to wait for keys, looped; boot case
 * efi-return-next). So reads drop to TPL_APPLICATION for the VMDK read and
 * raise back before returning. */
#include "blockdev.h"
#include "efi_devpath.h"
#include "efi_env.h"
#include "lib/error.h"
#include "lib/util.h"

/* The device path: the parent's nodes (up to this many bytes) + ours. */
#define BLOCKDEV_PATH_MAX 1024u

/* Media vendor node (type 4, subtype 3): header, GUID, instance number. */
typedef struct __attribute__((packed)) blockdev_vendor_node {
    uint8_t type, subtype;
    uint16_t length;
    EFI_GUID guid;
    uint32_t instance;
} blockdev_vendor_node;
VB_STATIC_ASSERT(sizeof(blockdev_vendor_node) == 24, "vendor media node with a u32");

/* vmdkboot's vendor GUID for published disks: 3b8e6b2c-5d0a-4f7e-9a51-766d646b6276. */
static const EFI_GUID blockdev_guid = {
    0x3b8e6b2c, 0x5d0a, 0x4f7e, {0x9a, 0x51, 0x76, 0x6d, 0x64, 0x6b, 0x62, 0x76}};

static struct {
    EFI_BLOCK_IO bio;
    EFI_BLOCK_IO_MEDIA media;
    const vb_source *disk;
    EFI_HANDLE handle;
    bool live; /* reads are served */
    bool busy; /* a read is in progress (no re-entry into core) */
    uint32_t instance;
    uint8_t path[BLOCKDEV_PATH_MAX];
} dev;

static EFI_STATUS EFIAPI blockdev_reset(EFI_BLOCK_IO *this, BOOLEAN extended) {
    (void)extended;
    return this == &dev.bio ? EFI_SUCCESS : EFI_INVALID_PARAMETER;
}

static EFI_STATUS EFIAPI blockdev_read(EFI_BLOCK_IO *this, UINT32 media_id, EFI_LBA lba, UINTN size,
                                       VOID *buf) {
    if (this != &dev.bio)
        return EFI_INVALID_PARAMETER;
    if (!dev.live)
        return EFI_NO_MEDIA;
    if (media_id != dev.media.MediaId)
        return EFI_MEDIA_CHANGED;
    if (size % dev.media.BlockSize)
        return EFI_BAD_BUFFER_SIZE;
    if (!buf)
        return EFI_INVALID_PARAMETER;
    if (size == 0)
        return EFI_SUCCESS;
    uint64_t blocks = size / dev.media.BlockSize;
    if (lba > dev.media.LastBlock || blocks - 1 > dev.media.LastBlock - lba)
        return EFI_INVALID_PARAMETER;
    if (dev.media.IoAlign > 1 && (uintptr_t)buf % dev.media.IoAlign)
        return EFI_INVALID_PARAMETER;
    if (dev.busy)
        return EFI_DEVICE_ERROR;
    dev.busy = true;
    /* The current TPL, without changing it. */
    EFI_TPL tpl = efi_bs->RaiseTPL(TPL_HIGH_LEVEL);
    efi_bs->RestoreTPL(tpl);
    if (tpl > TPL_APPLICATION)
        efi_bs->RestoreTPL(TPL_APPLICATION);
    /* lba <= LastBlock, so lba * BlockSize < the disk's size: no overflow. */
    int r = vb_source_read(dev.disk, lba * dev.media.BlockSize, buf, size);
    if (tpl > TPL_APPLICATION)
        efi_bs->RaiseTPL(tpl);
    dev.busy = false;
    return r < 0 ? EFI_DEVICE_ERROR : EFI_SUCCESS;
}

static EFI_STATUS EFIAPI blockdev_write(EFI_BLOCK_IO *this, UINT32 media_id, EFI_LBA lba,
                                        UINTN size, VOID *buf) {
    (void)media_id, (void)lba, (void)size, (void)buf;
    return this == &dev.bio ? EFI_WRITE_PROTECTED : EFI_INVALID_PARAMETER;
}

static EFI_STATUS EFIAPI blockdev_flush(EFI_BLOCK_IO *this) {
    return this == &dev.bio ? EFI_SUCCESS : EFI_INVALID_PARAMETER;
}

int blockdev_publish(const vb_source *disk, uint32_t block_size, EFI_HANDLE parent,
                     EFI_HANDLE *ret_handle, EFI_STATUS *ret_status) {
    if (dev.handle || (block_size != 512 && block_size != 4096))
        return VB_EINVAL;
    if (disk->size < block_size || disk->size % block_size)
        return VB_EUNSUPPORTED;
    EFI_DEVICE_PATH *base = devpath_of(parent);
    if (!base)
        return VB_ENOTFOUND;
    blockdev_vendor_node node = {4, 3, sizeof(node), blockdev_guid, ++dev.instance};
    int r = devpath_append_node(base, &node, sizeof(node), dev.path, sizeof(dev.path));
    if (r < 0)
        return r;
    dev.disk = disk;
    dev.media = (EFI_BLOCK_IO_MEDIA){
        .MediaId = dev.instance,
        .MediaPresent = TRUE,
        .ReadOnly = TRUE,
        .BlockSize = block_size,
        .IoAlign = 1,
        .LastBlock = disk->size / block_size - 1,
    };
    dev.bio = (EFI_BLOCK_IO){
        .Revision = EFI_BLOCK_IO_PROTOCOL_REVISION,
        .Media = &dev.media,
        .Reset = blockdev_reset,
        .ReadBlocks = blockdev_read,
        .WriteBlocks = blockdev_write,
        .FlushBlocks = blockdev_flush,
    };
    dev.live = true;
    EFI_HANDLE h = NULL;
    EFI_STATUS s = efi_bs->InstallMultipleProtocolInterfaces(&h, &efi_guid_device_path, dev.path,
                                                             &efi_guid_block_io, &dev.bio, NULL);
    if (EFI_ERROR(s)) {
        dev.live = false;
        *ret_status = s;
        return VB_EIO;
    }
    dev.handle = h;
    /* The partition driver makes children, the FAT driver binds to them.
     * A disk no driver wants (no table, no FAT) still stays published. */
    efi_bs->ConnectController(h, NULL, NULL, TRUE);
    *ret_handle = h;
    return 0;
}

const EFI_DEVICE_PATH *blockdev_path(void) {
    return dev.handle ? (const EFI_DEVICE_PATH *)dev.path : NULL;
}

EFI_STATUS blockdev_remove(void) {
    if (!dev.handle)
        return EFI_SUCCESS;
    efi_bs->DisconnectController(dev.handle, NULL, NULL);
    EFI_STATUS s = efi_bs->UninstallMultipleProtocolInterfaces(
        dev.handle, &efi_guid_device_path, dev.path, &efi_guid_block_io, &dev.bio, NULL);
    /* Whatever the firmware kept, the disk behind it is about to close. */
    dev.live = false;
    dev.media.MediaPresent = FALSE;
    if (!EFI_ERROR(s))
        dev.handle = NULL;
    return s;
}

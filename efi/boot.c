/* boot.c: boots one configuration entry (see boot.h).
 *
 * Layers: a file on the loader's volume (efi_file) or a raw partition
 * (efi_blockio) -> VMDK disk (core vmdk) -> partition (core part) ->
 * filesystem (core fs: FAT12/16/32 or ext2/3/4) -> kernel and initrd bytes
 * in AllocatePages memory -> handover.
 * Everything read from the VMDK is untrusted and checked by core; this file
 * only decides what to report. The large objects are static: firmware has
 * a small stack and core never allocates. */
#include "boot.h"
#include <stdarg.h>
#include "blockdev.h"
#include "chain.h"
#include "efi_blockio.h"
#include "efi_con.h"
#include "efi_devpath.h"
#include "efi_env.h"
#include "efi_file.h"
#include "efi_status.h"
#include "efi_time.h"
#include "cfg/cfg.h"
#include "lib/error.h"
#include "fs/fs.h"
#include "handover.h"
#include "part/part.h"
#include "ramdisk.h"
#include "lib/util.h"
#include "vmdk/vmdk.h"
#include "volume/volume.h"

/* Files larger than this show a progress line while they load. */
#define BOOT_PROGRESS_BYTES (4u * 1024u * 1024u)
/* Bytes per read while loading a file (between progress updates). */
#define BOOT_READ_CHUNK (2u * 1024u * 1024u)

static vmdk_disk disk;
static volume vol;   /* the partition and filesystem, the kernel open in it */
static fs_file file; /* an initrd */
static efi_dir_opener dir;
static efi_blockio raw;
static uint8_t kernel_path[4096];

typedef struct boot_ctx {
    const cfg_entry *e;
    char disk[VB_PATH_MAX + 16]; /* the VMDK as the configuration names it */
    char *msg;
    size_t cap;
    EFI_FILE_PROTOCOL *root;
    vb_source top; /* the VMDK's top-level file or raw partition */
    bool top_is_file;
    bool raw_tried;  /* raw's status belongs to this run */
    bool dir_open;   /* dir's status belongs to this run */
    bool disk_tried; /* disk.diag belongs to this run */
    bool disk_open;
    EFI_STATUS status; /* behind a failed call that has no object to keep it */
    vb_source disk_src;
    char part_name[48];    /* "partition 2", or "" for a whole-disk filesystem */
    EFI_HANDLE device;     /* the device the VMDK lives on */
    void *kernel, *initrd; /* AllocatePages buffers */
    uint64_t kernel_size, initrd_size;
    ramdisk rd;          /* `ramdisk yes`: the disk in memory, registered */
    vb_memsource rd_mem; /* disk_src over rd once the VMDK is closed */
} boot_ctx;

/* Writes "entry 'ID': " + the formatted text into the message. */
static void report(boot_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(boot_ctx *c, const char *fmt, ...) {
    size_t n = vb_format(c->msg, c->cap, "entry '%s': ", c->e->id);
    va_list ap;
    va_start(ap, fmt);
    vb_vformat(c->msg + n, c->cap - n, fmt, ap);
    va_end(ap);
}

/* The firmware status behind this run's failure, asked of the objects the
 * run opened. A run stops at its first failure, so at most one has failed. */
static EFI_STATUS firmware_status(const boot_ctx *c) {
    if (EFI_ERROR(c->status))
        return c->status;
    if (c->raw_tried && EFI_ERROR(raw.status))
        return raw.status;
    if (c->top_is_file && EFI_ERROR(efi_file_status(&c->top)))
        return efi_file_status(&c->top);
    if (c->dir_open && EFI_ERROR(dir.status))
        return dir.status;
    return EFI_SUCCESS;
}

/* The problem part of a message: the error's message, the most specific
 * detail available (the VMDK layer's first, as the deepest cause), and the
 * firmware status behind an I/O error. */
static const char *problem(const boot_ctx *c, int err, const vb_diag *layer) {
    static char text[VB_DETAIL_MAX * 2];
    const vb_diag *d = c->disk_tried && disk.diag.err ? &disk.diag : layer;
    size_t n = vb_format(text, sizeof(text), "%s", vb_err_message(err));
    if (d && d->err && d->text[0])
        n += vb_format(text + n, sizeof(text) - n, ": %s", d->text);
    EFI_STATUS s = firmware_status(c);
    if (err == VB_EIO && EFI_ERROR(s))
        vb_format(text + n, sizeof(text) - n, " (firmware: %s)", efi_status_name(s));
    return text;
}

/* Opens the VMDK's top-level source: a file next to the loader, or a raw
 * partition named by partuuid= / partlabel=. */
static int open_top(boot_ctx *c, vb_opener *ret_opener, const char **ret_top_name) {
    const char *disk_spec = c->e->disk;
    int r;
    if (c->e->disk_kind != CFG_DISK_PATH) {
        EFI_HANDLE h;
        if (c->e->disk_kind == CFG_DISK_PARTUUID) {
            vb_guid guid;
            if (!vb_guid_parse(disk_spec, vb_strlen(disk_spec), &guid)) {
                report(c, "%s: not a partition GUID", c->disk);
                return VB_EINVAL;
            }
            r = efi_partition_by_guid(guid.bytes, &h, &c->status);
        } else {
            r = efi_partition_by_label(disk_spec, &h, &c->status);
        }
        c->raw_tried = r == 0;
        if (r == 0)
            r = efi_blockio_open(h, &raw, &c->top);
        if (r < 0) {
            report(c, "%s: %s", c->disk,
                   r == VB_EINVAL ? "more than one partition matches" : problem(c, r, NULL));
            return r;
        }
        c->device = h;
        /* A VMDK on a raw partition is a single file: nothing to open. */
        *ret_opener = (vb_opener){0};
        *ret_top_name = c->disk;
        return 0;
    }
    EFI_LOADED_IMAGE *loaded;
    EFI_STATUS s = efi_bs->HandleProtocol(efi_image, &efi_guid_loaded_image, (void **)&loaded);
    if (EFI_ERROR(s))
        c->status = s;
    r = efi_status_to_vb(s);
    if (r == 0)
        r = efi_file_open(c->root, disk_spec, &c->top, &c->status);
    if (r == 0) {
        c->top_is_file = true;
        c->device = loaded->DeviceHandle;
        r = efi_dir_opener_init(&dir, c->root, disk_spec, ret_opener, ret_top_name);
        c->dir_open = r == 0;
    }
    if (r < 0)
        report(c, "%s: %s", disk_spec, r == VB_EFORMAT ? "is a folder" : problem(c, r, NULL));
    return r;
}

static int refuse_open(void *ctx, const char *path, vb_source *ret_source) {
    (void)ctx, (void)path, (void)ret_source;
    return VB_ENOTFOUND;
}

static int open_disk(boot_ctx *c) {
    vb_opener opener;
    const char *top_name;
    int r = open_top(c, &opener, &top_name);
    if (r < 0)
        return r;
    c->disk_tried = true;
    if (!opener.open)
        opener.open = refuse_open;
    vmdk_open_options options = {.allow_escape = false, .ignore_cid = false};
    efi_pages_allocator(&options.memory); /* streamOptimized buffers, from AllocatePages */
    r = vmdk_open(&disk, &c->top, top_name, &opener, &options);
    if (r < 0) {
        report(c, "%s: %s", c->disk, problem(c, r, NULL));
        return r;
    }
    c->disk_open = true;
    vmdk_disk_source(&disk, &c->disk_src);
    return 0;
}

static void close_disk(boot_ctx *c);

/* `ramdisk yes`: the whole disk into memory, registered with the firmware.
 * From here on everything is read from that memory; the VMDK is closed. */
static int load_ramdisk(boot_ctx *c) {
    int r = ramdisk_create(&disk, devpath_of(c->device), c->disk, &c->rd);
    if (r < 0) {
        if (c->rd.stage == RAMDISK_READ)
            report(c, "%s: %s", c->disk, problem(c, r, NULL));
        else
            report(c, "ramdisk: %s", ramdisk_problem(&c->rd));
        return r;
    }
    close_disk(c);
    c->disk_tried = false;
    vb_memsource_init(&c->rd_mem, c->rd.base, c->rd.size, &c->disk_src);
    return 0;
}

static void name_partition(boot_ctx *c, const part_entry *p) {
    if (p)
        vb_format(c->part_name, sizeof(c->part_name), "partition %u", (unsigned)p->index);
    else
        c->part_name[0] = '\0';
}

/* "partition 2 of \images\x.vmdk", or just the disk for a whole-disk filesystem. */
static const char *where(boot_ctx *c) {
    static char text[VB_PATH_MAX + 64];
    if (c->part_name[0])
        vb_format(text, sizeof(text), "%s of %s", c->part_name, c->disk);
    else
        vb_format(text, sizeof(text), "%s", c->disk);
    return text;
}

/* The partition spec of the entry, and how messages name it. */
static void entry_spec(const cfg_entry *e, volume_spec *ret_spec, char *want, size_t cap) {
    ret_spec->index = 0;
    ret_spec->name = e->partition;
    switch (e->partition_kind) {
    case CFG_PARTITION_LABEL:
        ret_spec->pick = VOLUME_PICK_LABEL;
        vb_format(want, cap, "label=%s", e->partition);
        break;
    case CFG_PARTITION_UUID:
        ret_spec->pick = VOLUME_PICK_UUID;
        vb_format(want, cap, "uuid=%s", e->partition);
        break;
    case CFG_PARTITION_INDEX:
        ret_spec->pick = VOLUME_PICK_INDEX;
        ret_spec->index = e->partition_index;
        vb_format(want, cap, "%u", (unsigned)e->partition_index);
        break;
    default:
        ret_spec->pick = VOLUME_PICK_AUTO;
        want[0] = '\0';
        break;
    }
}

/* Finds the partition (configured, or the first whose filesystem holds the
 * kernel or EFI program: core/volume's rule) and leaves vol mounted on it
 * with that file open in *ret_kernel. */
static int find_kernel(boot_ctx *c, vb_source *ret_kernel) {
    const char *kernel = c->e->kernel ? c->e->kernel : c->e->efi;
    volume_spec spec;
    char want[VB_PART_NAME_MAX + 16];
    entry_spec(c->e, &spec, want, sizeof(want));
    int r = volume_find(&vol, &c->disk_src, &spec, kernel, true);
    name_partition(c, vol.entry);
    const part_table *t = &vol.table;
    if (r == 0) {
        *ret_kernel = vol.file_src;
    } else if (!vol.has_table && !vol.whole_disk) {
        report(c, "%s: partition table: %s", c->disk, problem(c, r, &t->diag));
    } else if (vol.has_table && !vol.entry) {
        /* A named partition that does not exist, or the kernel nowhere: a
         * filesystem that failed to mount is named, it may hold it. */
        static char skipped[VB_DETAIL_MAX * 2 + 64];
        skipped[0] = '\0';
        if (vol.first_skipped)
            vb_format(skipped, sizeof(skipped), "; partition %u: %s",
                      (unsigned)vol.first_skipped->index,
                      problem(c, vol.skipped.err, &vol.skipped));
        if (spec.pick != VOLUME_PICK_AUTO)
            report(c, "%s: no partition %s (%s table, %u partition%s)", c->disk, want,
                   part_scheme_name(t->scheme), (unsigned)t->count, t->count == 1 ? "" : "s");
        else
            report(c, "%s: not found on any partition of %s (%s table, %u partition%s)%s", kernel,
                   c->disk, part_scheme_name(t->scheme), (unsigned)t->count,
                   t->count == 1 ? "" : "s", skipped);
    } else if (spec.pick != VOLUME_PICK_AUTO && !vol.mounted) {
        report(c, "%s: %s", where(c), problem(c, r, fs_diag(&vol.fs)));
    } else {
        report(c, "%s in %s: %s", kernel, where(c), problem(c, r, fs_diag(&vol.fs)));
    }
    return r;
}

/* Reads src whole into buf, with a progress line for big files. */
static int load_bytes(const vb_source *src, uint8_t *buf, const char *path) {
    bool show = src->size > BOOT_PROGRESS_BYTES;
    unsigned shown = 0;
    for (uint64_t off = 0; off < src->size;) {
        size_t n = (size_t)VB_MIN(src->size - off, (uint64_t)BOOT_READ_CHUNK);
        int r = vb_source_read(src, off, buf + off, n);
        if (r < 0) {
            if (show)
                con_printf("\n");
            return r;
        }
        off += n;
        unsigned pct = (unsigned)(off * 100 / src->size);
        if (show && (pct / 10 != shown / 10 || off == src->size)) {
            con_printf("\rLoading %s (%u MiB): %u%%", path,
                       (unsigned)((src->size + (1u << 20) - 1) >> 20), pct);
            shown = pct;
        }
    }
    if (show)
        con_printf("\n");
    return 0;
}

static int load_kernel(boot_ctx *c, const vb_source *src) {
    int r;
    if (src->size == 0 || src->size > SIZE_MAX) {
        report(c, "%s in %s: %s", c->e->kernel, where(c),
               src->size ? "too large" : "the file is empty");
        return VB_EFORMAT;
    }
    r = efi_pages_alloc(src->size, &c->kernel, &c->status);
    if (r < 0) {
        report(c, "%s in %s: cannot allocate %lu bytes: %s", c->e->kernel, where(c),
               (unsigned long)src->size, problem(c, r, NULL));
        return r;
    }
    c->kernel_size = src->size;
    r = load_bytes(src, c->kernel, c->e->kernel);
    if (r < 0)
        report(c, "%s in %s: %s", c->e->kernel, where(c), problem(c, r, fs_diag(&vol.fs)));
    return r;
}

/* Where the next initrd starts after `end` bytes: Linux finds a cpio
 * archive that follows another only at a 4-byte aligned offset (zeros in
 * between are skipped), so each initrd after the first starts on one. */
static bool initrd_start(uint64_t end, uint64_t *ret_start) {
    if (end % 4 == 0) {
        *ret_start = end;
        return true;
    }
    return !vb_add_overflow_u64(end, 4 - end % 4, ret_start);
}

/* Opens initrd i (into file); reports a failure. */
static int open_initrd(boot_ctx *c, uint32_t i, vb_source *ret_src) {
    const char *path = c->e->initrds[i];
    int r = fs_lookup(&vol.fs, path, &file, ret_src);
    if (r < 0)
        report(c, "%s in %s: %s", path, where(c), problem(c, r, fs_diag(&vol.fs)));
    return r;
}

/* Reads every initrd, in order, into one buffer: each after the first
 * starts at a multiple of 4 bytes, the gap zero-filled. */
static int load_initrds(boot_ctx *c) {
    uint64_t total = 0, sizes[VB_CFG_INITRDS_MAX];
    vb_source src;
    int r;
    for (uint32_t i = 0; i < c->e->initrd_count; i++) {
        uint64_t start;
        if ((r = open_initrd(c, i, &src)) < 0)
            return r;
        if (!initrd_start(total, &start) || vb_add_overflow_u64(start, src.size, &total)) {
            report(c, "%s in %s: too large", c->e->initrds[i], where(c));
            return VB_ELIMIT;
        }
        sizes[i] = src.size;
    }
    if (total == 0)
        return 0; /* no initrd, or only empty ones: publish none */
    if (total > SIZE_MAX || (r = efi_pages_alloc(total, &c->initrd, NULL)) < 0) {
        report(c, "%s in %s: cannot allocate %lu bytes for the initrd", c->e->initrds[0], where(c),
               (unsigned long)total);
        return VB_ELIMIT;
    }
    c->initrd_size = total;
    uint8_t *buf = c->initrd;
    uint64_t end = 0;
    for (uint32_t i = 0; i < c->e->initrd_count; i++) {
        const char *path = c->e->initrds[i];
        uint64_t start;
        initrd_start(end, &start); /* cannot overflow: checked above */
        vb_memset(buf + end, 0, (size_t)(start - end));
        if ((r = open_initrd(c, i, &src)) < 0)
            return r;
        /* The size differs if the file changed between the two lookups. */
        r = src.size != sizes[i] ? VB_EIO : load_bytes(&src, buf + start, path);
        if (r < 0) {
            report(c, "%s in %s: %s", path, where(c), problem(c, r, fs_diag(&vol.fs)));
            return r;
        }
        end = start + src.size;
    }
    return 0;
}

/* The device path that names the kernel for LoadImage: the device holding
 * the VMDK, then one file node "<VMDK path>\<kernel path>" (a raw
 * partition: just the kernel path). The firmware's Secure Boot policy for
 * that device applies. */
static int kernel_device_path(boot_ctx *c, EFI_DEVICE_PATH **ret_path) {
    CHAR16 name[2 * VB_PATH_MAX];
    EFI_DEVICE_PATH *base = devpath_of(c->device);
    int r = base ? 0 : VB_ENOTFOUND;
    if (r == 0)
        r = efi_path_to_ucs2(name, VB_ARRAY_SIZE(name), c->top_is_file ? c->e->disk : NULL,
                             c->e->kernel);
    if (r == 0)
        r = devpath_append_file(base, name, kernel_path, sizeof(kernel_path));
    if (r < 0) {
        report(c, "%s in %s: cannot build its device path: %s", c->e->kernel, where(c),
               vb_err_message(r));
        return r;
    }
    *ret_path = (EFI_DEVICE_PATH *)kernel_path;
    return 0;
}

static void close_disk(boot_ctx *c) {
    if (c->disk_open) {
        vmdk_close(&disk);
        c->disk_open = false;
    }
    if (c->top_is_file) {
        efi_file_close(&c->top);
        c->top_is_file = false;
    }
}

static void print_timing(void) {
    con_printf("vmdkboot: %lu ms from loader start to StartImage\n",
               (unsigned long)time_elapsed_ms());
}

static EFI_STATUS hand_over(boot_ctx *c, EFI_DEVICE_PATH *path) {
    handover_request req = {
        .kernel = c->kernel,
        .kernel_size = c->kernel_size,
        .kernel_path = path,
        .initrd = c->initrd,
        .initrd_size = c->initrd_size,
        .options = c->e->options,
    };
    handover_result res;
    handover_boot(&req, print_timing, &res);
    const char *k = c->e->kernel, *w = where(c);
    switch (res.stage) {
    case HANDOVER_OPTIONS:
        report(c, "options: not valid UTF-8 (BMP only), or longer than 4095 characters");
        break;
    case HANDOVER_SECURITY:
        report(c, "%s in %s: the image failed Secure Boot verification (%s)", k, w,
               efi_status_name(res.status));
        break;
    case HANDOVER_LOAD:
        report(c, "%s in %s: the firmware cannot load it: %s", k, w, efi_status_name(res.status));
        break;
    case HANDOVER_INITRD:
        report(c, "%s in %s: cannot publish the initrd: %s", c->e->initrds[0], w,
               efi_status_name(res.status));
        break;
    case HANDOVER_START:
        report(c, "%s in %s: the kernel returned: %s", k, w,
               res.status == EFI_SUCCESS ? "success" : efi_status_name(res.status));
        break;
    }
    return EFI_ERROR(res.status) ? res.status : EFI_LOAD_ERROR;
}

/* An `efi` entry: the disk published as a block device (or, with `ramdisk
 * yes`, the registered RAM disk), the program started from the firmware's
 * handle for its partition, the device removed again if it returns. */
static EFI_STATUS run_program(boot_ctx *c) {
    const char *p = c->e->efi, *w = where(c);
    bool live = !c->rd.path;
    /* Published with the sector size its table was read with (the firmware's
     * RAM disk always has 512-byte blocks). */
    uint32_t block = live && vol.has_table ? vol.table.sector_size : 512;
    EFI_HANDLE h;
    int r = live ? blockdev_publish(&c->disk_src, block, c->device, &h, &c->status) : 0;
    if (r < 0) {
        report(c, "%s: cannot publish it as a block device: %s", c->disk, problem(c, r, NULL));
        return EFI_LOAD_ERROR;
    }
    chain_request req = {
        .disk_path = live ? blockdev_path() : c->rd.path,
        .part = vol.has_table ? vol.entry : NULL,
        .scheme = vol.table.scheme,
        .block_size = block,
        .path = p,
        .options = c->e->options,
        .before_start = print_timing,
    };
    handover_result res = {.stage = HANDOVER_LOAD, .status = EFI_LOAD_ERROR};
    r = chain_start(&req, &res);
    EFI_STATUS kept = live ? blockdev_remove() : EFI_SUCCESS;
    if (r == VB_ENOTFOUND && block != vol.table.sector_size && vol.has_table)
        report(c,
               "%s in %s: the firmware made no device for that partition (its RAM disk has "
               "512-byte blocks, this disk %u-byte sectors)",
               p, w, (unsigned)vol.table.sector_size);
    else if (r == VB_ENOTFOUND)
        report(c, "%s in %s: the firmware made no device for that partition", p, w);
    else if (r < 0)
        report(c, "%s in %s: cannot build its device path: %s", p, w, vb_err_message(r));
    else if (res.stage == HANDOVER_OPTIONS)
        report(c, "options: not valid UTF-8 (BMP only), or longer than 4095 characters");
    else if (res.stage == HANDOVER_SECURITY)
        report(c, "%s in %s: the image failed Secure Boot verification (%s)", p, w,
               efi_status_name(res.status));
    else if (res.stage == HANDOVER_LOAD && res.status == EFI_NOT_FOUND)
        report(c, "%s in %s: the firmware cannot read it (not found; it reads FAT only)", p, w);
    else if (res.stage == HANDOVER_LOAD)
        report(c, "%s in %s: not an EFI program (%s)", p, w, efi_status_name(res.status));
    else
        report(c, "%s in %s: the program returned: %s", p, w,
               res.status == EFI_SUCCESS ? "success" : efi_status_name(res.status));
    if (EFI_ERROR(kept)) {
        size_t n = vb_strlen(c->msg);
        vb_format(c->msg + n, c->cap - n, " (the firmware kept the block device: %s)",
                  efi_status_name(kept));
    }
    return EFI_ERROR(res.status) ? res.status : EFI_LOAD_ERROR;
}

EFI_STATUS boot_entry_run(const cfg_entry *e, char *msg, size_t cap) {
    boot_ctx c = {.e = e, .msg = msg, .cap = cap};
    if (e->disk_kind == CFG_DISK_PARTUUID)
        vb_format(c.disk, sizeof(c.disk), "partuuid=%s", e->disk);
    else if (e->disk_kind == CFG_DISK_PARTLABEL)
        vb_format(c.disk, sizeof(c.disk), "partlabel=%s", e->disk);
    else
        vb_format(c.disk, sizeof(c.disk), "%s", e->disk);
    EFI_DEVICE_PATH *path;
    vb_source kernel;
    EFI_STATUS status = EFI_LOAD_ERROR;
    msg[0] = '\0';
    int r = efi_volume_root(&c.root, &c.status);
    if (r < 0) {
        report(&c, "the loader's own volume: %s", problem(&c, r, NULL));
        return EFI_NOT_FOUND;
    }
    if (open_disk(&c) < 0 || (e->ramdisk && load_ramdisk(&c) < 0))
        goto out;
    if (e->efi) {
        if (find_kernel(&c, &kernel) == 0)
            status = run_program(&c);
        goto out;
    }
    if (find_kernel(&c, &kernel) < 0 || load_kernel(&c, &kernel) < 0 || load_initrds(&c) < 0 ||
        kernel_device_path(&c, &path) < 0)
        goto out;
    /* Everything is in memory: release the VMDK's files before handing over. */
    close_disk(&c);
    status = hand_over(&c, path);
out:
    close_disk(&c);
    efi_pages_free(c.initrd, c.initrd_size);
    efi_pages_free(c.kernel, c.kernel_size);
    ramdisk_release(&c.rd);
    c.root->Close(c.root);
    return status;
}

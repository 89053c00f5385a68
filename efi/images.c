/* images.c: automatic entries from drop-in images (see images.h). The
 * folder listing and the files are the firmware's; every name and byte is
 * untrusted and goes through core (images rules, VMDK, partitions,
 * filesystems, discovery), which bounds what it keeps. The large scratch
 * objects (a second vmdk_disk, the discovery context) are allocated for
 * the scan and freed after it: the loader's static image has no room for
 * them beside boot.c's. */
#include "images.h"
#include "efi_con.h"
#include "efi_env.h"
#include "efi_file.h"
#include "discover/discover.h"
#include "discover/images.h"
#include "lib/error.h"
#include "lib/utf16.h"
#include "lib/util.h"
#include "vmdk/vmdk.h"

#define IMAGES_POOL_BYTES (24u * 1024u)
#define IMAGES_DEFAULT    "\\images"

typedef struct images_scratch {
    vmdk_disk disk;
    discover_ctx ctx;
    discover_result found;
    images_list list;
    efi_dir_opener dir;
    char path[VB_PATH_MAX];
} images_scratch;

static cfg_entry autos[IMAGES_AUTO_MAX];
static uint32_t auto_count;
static char pool[IMAGES_POOL_BYTES];
static size_t pool_used;
static bool pool_full;

static const char *keep(const char *s) {
    const char *kept = s ? vb_strpool_add(pool, sizeof(pool), &pool_used, s, vb_strlen(s)) : NULL;
    if (s && !kept)
        pool_full = true;
    return kept;
}

/* Prints a line and appends it to the menu's notes. */
static void note(char *notes, size_t cap, size_t *used, const char *line) {
    con_printf("vmdkboot: %s\n", line);
    if (*used < cap)
        *used += vb_format(notes + *used, cap - *used, "%s%s", *used ? "\n" : "", line);
}

/* Lists the *.vmdk files of folder into list. A missing folder is empty. */
static void list_folder(EFI_FILE_PROTOCOL *root, const char *folder, images_list *list) {
    static CHAR16 path16[VB_PATH_MAX];
    static UINT64 info_buf[256]; /* EFI_FILE_INFO, 8-byte aligned, names up to ~1000 units */
    static char name[VB_IMAGE_NAME_MAX * 3];
    EFI_FILE_PROTOCOL *dir;
    vb_memset(list, 0, sizeof(*list));
    if (efi_path_to_ucs2(path16, VB_ARRAY_SIZE(path16), "", folder) < 0 ||
        EFI_ERROR(root->Open(root, &dir, path16, EFI_FILE_MODE_READ, 0)))
        return;
    for (;;) {
        UINTN size = sizeof(info_buf);
        EFI_STATUS s = dir->Read(dir, &size, info_buf);
        if (s == EFI_BUFFER_TOO_SMALL) /* a name longer than any image name kept */
            continue;
        if (EFI_ERROR(s) || size == 0)
            break;
        EFI_FILE_INFO *info = (EFI_FILE_INFO *)info_buf;
        if (info->Attribute & EFI_FILE_DIRECTORY)
            continue;
        size_t units = 0, max = (size - SIZE_OF_EFI_FILE_INFO) / sizeof(CHAR16);
        while (units < max && info->FileName[units])
            units++;
        utf16_to_utf8((const uint16_t *)info->FileName, units, name, sizeof(name));
        images_add(list, name);
    }
    dir->Close(dir);
}

/* Opens folder\name into s->disk; 0, or the error with a problem in found. */
static int open_image(EFI_FILE_PROTOCOL *root, images_scratch *s, vb_source *top, const char *name,
                      bool report) {
    vb_opener opener;
    const char *top_name;
    int r = efi_file_open(root, s->path, top, NULL);
    if (r < 0) {
        if (report)
            discover_problem(&s->found, name, "cannot open: %s", vb_err_message(r));
        return r;
    }
    r = efi_dir_opener_init(&s->dir, root, s->path, &opener, &top_name);
    if (r == 0) {
        vmdk_open_options options = {.allow_escape = false, .ignore_cid = false};
        efi_pages_allocator(&options.memory);
        r = vmdk_open(&s->disk, top, top_name, &opener, &options);
        if (r < 0) {
            if (report)
                discover_problem(&s->found, name, "cannot open: %s: %s", vb_err_message(r),
                                 vmdk_detail(&s->disk));
            vmdk_close(&s->disk);
        }
    } else if (report) {
        discover_problem(&s->found, name, "cannot open: %s", vb_err_message(r));
    }
    if (r < 0)
        efi_file_close(top);
    return r;
}

/* Turns a discovered entry into a configured-style one on this image. */
static void add_entry(const cfg_config *cfg, const discover_entry *d, const char *image_path) {
    if (auto_count >= IMAGES_AUTO_MAX)
        return;
    cfg_entry *e = &autos[auto_count];
    vb_memset(e, 0, sizeof(*e));
    e->id = keep(d->id);
    e->title = keep(d->title);
    e->disk_kind = CFG_DISK_PATH;
    e->disk = keep(image_path);
    e->partition_kind = d->partition ? CFG_PARTITION_INDEX : CFG_PARTITION_AUTO;
    e->partition_index = d->partition;
    e->ramdisk = cfg->auto_ramdisk;
    if (d->kind == DISCOVER_KERNEL) {
        e->kernel = keep(d->linux_path);
        for (uint32_t i = 0; i < d->initrd_count; i++)
            e->initrds[e->initrd_count++] = keep(d->initrds[i]);
    } else if (d->source == DISCOVER_UKI) {
        /* A UKI is started from memory like a kernel: it carries its own
         * command line and initrd, so none is given. */
        e->kernel = keep(d->efi_path);
    } else {
        /* A boot loader reads its own files: started from its device. */
        e->efi = keep(d->efi_path);
    }
    e->options = keep(d->options);
    if (!pool_full)
        auto_count++;
}

static void scan_folder(EFI_FILE_PROTOCOL *root, images_scratch *s, const cfg_config *cfg,
                        const char *folder, char *notes, size_t cap_notes, size_t *used) {
    vb_source top, disk_src;
    list_folder(root, folder, &s->list);
    /* Extents and parents of other images are not images of their own. */
    for (uint32_t i = 0; i < s->list.count; i++) {
        if (s->list.secondary[i])
            continue;
        vb_format(s->path, sizeof(s->path), "%s\\%s", folder, s->list.names[i]);
        if (open_image(root, s, &top, s->list.names[i], false) == 0) {
            images_mark_used(&s->list, &s->disk);
            vmdk_close(&s->disk);
            efi_file_close(&top);
        }
    }
    for (uint32_t i = 0; i < s->list.count; i++) {
        if (s->list.secondary[i])
            continue;
        const char *name = s->list.names[i];
        vb_format(s->path, sizeof(s->path), "%s\\%s", folder, name);
        vb_memset(&s->found, 0, sizeof(s->found));
        if (open_image(root, s, &top, name, true) == 0) {
            vmdk_disk_source(&s->disk, &disk_src);
            discover_disk(&s->ctx, &disk_src, name, &s->found);
            vmdk_close(&s->disk);
            efi_file_close(&top);
        }
        char image_path[VB_PATH_MAX];
        vb_strlcpy(image_path, s->path, sizeof(image_path));
        for (uint32_t k = 0; k < s->found.count; k++) {
            const discover_entry *d = &s->found.entries[k];
            con_printf("vmdkboot: %s: %s\n", d->id, d->title);
            add_entry(cfg, d, image_path);
        }
        for (uint32_t k = 0; k < s->found.problem_count; k++)
            note(notes, cap_notes, used, s->found.problems[k]);
    }
    if (s->list.dropped) {
        char line[VB_PATH_MAX + 64];
        vb_format(line, sizeof(line), "%s: %u more images not listed (at most %u)", folder,
                  (unsigned)s->list.dropped, VB_IMAGES_MAX);
        note(notes, cap_notes, used, line);
    }
}

uint32_t images_scan(const cfg_config *cfg, const cfg_entry **items, uint32_t count, uint32_t cap,
                     char *notes, size_t cap_notes, size_t *used) {
    EFI_FILE_PROTOCOL *root;
    images_scratch *s = NULL;
    if (!cfg->auto_entries || efi_volume_root(&root, NULL) < 0)
        return count;
    if (efi_pages_alloc(sizeof(*s), (void **)&s, NULL) < 0) {
        note(notes, cap_notes, used, "drop-in images: out of memory");
        root->Close(root);
        return count;
    }
    auto_count = 0;
    pool_used = 0;
    pool_full = false;
    uint32_t folders = cfg->images_count ? cfg->images_count : 1;
    for (uint32_t f = 0; f < folders; f++) {
        char folder[VB_PATH_MAX];
        vb_strlcpy(folder, cfg->images_count ? cfg->images[f] : IMAGES_DEFAULT, sizeof(folder));
        for (char *p = folder; *p; p++)
            if (*p == '/')
                *p = '\\';
        size_t n = vb_strlen(folder);
        while (n > 1 && folder[n - 1] == '\\')
            folder[--n] = '\0';
        scan_folder(root, s, cfg, folder, notes, cap_notes, used);
    }
    efi_pages_free(s, sizeof(*s));
    root->Close(root);
    if (pool_full)
        note(notes, cap_notes, used, "drop-in images: more entries than fit; some left out");
    for (uint32_t i = 0; i < auto_count && count < cap; i++)
        items[count++] = &autos[i];
    return count;
}

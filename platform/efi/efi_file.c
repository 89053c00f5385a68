/* efi_file.c: EFI_FILE_PROTOCOL byte sources and the VMDK folder opener.
 *
 * Trusts the firmware's file system driver to return what it claims; checks
 * every read for shortness and every path handed over by core or the
 * configuration for ".." components. */
#include "efi_file.h"
#include <stddef.h>
#include "efi_env.h"
#include "efi_status.h"
#include "lib/error.h"
#include "lib/utf8.h"
#include "lib/util.h"

typedef struct efi_file {
    EFI_FILE_PROTOCOL *handle; /* NULL: slot free */
    uint64_t size;
    uint64_t position;      /* the firmware's file position, to skip SetPosition */
    EFI_STATUS status;      /* of the last failing firmware call, or EFI_SUCCESS */
    efi_dir_opener *opener; /* the opener that opened it (told of failures too), or NULL */
} efi_file;

/* Every extent of a chain, plus one descriptor per link, plus the top file. */
#define EFI_FILES_MAX (VB_EXTENTS_MAX + VB_CHAIN_MAX + 2)
static efi_file files[EFI_FILES_MAX];

/* Converts a failing status, handing it to *ret_status (when not NULL). */
static int failed(EFI_STATUS s, EFI_STATUS *ret_status) {
    if (ret_status)
        *ret_status = s;
    return efi_status_to_vb(s);
}

int efi_volume_root(EFI_FILE_PROTOCOL **ret_root, EFI_STATUS *ret_status) {
    EFI_LOADED_IMAGE *loaded;
    EFI_FILE_IO_INTERFACE *fs;
    EFI_FILE_PROTOCOL *root;
    EFI_STATUS s = efi_bs->HandleProtocol(efi_image, &efi_guid_loaded_image, (void **)&loaded);
    if (EFI_ERROR(s))
        return failed(s, ret_status);
    s = efi_bs->HandleProtocol(loaded->DeviceHandle, &efi_guid_simple_fs, (void **)&fs);
    if (EFI_ERROR(s))
        return failed(s, ret_status);
    s = fs->OpenVolume(fs, &root);
    if (EFI_ERROR(s))
        return failed(s, ret_status);
    *ret_root = root;
    return 0;
}

static bool is_sep(char c) {
    return c == '/' || c == '\\';
}

/* Appends path's components to out (starting at *len), each after a '\'. */
static int append_path(CHAR16 *out, size_t cap, size_t *len, const char *path) {
    size_t i = 0;
    while (path[i]) {
        while (is_sep(path[i]))
            i++;
        size_t start = i;
        while (path[i] && !is_sep(path[i]))
            i++;
        size_t n = i - start;
        if (n == 0)
            break;
        if (n == 2 && path[start] == '.' && path[start + 1] == '.')
            return VB_EPATH;
        if (n == 1 && path[start] == '.')
            continue;
        if (*len + 1 >= cap)
            return VB_ELIMIT;
        out[(*len)++] = '\\';
        int r = utf8_to_ucs2(out + *len, cap - *len, path + start, n, true);
        if (r < 0)
            return r;
        *len += (size_t)r;
    }
    return 0;
}

int efi_path_to_ucs2(CHAR16 *out, size_t cap, const char *folder, const char *path) {
    size_t len = 0;
    if (cap < 2)
        return VB_ELIMIT;
    out[0] = 0;
    int r = folder ? append_path(out, cap, &len, folder) : 0;
    if (r == 0)
        r = append_path(out, cap, &len, path);
    if (r < 0) {
        out[0] = 0;
        return r;
    }
    if (len == 0)
        out[len++] = '\\';
    out[len] = 0;
    return 0;
}

/* Remembers a failing status in f (and its opener) and converts it. */
static int file_failed(efi_file *f, EFI_STATUS s) {
    f->status = s;
    if (f->opener)
        f->opener->status = s;
    return efi_status_to_vb(s);
}

static int file_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    efi_file *f = ctx;
    uint8_t *dst = buf;
    if (!vb_range_ok(offset, len, f->size))
        return VB_ERANGE;
    if (len && f->position != offset) {
        EFI_STATUS s = f->handle->SetPosition(f->handle, offset);
        if (EFI_ERROR(s))
            return file_failed(f, s);
        f->position = offset;
    }
    while (len) {
        UINTN want = len < EFI_FILE_CHUNK ? len : EFI_FILE_CHUNK;
        UINTN got = want;
        EFI_STATUS s = f->handle->Read(f->handle, &got, dst);
        if (EFI_ERROR(s)) {
            f->position = UINT64_MAX; /* unknown now */
            return file_failed(f, s);
        }
        f->position += got;
        if (got != want)
            return VB_ETRUNCATED; /* shorter than the firmware said at open */
        dst += got;
        len -= got;
    }
    return 0;
}

static int open_ucs2(EFI_FILE_PROTOCOL *root, CHAR16 *path, vb_source *ret_source,
                     EFI_STATUS *ret_status) {
    efi_file *f = NULL;
    for (size_t i = 0; i < EFI_FILES_MAX && !f; i++)
        if (!files[i].handle)
            f = &files[i];
    if (!f)
        return VB_ELIMIT;

    EFI_FILE_PROTOCOL *h;
    EFI_STATUS s = root->Open(root, &h, path, EFI_FILE_MODE_READ, 0);
    if (EFI_ERROR(s))
        return failed(s, ret_status);
    /* EFI_FILE_INFO plus a FAT long name (255 UCS-2 units) fits easily. */
    union {
        EFI_FILE_INFO info;
        uint8_t bytes[offsetof(EFI_FILE_INFO, FileName) + 512 * sizeof(CHAR16)];
    } u;
    UINTN size = sizeof(u);
    s = h->GetInfo(h, &efi_guid_file_info, &size, &u);
    if (EFI_ERROR(s)) {
        h->Close(h);
        return failed(s, ret_status);
    }
    if (u.info.Attribute & EFI_FILE_DIRECTORY) {
        h->Close(h);
        return VB_EFORMAT;
    }
    f->handle = h;
    f->size = u.info.FileSize;
    f->position = 0;
    f->status = EFI_SUCCESS;
    f->opener = NULL;
    *ret_source = (vb_source){.ctx = f, .size = f->size, .read = file_read};
    return 0;
}

int efi_file_open(EFI_FILE_PROTOCOL *root, const char *path, vb_source *ret_source,
                  EFI_STATUS *ret_status) {
    CHAR16 wide[2 * VB_PATH_MAX];
    int r = efi_path_to_ucs2(wide, VB_ARRAY_SIZE(wide), NULL, path);
    return r < 0 ? r : open_ucs2(root, wide, ret_source, ret_status);
}

EFI_STATUS efi_file_status(const vb_source *source) {
    const efi_file *f = source->ctx;
    return f ? f->status : EFI_SUCCESS;
}

void efi_file_close(vb_source *source) {
    efi_file *f = source->ctx;
    if (f && f->handle) {
        f->handle->Close(f->handle);
        f->handle = NULL;
    }
    source->ctx = NULL;
}

int efi_file_read_all(EFI_FILE_PROTOCOL *root, const char *path, char *buf, size_t cap,
                      size_t *ret_len) {
    vb_source src;
    int r = efi_file_open(root, path, &src, NULL);
    if (r < 0)
        return r;
    if (cap == 0 || src.size > cap - 1)
        r = VB_ELIMIT;
    else
        r = vb_source_read(&src, 0, buf, (size_t)src.size);
    if (r == 0) {
        buf[src.size] = '\0';
        *ret_len = (size_t)src.size;
    }
    efi_file_close(&src);
    return r;
}

static int dir_open(void *ctx, const char *path, vb_source *ret_source) {
    efi_dir_opener *dir = ctx;
    CHAR16 wide[2 * VB_PATH_MAX];
    int r = efi_path_to_ucs2(wide, VB_ARRAY_SIZE(wide), dir->folder, path);
    if (r == 0)
        r = open_ucs2(dir->root, wide, ret_source, &dir->status);
    if (r == 0)
        ((efi_file *)ret_source->ctx)->opener = dir;
    return r;
}

static void dir_close(void *ctx, vb_source *source) {
    (void)ctx;
    efi_file_close(source);
}

int efi_dir_opener_init(efi_dir_opener *dir, EFI_FILE_PROTOCOL *root, const char *top_path,
                        vb_opener *ret_opener, const char **ret_top_name) {
    size_t start = 0, name = 0;
    while (is_sep(top_path[start]))
        start++;
    for (size_t i = start; top_path[i]; i++)
        if (is_sep(top_path[i]))
            name = i + 1;
    size_t folder_len = name > start ? name - start - 1 : 0;
    if (folder_len >= sizeof(dir->folder))
        return VB_ELIMIT;
    vb_memcpy(dir->folder, top_path + start, folder_len);
    dir->folder[folder_len] = '\0';
    dir->root = root;
    dir->status = EFI_SUCCESS;
    *ret_opener = (vb_opener){.ctx = dir, .open = dir_open, .close = dir_close};
    *ret_top_name = top_path + (name > start ? name : start);
    return 0;
}

/* vmdk.c: public entry points of the VMDK reader (work in progress: open
 * is not implemented yet and fails with VB_EUNSUPPORTED). */
#include "vmdk.h"
#include "util.h"

const char *vmdk_access_name(vmdk_access access) {
    switch (access) {
    case VMDK_ACCESS_RW:
        return "rw";
    case VMDK_ACCESS_RDONLY:
        return "rdonly";
    case VMDK_ACCESS_NOACCESS:
        return "noaccess";
    }
    return "?";
}

const char *vmdk_extent_type_name(vmdk_extent_type type) {
    switch (type) {
    case VMDK_EXTENT_FLAT:
        return "flat";
    case VMDK_EXTENT_SPARSE:
        return "sparse";
    case VMDK_EXTENT_ZERO:
        return "zero";
    case VMDK_EXTENT_VMFS:
        return "vmfs";
    case VMDK_EXTENT_VMFSSPARSE:
        return "vmfssparse";
    case VMDK_EXTENT_VMFSRDM:
        return "vmfsrdm";
    case VMDK_EXTENT_VMFSRAW:
        return "vmfsraw";
    }
    return "?";
}

int vmdk_probe(const vb_source *src) {
    (void)src;
    return VB_EFORMAT;
}

int vmdk_open(vmdk_disk *disk, const vb_source *top, const char *top_name, const vb_opener *opener,
              const vmdk_open_options *options) {
    (void)top;
    (void)top_name;
    (void)opener;
    (void)options;
    vb_diag_clear(&disk->diag);
    disk->is_open = false;
    return vb_fail(&disk->diag, VB_EUNSUPPORTED, "vmdk_open: not implemented yet");
}

int vmdk_read(vmdk_disk *disk, uint64_t offset, void *buf, size_t len) {
    (void)buf;
    if (!disk->is_open)
        return vb_fail(&disk->diag, VB_EINVAL, "disk is not open");
    if (!vb_range_ok(offset, len, disk->capacity))
        return VB_ERANGE;
    return VB_EUNSUPPORTED;
}

static int disk_source_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    return vmdk_read(ctx, offset, buf, len);
}

void vmdk_disk_source(vmdk_disk *disk, vb_source *ret_source) {
    ret_source->ctx = disk;
    ret_source->size = disk->capacity;
    ret_source->read = disk_source_read;
}

uint64_t vmdk_capacity(const vmdk_disk *disk) {
    return disk->capacity;
}

int vmdk_map(vmdk_disk *disk, uint64_t offset, vmdk_run *ret_run) {
    (void)offset;
    (void)ret_run;
    return vb_fail(&disk->diag, VB_EUNSUPPORTED, "vmdk_map: not implemented yet");
}

int vmdk_check(vmdk_disk *disk, vmdk_report_fn report, void *ctx) {
    (void)report;
    (void)ctx;
    return vb_fail(&disk->diag, VB_EUNSUPPORTED, "vmdk_check: not implemented yet");
}

void vmdk_close(vmdk_disk *disk) {
    disk->is_open = false;
}

const char *vmdk_detail(const vmdk_disk *disk) {
    return disk->diag.text;
}

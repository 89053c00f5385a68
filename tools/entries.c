/* entries.c: `vmdk entries IMAGE [--json]` and `vmdk entries --esp DIR`:
 * the boot entries the loader would list, found by the same core code
 * (core/discover: BLS Type #1, UKIs, the Debian layout, the image's own EFI
 * loader; core/cfg for the configuration), in the menu's order:
 * configured entries first, then each image's automatic entries, images in
 * file-name order. Problems (a broken entry file, an image that does not
 * open) go to stderr, one line each, as the loader prints them. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cfg/cfg.h"
#include "discover/discover.h"
#include "discover/images.h"
#include "host_memory.h"
#include "vmdk_tool.h"

#define ENTRIES_CONF     "EFI/vmdkboot/vmdkboot.conf"
#define ENTRIES_ROWS_MAX (VB_CFG_ENTRIES_MAX + VB_IMAGES_MAX * VB_DISCOVER_ENTRIES_MAX)

/* One menu line, whichever way it was found. */
typedef struct entries_row {
    char *id, *title, *image, *linux_path, *efi, *options, *source;
    char *initrds[VB_CFG_INITRDS_MAX];
    uint32_t initrd_count;
    uint32_t partition;  /* 0: auto (configured) or the whole disk */
    bool ramdisk;        /* booted with `ramdisk yes` */
    char *partition_sel; /* configured label=/uuid= selector, or NULL */
} entries_row;

typedef struct entries_ctx {
    entries_row rows[ENTRIES_ROWS_MAX];
    uint32_t count;
    char **problems;
    uint32_t problem_count;
    discover_ctx disc;
    discover_result found;
    images_list images;
    cfg_config cfg;
} entries_ctx;

static char *dup_or_null(const char *s) {
    return s ? strdup(s) : NULL;
}

static void add_problem(entries_ctx *c, const char *line) {
    char **p = realloc(c->problems, (c->problem_count + 1) * sizeof(*p));
    if (!p)
        return;
    c->problems = p;
    c->problems[c->problem_count++] = strdup(line);
}

static void add_found(entries_ctx *c, const char *image_path, bool ramdisk) {
    for (uint32_t i = 0; i < c->found.count && c->count < ENTRIES_ROWS_MAX; i++) {
        const discover_entry *e = &c->found.entries[i];
        static const char *const sources[] = {"", "bls", "uki", "debian", "efi"};
        entries_row *r = &c->rows[c->count++];
        memset(r, 0, sizeof(*r));
        r->id = strdup(e->id);
        r->title = strdup(e->title);
        r->image = strdup(image_path);
        r->partition = e->partition;
        r->ramdisk = ramdisk;
        r->linux_path = dup_or_null(e->linux_path);
        r->efi = dup_or_null(e->efi_path);
        r->options = strdup(e->options);
        r->source = strdup(sources[e->source <= DISCOVER_LOADER ? e->source : 0]);
        for (uint32_t k = 0; k < e->initrd_count; k++)
            r->initrds[r->initrd_count++] = strdup(e->initrds[k]);
    }
    for (uint32_t i = 0; i < c->found.problem_count; i++)
        add_problem(c, c->found.problems[i]);
    if (c->found.problems_dropped) {
        char line[96];
        snprintf(line, sizeof(line), "%u more problems not shown",
                 (unsigned)c->found.problems_dropped);
        add_problem(c, line);
    }
}

/* Opens path as a VMDK into *disk (which the caller closes). name is the
 * image's file name for messages. Returns 0, or the error (a problem line
 * added). */
static int open_image(entries_ctx *c, const char *path, const char *name, vb_source *top,
                      host_opener *folder, vmdk_disk *disk, bool report) {
    vb_opener opener;
    vmdk_open_options options = {0};
    int err = host_source_open(path, top);
    if (err) {
        if (report) {
            discover_result *out = &c->found;
            memset(out, 0, sizeof(*out));
            discover_problem(out, name, "cannot open: %s", vb_err_message(err));
            add_problem(c, out->problems[0]);
        }
        return err;
    }
    host_opener_init(folder, path, &opener);
    host_allocator_init(&options.memory);
    err = vmdk_open(disk, top, host_basename(path), &opener, &options);
    if (err) {
        if (report) {
            discover_result *out = &c->found;
            memset(out, 0, sizeof(*out));
            discover_problem(out, name, "cannot open: %s: %s", vb_err_message(err),
                             vmdk_detail(disk));
            add_problem(c, out->problems[0]);
        }
        vmdk_close(disk);
        host_source_close(top);
    }
    return err;
}

static int discover_image(entries_ctx *c, const char *path, const char *name,
                          const char *image_path, vmdk_disk *disk) {
    vb_source top, src;
    host_opener folder;
    int err = open_image(c, path, name, &top, &folder, disk, true);
    if (err)
        return err;
    vmdk_disk_source(disk, &src);
    discover_disk(&c->disc, &src, name, &c->found);
    add_found(c, image_path, c->cfg.auto_ramdisk);
    vmdk_close(disk);
    host_source_close(&top);
    return 0;
}

/* The images folder folder (as the configuration names it, '\' or '/')
 * under the ESP at dir. */
static void scan_folder(entries_ctx *c, const char *dir, const char *folder, vmdk_disk *disk) {
    char rel[VB_PATH_MAX], path[8192], loader_path[VB_PATH_MAX + VB_IMAGE_NAME_MAX];
    size_t n = 0;
    for (const char *p = folder; *p && n + 1 < sizeof(rel); p++)
        rel[n++] = *p == '\\' ? '/' : *p;
    rel[n] = '\0';
    while (n > 1 && rel[n - 1] == '/')
        rel[--n] = '\0';
    snprintf(path, sizeof(path), "%s/%s", dir, rel[0] == '/' ? rel + 1 : rel);
    DIR *d = opendir(path);
    if (!d)
        return; /* no such folder: nothing dropped in */
    memset(&c->images, 0, sizeof(c->images));
    for (struct dirent *de; (de = readdir(d));)
        if (de->d_type == DT_REG || de->d_type == DT_UNKNOWN)
            images_add(&c->images, de->d_name);
    closedir(d);
    /* First every image's extents and parents, then the images left. */
    for (uint32_t i = 0; i < c->images.count; i++) {
        if (c->images.secondary[i])
            continue;
        char file[8192 + VB_IMAGE_NAME_MAX];
        snprintf(file, sizeof(file), "%s/%s", path, c->images.names[i]);
        vb_source top;
        host_opener ho;
        if (open_image(c, file, c->images.names[i], &top, &ho, disk, false) == 0) {
            images_mark_used(&c->images, disk);
            vmdk_close(disk);
            host_source_close(&top);
        }
    }
    for (uint32_t i = 0; i < c->images.count; i++) {
        if (c->images.secondary[i])
            continue;
        char file[8192 + VB_IMAGE_NAME_MAX];
        snprintf(file, sizeof(file), "%s/%s", path, c->images.names[i]);
        /* The loader's path to the image: backslashes from the volume root. */
        snprintf(loader_path, sizeof(loader_path), "%s%s\\%s", rel[0] == '/' ? "" : "\\", rel,
                 c->images.names[i]);
        for (char *p = loader_path; *p; p++)
            if (*p == '/')
                *p = '\\';
        discover_image(c, file, c->images.names[i], loader_path, disk);
    }
    if (c->images.dropped) {
        char line[VB_PATH_MAX + 96];
        snprintf(line, sizeof(line), "%s: %u more images not listed (at most %u)", folder,
                 (unsigned)c->images.dropped, VB_IMAGES_MAX);
        add_problem(c, line);
    }
}

static void add_configured(entries_ctx *c) {
    for (uint32_t i = 0; i < c->cfg.entry_count && c->count < ENTRIES_ROWS_MAX; i++) {
        const cfg_entry *e = &c->cfg.entries[i];
        entries_row *r = &c->rows[c->count++];
        memset(r, 0, sizeof(*r));
        r->id = strdup(e->id);
        r->title = strdup(e->title);
        r->image = strdup(e->disk);
        r->linux_path = dup_or_null(e->kernel);
        r->efi = dup_or_null(e->efi);
        r->ramdisk = e->ramdisk;
        r->options = strdup(e->options);
        r->source = strdup("config");
        if (e->partition_kind == CFG_PARTITION_INDEX)
            r->partition = e->partition_index;
        else if (e->partition_kind != CFG_PARTITION_AUTO) {
            char sel[VB_CFG_VALUE_MAX + 8];
            snprintf(sel, sizeof(sel), "%s=%s",
                     e->partition_kind == CFG_PARTITION_LABEL ? "label" : "uuid", e->partition);
            r->partition_sel = strdup(sel);
        }
        for (uint32_t k = 0; k < e->initrd_count; k++)
            r->initrds[r->initrd_count++] = strdup(e->initrds[k]);
    }
}

/* Reads DIR/EFI/vmdkboot/vmdkboot.conf; without one, the defaults. */
static int load_config(entries_ctx *c, const char *dir) {
    char path[8192];
    snprintf(path, sizeof(path), "%s/%s", dir, ENTRIES_CONF);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno != ENOENT) {
            tool_error(path, VB_EIO, "cannot open: %s", strerror(errno));
            return TOOL_EXIT_IMAGE;
        }
        cfg_parse(&c->cfg, "", 0);
        fprintf(stderr, "vmdk: %s: none; the defaults apply (timeout %u, auto yes)\n", ENTRIES_CONF,
                (unsigned)c->cfg.timeout);
        return 0;
    }
    static char text[VB_CFG_FILE_MAX + 1];
    size_t len = fread(text, 1, sizeof(text), f);
    fclose(f);
    if (len > VB_CFG_FILE_MAX) {
        tool_error(path, VB_ELIMIT, "larger than %u bytes", VB_CFG_FILE_MAX);
        return TOOL_EXIT_IMAGE;
    }
    cfg_parse(&c->cfg, text, len);
    for (uint32_t i = 0; i < c->cfg.message_count; i++) {
        const cfg_message *m = &c->cfg.messages[i];
        char line[VB_DETAIL_MAX + 64];
        if (m->line)
            snprintf(line, sizeof(line), "vmdkboot.conf: line %u: %s: %s", (unsigned)m->line,
                     cfg_severity_name(m->severity), m->text);
        else
            snprintf(line, sizeof(line), "vmdkboot.conf: %s: %s", cfg_severity_name(m->severity),
                     m->text);
        add_problem(c, line);
    }
    return 0;
}

/* The default: the configured match, else the first ID the glob matches. */
static uint32_t pick_default(entries_ctx *c) {
    if (c->cfg.default_found || !c->cfg.default_id)
        return c->cfg.default_entry;
    for (uint32_t i = 0; i < c->count; i++)
        if (cfg_default_matches(c->cfg.default_id, c->rows[i].id))
            return i;
    char line[VB_CFG_VALUE_MAX + 64];
    snprintf(line, sizeof(line), "default '%s' matches no entry; the first is the default",
             c->cfg.default_id);
    add_problem(c, line);
    return 0;
}

static void print_json_or_null(const char *s) {
    if (s)
        tool_json_string(stdout, s);
    else
        fputs("null", stdout);
}

static void print_rows(entries_ctx *c, uint32_t def, bool json) {
    if (json) {
        printf("{\"entries\": [");
        for (uint32_t i = 0; i < c->count; i++) {
            const entries_row *r = &c->rows[i];
            printf("%s\n  {\"id\": ", i ? "," : "");
            tool_json_string(stdout, r->id);
            printf(", \"title\": ");
            tool_json_string(stdout, r->title);
            printf(", \"kind\": \"%s\", \"source\": \"%s\", \"default\": %s, \"image\": ",
                   r->efi ? "efi" : "kernel", r->source, i == def ? "true" : "false");
            tool_json_string(stdout, r->image);
            printf(", \"partition\": ");
            if (r->partition_sel)
                tool_json_string(stdout, r->partition_sel);
            else if (r->partition)
                printf("%" PRIu32, r->partition);
            else
                printf("null");
            printf(", \"linux\": ");
            print_json_or_null(r->linux_path);
            printf(", \"initrds\": [");
            for (uint32_t k = 0; k < r->initrd_count; k++) {
                printf("%s", k ? ", " : "");
                tool_json_string(stdout, r->initrds[k]);
            }
            printf("], \"efi\": ");
            print_json_or_null(r->efi);
            printf(", \"ramdisk\": %s", r->ramdisk ? "true" : "false");
            printf(", \"options\": ");
            tool_json_string(stdout, r->options);
            printf("}");
        }
        printf("\n], \"problems\": [");
        for (uint32_t i = 0; i < c->problem_count; i++) {
            printf("%s\n  ", i ? "," : "");
            tool_json_string(stdout, c->problems[i]);
        }
        printf("\n]}\n");
        return;
    }
    for (uint32_t i = 0; i < c->count; i++) {
        const entries_row *r = &c->rows[i];
        printf("%s%s\n", r->id, i == def ? " (default)" : "");
        printf("    title      %s\n", r->title);
        printf("    kind       %s (%s)\n", r->efi ? "efi" : "kernel", r->source);
        printf("    image      %s\n", r->image);
        if (r->partition_sel)
            printf("    partition  %s\n", r->partition_sel);
        else if (r->partition)
            printf("    partition  %" PRIu32 "\n", r->partition);
        else
            printf("    partition  %s\n", r->source[0] == 'c' ? "auto" : "whole disk");
        if (r->linux_path)
            printf("    linux      %s\n", r->linux_path);
        for (uint32_t k = 0; k < r->initrd_count; k++)
            printf("    initrd     %s\n", r->initrds[k]);
        if (r->efi)
            printf("    efi        %s\n", r->efi);
        if (r->options[0])
            printf("    options    %s\n", r->options);
        printf("    ramdisk    %s\n", r->ramdisk ? "yes" : "no");
    }
}

static void free_ctx(entries_ctx *c) {
    for (uint32_t i = 0; i < c->count; i++) {
        entries_row *r = &c->rows[i];
        free(r->id), free(r->title), free(r->image), free(r->linux_path), free(r->efi);
        free(r->options), free(r->source), free(r->partition_sel);
        for (uint32_t k = 0; k < r->initrd_count; k++)
            free(r->initrds[k]);
    }
    for (uint32_t i = 0; i < c->problem_count; i++)
        free(c->problems[i]);
    free(c->problems);
    free(c);
}

int tool_cmd_entries(const tool_args *args) {
    entries_ctx *c = calloc(1, sizeof(*c));
    vmdk_disk *disk = calloc(1, sizeof(*disk));
    int status = TOOL_EXIT_OK;
    if (!c || !disk) {
        tool_error(args->image, VB_ELIMIT, "out of memory");
        free(c);
        free(disk);
        return TOOL_EXIT_IMAGE;
    }
    uint32_t def = 0;
    if (args->esp) {
        status = load_config(c, args->image);
        if (status == 0) {
            add_configured(c);
            for (uint32_t i = 0;
                 c->cfg.auto_entries && i < (c->cfg.images_count ? c->cfg.images_count : 1u); i++)
                scan_folder(c, args->image, c->cfg.images_count ? c->cfg.images[i] : "\\images",
                            disk);
            def = pick_default(c);
        }
    } else {
        cfg_parse(&c->cfg, "", 0); /* IMAGE alone: the loader's defaults */
        if (discover_image(c, args->image, host_basename(args->image), args->image, disk))
            status = TOOL_EXIT_IMAGE;
    }
    if (status == TOOL_EXIT_OK) {
        print_rows(c, def, args->json);
        if (!args->json)
            for (uint32_t i = 0; i < c->problem_count; i++)
                fprintf(stderr, "vmdk: %s\n", c->problems[i]);
    } else if (!args->esp) {
        fprintf(stderr, "vmdk: %s\n", c->problems[0]);
    }
    free(disk);
    free_ctx(c);
    return status;
}

/* info.c: `vmdk info`: what the disk is made of, from the fields core/
 * filled in at open: per link its descriptor header and ddb entries, per
 * extent its access, type, file, size and offset, and for sparse extents
 * the header that was validated. Text for people, --json for scripts. */
#include <inttypes.h>
#include "vmdk_tool.h"

const vmdk_extent *tool_extent(const vmdk_disk *disk, unsigned link, unsigned extent) {
    if (link >= disk->link_count || extent >= disk->links[link].extent_count)
        return NULL;
    unsigned index = disk->links[link].first_extent + extent;
    return index < disk->extent_count ? &disk->extents[index] : NULL;
}

const char *tool_extent_file(const vmdk_disk *disk, unsigned link, unsigned extent) {
    const vmdk_extent *e = tool_extent(disk, link, extent);
    if (!e || !e->file_name)
        return NULL;
    /* A monolithic file names itself in its embedded descriptor, and users
     * rename such files: the file actually read is the link's own. */
    if (disk->links[link].kind == VMDK_KIND_SPARSE || disk->links[link].kind == VMDK_KIND_COWD)
        return disk->links[link].path;
    return e->file_name;
}

static const char *kind_name(vmdk_kind kind) {
    static const char *const names[] = {[VMDK_KIND_DESCRIPTOR] = "descriptor",
                                        [VMDK_KIND_SPARSE] = "sparse",
                                        [VMDK_KIND_COWD] = "cowd"};
    return (unsigned)kind < sizeof(names) / sizeof(names[0]) && names[kind] ? names[kind] : "?";
}

static const char *sparse_format_name(vmdk_sparse_format format) {
    return format == VMDK_SPARSE_KDMV ? "KDMV" : format == VMDK_SPARSE_COWD ? "COWD" : "none";
}

static bool is_flat_type(vmdk_extent_type type) {
    return type == VMDK_EXTENT_FLAT || type == VMDK_EXTENT_VMFS || type == VMDK_EXTENT_VMFSRDM ||
           type == VMDK_EXTENT_VMFSRAW;
}

/* Upper-case access/type words as a descriptor spells them. */
static void print_upper(const char *s) {
    for (; *s; s++)
        putchar(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s);
}

static void print_text(const tool_args *args, const vmdk_disk *disk) {
    printf("file:       %s\n", args->image);
    printf("capacity:   %" PRIu64 " bytes (%" PRIu64 " sectors)\n", disk->capacity,
           disk->capacity / 512);
    printf("links:      %u\n", disk->link_count);
    for (unsigned l = 0; l < disk->link_count; l++) {
        const vmdk_link *link = &disk->links[l];
        printf("\nlink %u%s: %s\n", l, l == 0 ? " (top)" : "", link->path);
        printf("  kind:       %s%s\n", kind_name(link->kind),
               link->kind == VMDK_KIND_SPARSE && link->has_descriptor ? " (embedded descriptor)"
                                                                      : "");
        if (link->has_descriptor) {
            printf("  createType: %s\n", link->create_type ? link->create_type : "");
            printf("  version:    %" PRIu32 "\n", link->version);
            printf("  CID:        %08" PRIx32 "\n", link->cid);
            printf("  parentCID:  %08" PRIx32 "%s\n", link->parent_cid,
                   link->parent_cid == VMDK_CID_NONE ? " (none)" : "");
            if (link->parent_hint)
                printf("  parent:     %s\n", link->parent_hint);
            if (link->encoding)
                printf("  encoding:   %s\n", link->encoding);
            printf("  descriptor: %" PRIu32 " bytes of text in %" PRIu32 " bytes read; ",
                   link->descriptor_text, link->descriptor_area);
            if (link->descriptor_tail)
                printf("%" PRIu32 " non-NUL bytes after its NUL (ignored: left by an in-place "
                       "rewrite)\n",
                       link->descriptor_tail);
            else
                printf("nothing after its NUL\n");
        }
        printf("  sectors:    %" PRIu64 "\n", link->sectors);
        printf("  extents:    %u\n", link->extent_count);
        for (unsigned x = 0; x < link->extent_count; x++) {
            const vmdk_extent *e = tool_extent(disk, l, x);
            if (!e)
                break;
            printf("    %u: ", x);
            print_upper(vmdk_access_name(e->access));
            putchar(' ');
            printf("%" PRIu64 " ", e->sectors);
            print_upper(vmdk_extent_type_name(e->type));
            if (e->type != VMDK_EXTENT_ZERO)
                printf(" \"%s\"", e->file_name ? e->file_name : "");
            if (is_flat_type(e->type))
                printf(" %" PRIu64, e->flat_offset);
            printf("   (virtual sectors %" PRIu64 "..%" PRIu64 ")\n", e->start,
                   e->start + e->sectors);
            const vmdk_sparse_info *s = &e->sparse;
            if (s->format == VMDK_SPARSE_NONE)
                continue;
            printf("       %s version %" PRIu32 ", flags 0x%08" PRIx32 ", capacity %" PRIu64
                   " sectors\n",
                   sparse_format_name(s->format), s->version, s->flags, s->capacity);
            printf("       grain %" PRIu64 " sectors (%" PRIu64 " KiB), %" PRIu32
                   " GTEs per table, %" PRIu64 " GD entries\n",
                   s->grain_sectors, s->grain_sectors / 2, s->gtes_per_gt, s->gd_entries);
            printf("       GD at sector %" PRIu64 ", redundant GD at %" PRIu64
                   "%s, overhead %" PRIu64 " sectors\n",
                   s->gd_offset, s->rgd_offset, s->using_rgd ? " (in use: primary unusable)" : "",
                   s->overhead);
            if (s->compressed || s->markers || s->zeroed_gte || s->unclean_shutdown)
                printf("       features:%s%s%s%s\n", s->compressed ? " compressed" : "",
                       s->markers ? " markers" : "", s->zeroed_gte ? " zeroed-grain-GTEs" : "",
                       s->unclean_shutdown ? " unclean-shutdown" : "");
            if (s->stream_layout == VMDK_STREAM_WALKED) {
                const vmdk_stream_state *st = &disk->stream;
                printf("       stream: recovered by marker walk: %" PRIu32
                       " grains, stopped at sector %" PRIu64 " (%s)\n",
                       st->walk_count, st->walk_end_sector, vmdk_walk_end_name(st->walk_end));
                printf("       (%s)\n", st->walk_cause_text);
            } else if (s->stream_layout != VMDK_STREAM_NONE) {
                printf("       stream: %s\n", vmdk_stream_layout_name(s->stream_layout));
            }
        }
        if (link->ddb_count) {
            printf("  ddb:\n");
            for (unsigned d = 0; d < link->ddb_count; d++)
                printf("    %s = \"%s\"\n", link->ddb[d].key, link->ddb[d].value);
        }
        if (link->ddb_dropped)
            printf("  (%u more ddb entries not kept)\n", link->ddb_dropped);
    }
}

static void json_key_string(const char *key, const char *value) {
    printf("\"%s\": ", key);
    if (value)
        tool_json_string(stdout, value);
    else
        fputs("null", stdout);
}

static void print_json(const tool_args *args, const vmdk_disk *disk) {
    printf("{");
    json_key_string("file", args->image);
    printf(", \"capacity\": %" PRIu64 ", \"links\": [", disk->capacity);
    for (unsigned l = 0; l < disk->link_count; l++) {
        const vmdk_link *link = &disk->links[l];
        printf("%s\n  {", l ? "," : "");
        json_key_string("path", link->path);
        printf(", \"kind\": \"%s\", \"has_descriptor\": %s", kind_name(link->kind),
               link->has_descriptor ? "true" : "false");
        printf(", ");
        json_key_string("create_type", link->has_descriptor ? link->create_type : NULL);
        printf(", \"version\": %" PRIu32 ", \"cid\": \"%08" PRIx32
               "\", \"parent_cid\": \"%08" PRIx32 "\", ",
               link->version, link->cid, link->parent_cid);
        json_key_string("parent_hint", link->parent_hint);
        printf(", ");
        json_key_string("encoding", link->encoding);
        printf(", \"descriptor_text_bytes\": %" PRIu32 ", \"descriptor_area_bytes\": %" PRIu32
               ", \"descriptor_tail_bytes\": %" PRIu32,
               link->descriptor_text, link->descriptor_area, link->descriptor_tail);
        printf(", \"sectors\": %" PRIu64 ", \"ddb\": {", link->sectors);
        for (unsigned d = 0; d < link->ddb_count; d++) {
            printf("%s", d ? ", " : "");
            tool_json_string(stdout, link->ddb[d].key);
            printf(": ");
            tool_json_string(stdout, link->ddb[d].value);
        }
        printf("}, \"ddb_dropped\": %u, \"extents\": [", link->ddb_dropped);
        for (unsigned x = 0; x < link->extent_count; x++) {
            const vmdk_extent *e = tool_extent(disk, l, x);
            if (!e)
                break;
            printf("%s\n    {\"access\": \"%s\", \"type\": \"%s\", ", x ? "," : "",
                   vmdk_access_name(e->access), vmdk_extent_type_name(e->type));
            json_key_string("file", e->type == VMDK_EXTENT_ZERO ? NULL : e->file_name);
            printf(", \"sectors\": %" PRIu64 ", \"start\": %" PRIu64 ", \"offset\": %" PRIu64,
                   e->sectors, e->start, e->flat_offset);
            const vmdk_sparse_info *s = &e->sparse;
            if (s->format != VMDK_SPARSE_NONE) {
                printf(", \"sparse\": {\"format\": \"%s\", \"version\": %" PRIu32
                       ", \"flags\": %" PRIu32 ", \"capacity\": %" PRIu64
                       ", \"grain_sectors\": %" PRIu64 ", \"gtes_per_gt\": %" PRIu32
                       ", \"gd_entries\": %" PRIu64 ", \"gd_offset\": %" PRIu64
                       ", \"rgd_offset\": %" PRIu64 ", \"using_rgd\": %s, \"overhead\": %" PRIu64
                       ", \"compressed\": %s, \"markers\": %s, \"zeroed_gte\": %s"
                       ", \"unclean_shutdown\": %s",
                       sparse_format_name(s->format), s->version, s->flags, s->capacity,
                       s->grain_sectors, s->gtes_per_gt, s->gd_entries, s->gd_offset, s->rgd_offset,
                       s->using_rgd ? "true" : "false", s->overhead,
                       s->compressed ? "true" : "false", s->markers ? "true" : "false",
                       s->zeroed_gte ? "true" : "false", s->unclean_shutdown ? "true" : "false");
                static const char *const layouts[] = {"none", "header_gd", "footer_gd", "walked"};
                printf(", \"stream_layout\": \"%s\"", layouts[s->stream_layout & 3]);
                if (s->stream_layout == VMDK_STREAM_WALKED)
                    printf(", \"walk_grains\": %" PRIu32 ", \"walk_end_sector\": %" PRIu64
                           ", \"walk_end\": \"%s\"",
                           disk->stream.walk_count, disk->stream.walk_end_sector,
                           vmdk_walk_end_name(disk->stream.walk_end));
                putchar('}');
            }
            putchar('}');
        }
        printf("]}");
    }
    printf("]}\n");
}

int tool_cmd_info(const tool_args *args) {
    tool_image image;
    int status = tool_image_open(&image, args);
    if (status)
        return status;
    if (args->json)
        print_json(args, image.disk);
    else
        print_text(args, image.disk);
    if (fflush(stdout) != 0 || ferror(stdout))
        status = TOOL_EXIT_IMAGE;
    tool_image_close(&image);
    return status;
}

/* images.c: images folder rules (see images.h). */
#include "discover/images.h"
#include "lib/util.h"

static bool images_has_suffix(const char *s, size_t n, const char *suffix) {
    size_t k = vb_strlen(suffix);
    return n >= k && vb_strn_ieq(s + n - k, k, suffix);
}

bool images_name_is_extent(const char *name) {
    size_t n = vb_strlen(name);
    if (!images_has_suffix(name, n, ".vmdk"))
        return false;
    n -= 5;
    if (n > 5 && images_has_suffix(name, n, "-flat"))
        return true;
    size_t digits = 0;
    while (digits < n && vb_isdigit(name[n - 1 - digits]))
        digits++;
    if (digits == 0 || n < digits + 3) /* a name before the "-s" */
        return false;
    char kind = vb_tolower(name[n - digits - 1]);
    return name[n - digits - 2] == '-' && (kind == 's' || kind == 'f');
}

bool images_add(images_list *list, const char *name) {
    size_t n = vb_strlen(name);
    if (!images_has_suffix(name, n, ".vmdk") || n == 5)
        return false;
    if (n >= VB_IMAGE_NAME_MAX || list->count >= VB_IMAGES_MAX) {
        list->dropped++;
        return false;
    }
    uint32_t at = list->count;
    while (at > 0 && vb_strcmp(list->names[at - 1], name) > 0)
        at--;
    for (uint32_t i = list->count; i > at; i--) {
        vb_memcpy(list->names[i], list->names[i - 1], VB_IMAGE_NAME_MAX);
        list->secondary[i] = list->secondary[i - 1];
    }
    vb_memcpy(list->names[at], name, n + 1);
    list->secondary[at] = images_name_is_extent(name);
    list->count++;
    return true;
}

/* The last component of a '/'-separated path. */
static const char *images_base(const char *path) {
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    return base;
}

static void images_mark(images_list *list, const char *path) {
    if (!path || !path[0])
        return;
    const char *base = images_base(path);
    for (uint32_t i = 0; i < list->count; i++)
        if (vb_str_ieq(list->names[i], base))
            list->secondary[i] = true;
}

void images_mark_used(images_list *list, const vmdk_disk *disk) {
    for (unsigned i = 0; i < disk->extent_count; i++) {
        /* The top file's own embedded extent names the file itself. */
        if (vb_str_ieq(images_base(disk->extents[i].file_name ? disk->extents[i].file_name : ""),
                       images_base(disk->links[0].path)))
            continue;
        images_mark(list, disk->extents[i].file_name);
    }
    for (unsigned i = 1; i < disk->link_count; i++)
        images_mark(list, disk->links[i].path);
}

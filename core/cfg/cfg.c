/* cfg.c: parser of the loader configuration (grammar in README.md,
 * "Configuration reference").
 *
 * Trusts nothing: any bytes, any line length, any number of lines. Every
 * value is length-checked and copied into the config's own pool; every
 * limit (entries, initrds, line and value length, pool, messages) ends in a
 * message rather than an overflow. */
#include "cfg/cfg.h"
#include "lib/error.h"
#include "lib/guid.h"
#include "lib/util.h"

/* The entry being read, and where its strings start in the pool (so a
 * dropped entry gives its pool space back). */
typedef struct cfg_state {
    cfg_config *cfg;
    uint32_t line;
    bool in_entry;    /* an `entry` line has been seen */
    bool entry_bad;   /* the current entry had an error: leave it out */
    bool entry_store; /* there is room to keep the current entry */
    size_t entry_pool_mark;
    cfg_entry entry;
    uint32_t timeout_line, default_line, auto_line, auto_ramdisk_line;
    /* Lines of the current entry's keys (initrd: the first), 0 when absent. */
    uint32_t kernel_line, efi_line, initrd_line, ramdisk_line;
} cfg_state;

const char *cfg_severity_name(cfg_severity severity) {
    return severity == CFG_ERROR ? "error" : "warning";
}

__attribute__((format(printf, 4, 5))) static void
cfg_report(cfg_config *cfg, uint32_t line, cfg_severity severity, const char *fmt, ...) {
    if (severity == CFG_ERROR)
        cfg->error_count++;
    else
        cfg->warning_count++;
    if (cfg->message_count >= VB_CFG_MESSAGES_MAX) {
        cfg->messages_dropped++;
        return;
    }
    cfg_message *m = &cfg->messages[cfg->message_count++];
    m->line = line;
    m->severity = severity;
    va_list ap;
    va_start(ap, fmt);
    vb_vformat(m->text, sizeof(m->text), fmt, ap);
    va_end(ap);
    /* Values from the file are quoted in messages: keep them printable. */
    for (char *p = m->text; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = '?';
}

/* Copies s[0..n) into the pool; NULL when the pool is full. */
static const char *cfg_store(cfg_config *cfg, const char *s, size_t n) {
    return vb_strpool_add(cfg->pool, sizeof(cfg->pool), &cfg->pool_used, s, n);
}

/* An error inside an entry also leaves the entry out. */
#define cfg_entry_error(st, ...)                                                                   \
    do {                                                                                           \
        cfg_report((st)->cfg, (st)->line, CFG_ERROR, __VA_ARGS__);                                 \
        if ((st)->in_entry)                                                                        \
            (st)->entry_bad = true;                                                                \
    } while (0)

/* Stores a value, reporting a full pool as an error. */
static const char *cfg_keep(cfg_state *st, const char *v, size_t n) {
    const char *s = cfg_store(st->cfg, v, n);
    if (!s)
        cfg_entry_error(st, "configuration values exceed %u bytes in all", VB_CFG_POOL_BYTES);
    return s;
}

static bool has_prefix(const char *v, size_t n, const char *prefix, size_t *ret_len) {
    size_t p = vb_strlen(prefix);
    if (n < p || !vb_strn_ieq(v, p, prefix))
        return false;
    *ret_len = p;
    return true;
}

/* A PARTUUID as part_find_uuid knows them: a GPT GUID, or an MBR
 * "ssssssss-nn" (8 hex digits, '-', 2 to 8 hex digits). */
static bool valid_partuuid(const char *v, size_t n) {
    vb_guid g;
    if (vb_guid_parse(v, n, &g))
        return true;
    if (n < 11 || n > 17 || v[8] != '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (i != 8 && vb_hex_digit(v[i]) < 0)
            return false;
    return true;
}

/* Ends the current entry: keeps it if it is complete and valid. */
static void cfg_finish_entry(cfg_state *st) {
    cfg_config *cfg = st->cfg;
    cfg_entry *e = &st->entry;
    if (!st->in_entry)
        return;
    st->in_entry = false;
    if (!st->entry_bad) {
        if (!e->disk)
            cfg_report(cfg, e->line, CFG_ERROR, "entry '%s' has no 'disk'; left out", e->id);
        else if (!e->kernel && !e->efi)
            cfg_report(cfg, e->line, CFG_ERROR, "entry '%s' has no 'kernel' or 'efi'; left out",
                       e->id);
        else if (e->kernel && e->efi)
            cfg_report(cfg, VB_MAX(st->kernel_line, st->efi_line), CFG_ERROR,
                       "entry '%s' has both 'kernel' (line %u) and 'efi' (line %u); left out",
                       e->id, st->kernel_line, st->efi_line);
        else if (e->efi && e->initrd_count)
            cfg_report(cfg, st->initrd_line, CFG_ERROR,
                       "entry '%s': 'initrd' is not allowed with 'efi'; left out", e->id);
        else if (!st->entry_store)
            cfg_report(cfg, e->line, CFG_ERROR, "more than %u entries; '%s' left out",
                       VB_CFG_ENTRIES_MAX, e->id);
        else {
            for (uint32_t i = 0; i < cfg->entry_count; i++)
                if (vb_strcmp(cfg->entries[i].id, e->id) == 0) {
                    cfg_report(cfg, e->line, CFG_ERROR,
                               "entry ID '%s' already used on line %u; left out", e->id,
                               cfg->entries[i].line);
                    goto drop;
                }
            if (!e->title)
                e->title = e->id;
            if (!e->options)
                e->options = "";
            cfg->entries[cfg->entry_count++] = *e;
            return;
        }
    }
drop:
    cfg->pool_used = st->entry_pool_mark;
}

static void cfg_start_entry(cfg_state *st, const char *v, size_t n) {
    cfg_finish_entry(st);
    st->in_entry = true;
    st->entry_bad = false;
    st->entry_store = st->cfg->entry_count < VB_CFG_ENTRIES_MAX;
    st->entry_pool_mark = st->cfg->pool_used;
    vb_memset(&st->entry, 0, sizeof(st->entry));
    st->entry.line = st->line;
    st->entry.id = "?";
    st->kernel_line = st->efi_line = st->initrd_line = st->ramdisk_line = 0;
    for (size_t i = 0; i < n; i++)
        if (vb_isspace(v[i])) {
            cfg_entry_error(st, "entry ID '%s' contains a space; left out", v);
            return;
        }
    const char *id = cfg_keep(st, v, n);
    if (id)
        st->entry.id = id;
}

/* Warns when a single-valued entry key comes again (the last one counts). */
static void cfg_once(cfg_state *st, const void *old, const char *key) {
    if (old)
        cfg_report(st->cfg, st->line, CFG_WARNING,
                   "'%s' repeated in entry '%s'; the last one counts", key, st->entry.id);
}

static void cfg_entry_key(cfg_state *st, const char *key, const char *v, size_t n) {
    cfg_entry *e = &st->entry;
    size_t p;
    if (vb_str_ieq(key, "title")) {
        cfg_once(st, e->title, "title");
        e->title = cfg_keep(st, v, n);
    } else if (vb_str_ieq(key, "disk")) {
        cfg_once(st, e->disk, "disk");
        e->disk = NULL;
        vb_guid guid;
        if (has_prefix(v, n, "partuuid=", &p)) {
            if (!vb_guid_parse(v + p, n - p, &guid)) {
                cfg_entry_error(st, "disk partuuid '%s' is not a GPT partition GUID", v + p);
                return;
            }
            e->disk_kind = CFG_DISK_PARTUUID;
        } else if (has_prefix(v, n, "partlabel=", &p)) {
            if (p == n) {
                cfg_entry_error(st, "disk partlabel= needs a name");
                return;
            }
            e->disk_kind = CFG_DISK_PARTLABEL;
        } else {
            p = 0;
            e->disk_kind = CFG_DISK_PATH;
        }
        e->disk = cfg_keep(st, v + p, n - p);
    } else if (vb_str_ieq(key, "partition")) {
        uint64_t index;
        cfg_once(st, e->partition_kind != CFG_PARTITION_AUTO ? e : NULL, "partition");
        e->partition_kind = CFG_PARTITION_AUTO;
        e->partition = NULL;
        if (has_prefix(v, n, "label=", &p)) {
            if (p == n) {
                cfg_entry_error(st, "partition label= needs a name");
                return;
            }
            e->partition = cfg_keep(st, v + p, n - p);
            e->partition_kind = CFG_PARTITION_LABEL;
        } else if (has_prefix(v, n, "uuid=", &p)) {
            if (!valid_partuuid(v + p, n - p)) {
                cfg_entry_error(st, "partition uuid '%s' is not a partition UUID", v + p);
                return;
            }
            e->partition = cfg_keep(st, v + p, n - p);
            e->partition_kind = CFG_PARTITION_UUID;
        } else if (vb_parse_u64(v, n, 10, &index) && index >= 1 && index <= UINT32_MAX) {
            e->partition_index = (uint32_t)index;
            e->partition_kind = CFG_PARTITION_INDEX;
        } else {
            cfg_entry_error(st, "partition '%s' is not an index, label=NAME or uuid=PARTUUID", v);
        }
    } else if (vb_str_ieq(key, "kernel")) {
        cfg_once(st, e->kernel, "kernel");
        e->kernel = cfg_keep(st, v, n);
        st->kernel_line = st->line;
    } else if (vb_str_ieq(key, "efi")) {
        cfg_once(st, e->efi, "efi");
        e->efi = cfg_keep(st, v, n);
        st->efi_line = st->line;
    } else if (vb_str_ieq(key, "ramdisk")) {
        cfg_once(st, st->ramdisk_line ? e : NULL, "ramdisk");
        st->ramdisk_line = st->line;
        if (vb_str_ieq(v, "yes"))
            e->ramdisk = true;
        else if (vb_str_ieq(v, "no"))
            e->ramdisk = false;
        else
            cfg_entry_error(st, "ramdisk '%s' is not yes or no", v);
    } else if (vb_str_ieq(key, "initrd")) {
        if (!st->initrd_line)
            st->initrd_line = st->line;
        if (e->initrd_count >= VB_CFG_INITRDS_MAX) {
            cfg_entry_error(st, "more than %u initrd lines in entry '%s'", VB_CFG_INITRDS_MAX,
                            e->id);
            return;
        }
        const char *s = cfg_keep(st, v, n);
        if (s)
            e->initrds[e->initrd_count++] = s;
    } else if (vb_str_ieq(key, "options")) {
        cfg_once(st, e->options, "options");
        e->options = cfg_keep(st, v, n);
    }
}

static bool is_entry_key(const char *key) {
    static const char *const keys[] = {"title",  "disk",    "partition", "kernel",
                                       "initrd", "options", "efi",       "ramdisk"};
    for (size_t i = 0; i < VB_ARRAY_SIZE(keys); i++)
        if (vb_str_ieq(key, keys[i]))
            return true;
    return false;
}

/* `images PATH`: a folder of drop-in images on the loader's volume. */
static void cfg_images_key(cfg_state *st, const char *v, size_t n) {
    cfg_config *cfg = st->cfg;
    if (cfg->images_count >= VB_CFG_IMAGES_MAX) {
        cfg_report(cfg, st->line, CFG_ERROR, "more than %u images lines; '%s' left out",
                   VB_CFG_IMAGES_MAX, v);
        return;
    }
    const char *s = cfg_store(cfg, v, n);
    if (!s) {
        cfg_report(cfg, st->line, CFG_ERROR, "configuration values exceed %u bytes in all",
                   VB_CFG_POOL_BYTES);
        return;
    }
    cfg->images[cfg->images_count++] = s;
}

static void cfg_global_key(cfg_state *st, const char *key, const char *v, size_t n) {
    cfg_config *cfg = st->cfg;
    if (st->in_entry) {
        cfg_entry_error(st, "'%s' is a global key: it must come before the first entry", key);
        return;
    }
    if (vb_str_ieq(key, "timeout")) {
        uint64_t t;
        if (!vb_parse_u64(v, n, 10, &t) || t > VB_CFG_TIMEOUT_MAX) {
            cfg_report(cfg, st->line, CFG_ERROR, "timeout '%s' is not a number of seconds 0..%u", v,
                       VB_CFG_TIMEOUT_MAX);
            return;
        }
        if (st->timeout_line)
            cfg_report(cfg, st->line, CFG_WARNING, "timeout repeated (line %u); the last counts",
                       st->timeout_line);
        cfg->timeout = (uint32_t)t;
        cfg->timeout_set = true;
        st->timeout_line = st->line;
    } else if (vb_str_ieq(key, "images")) {
        cfg_images_key(st, v, n);
    } else if (vb_str_ieq(key, "auto") || vb_str_ieq(key, "auto-ramdisk")) {
        bool ramdisk = vb_str_ieq(key, "auto-ramdisk");
        uint32_t *seen = ramdisk ? &st->auto_ramdisk_line : &st->auto_line;
        bool yes = vb_str_ieq(v, "yes");
        if (!yes && !vb_str_ieq(v, "no")) {
            cfg_report(cfg, st->line, CFG_ERROR, "%s '%s' is not yes or no", key, v);
            return;
        }
        if (*seen)
            cfg_report(cfg, st->line, CFG_WARNING, "%s repeated (line %u); the last counts", key,
                       *seen);
        *seen = st->line;
        *(ramdisk ? &cfg->auto_ramdisk : &cfg->auto_entries) = yes;
    } else {
        if (st->default_line)
            cfg_report(cfg, st->line, CFG_WARNING, "default repeated (line %u); the last counts",
                       st->default_line);
        const char *s = cfg_store(cfg, v, n);
        if (!s) {
            cfg_report(cfg, st->line, CFG_ERROR, "configuration values exceed %u bytes in all",
                       VB_CFG_POOL_BYTES);
            return;
        }
        cfg->default_id = s;
        st->default_line = st->line;
    }
}

/* One line without its '\n'. */
static void cfg_line(cfg_state *st, const char *s, size_t n) {
    cfg_config *cfg = st->cfg;
    if (n > VB_CFG_LINE_MAX) {
        cfg_entry_error(st, "line longer than %u bytes", VB_CFG_LINE_MAX);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0') {
            cfg_entry_error(st, "line contains a NUL byte");
            return;
        }
    size_t i = 0;
    while (i < n && vb_isspace(s[i]))
        i++;
    if (i == n || s[i] == '#')
        return;
    /* A '#' after a space or tab starts a comment; elsewhere it is text. */
    size_t end = i;
    while (end < n && !(s[end] == '#' && vb_isspace(s[end - 1])))
        end++;
    while (end > i && vb_isspace(s[end - 1]))
        end--;
    size_t key_start = i;
    while (i < end && !vb_isspace(s[i]))
        i++;
    size_t key_len = i - key_start;
    while (i < end && vb_isspace(s[i]))
        i++;
    const char *v = s + i;
    size_t vn = end - i;

    char key[16], value[VB_CFG_VALUE_MAX + 1];
    if (key_len >= sizeof(key)) {
        vb_memcpy(key, s + key_start, sizeof(key) - 4);
        vb_memcpy(key + sizeof(key) - 4, "...", 4);
    } else {
        vb_memcpy(key, s + key_start, key_len);
        key[key_len] = '\0';
    }
    bool global = vb_str_ieq(key, "timeout") || vb_str_ieq(key, "default") ||
                  vb_str_ieq(key, "images") || vb_str_ieq(key, "auto") ||
                  vb_str_ieq(key, "auto-ramdisk");
    bool known = global || vb_str_ieq(key, "entry") || is_entry_key(key);
    if (!known) {
        cfg_report(cfg, st->line, CFG_WARNING, "unknown key '%s' ignored", key);
        return;
    }
    if (vn > VB_CFG_VALUE_MAX) {
        cfg_entry_error(st, "value of '%s' longer than %u bytes", key, VB_CFG_VALUE_MAX);
        return;
    }
    if (vn == 0) {
        cfg_entry_error(st, "'%s' needs a value", key);
        return;
    }
    /* A NUL-terminated copy for messages and helpers. */
    vb_memcpy(value, v, vn);
    value[vn] = '\0';
    if (global)
        cfg_global_key(st, key, value, vn);
    else if (vb_str_ieq(key, "entry"))
        cfg_start_entry(st, value, vn);
    else if (!st->in_entry)
        cfg_report(cfg, st->line, CFG_ERROR, "'%s' outside an entry (add an 'entry ID' line)", key);
    else
        cfg_entry_key(st, key, value, vn);
}

bool cfg_default_matches(const char *pattern, const char *id) {
    const char *star = NULL, *resume = NULL;
    while (*id) {
        if (*pattern == '*') {
            star = pattern++;
            resume = id;
        } else if (*pattern && (*pattern == '?' || *pattern == *id)) {
            pattern++;
            id++;
        } else if (star) {
            pattern = star + 1;
            id = ++resume;
        } else {
            return false;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

int cfg_parse(cfg_config *cfg, const char *text, size_t len) {
    cfg_state st;
    vb_memset(cfg, 0, sizeof(*cfg));
    vb_memset(&st, 0, sizeof(st));
    cfg->timeout = VB_CFG_TIMEOUT_DEFAULT;
    cfg->auto_entries = true;
    cfg->auto_ramdisk = true;
    st.cfg = cfg;
    size_t pos = 0, n;
    const char *line;
    while (vb_next_line(text, len, &pos, &line, &n)) {
        st.line++;
        cfg_line(&st, line, n);
    }
    cfg_finish_entry(&st);
    if (cfg->default_id) {
        for (uint32_t i = 0; i < cfg->entry_count && !cfg->default_found; i++)
            if (cfg_default_matches(cfg->default_id, cfg->entries[i].id)) {
                cfg->default_entry = i;
                cfg->default_found = true;
            }
        if (!cfg->default_found && !cfg->auto_entries)
            cfg_report(cfg, st.default_line, CFG_ERROR, "default '%s' names no usable entry",
                       cfg->default_id);
    }
    if (cfg->entry_count == 0 && !cfg->auto_entries)
        cfg_report(cfg, 0, CFG_ERROR, "no usable boot entry");
    return 0;
}

/* vmdk_descriptor.c: the text descriptor parser (separate file or embedded
 * in a sparse extent) and the disk's string pool.
 *
 * Trusts nothing in the text: every line is bounded by the buffer length,
 * numbers are parsed with overflow checks, strings kept for later are
 * copied into the fixed-size pool. Syntax (vmdk-format.md section 2):
 * case-insensitive keys, '#' comments, LF or CRLF, quoted or unquoted
 * values, extent lines "ACCESS SECTORS TYPE ["FILE" [OFFSET [extras]]]".
 * Unknown keys and unrecognised lines are ignored, like other readers do. */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

const char *vmdk_pool_add(vmdk_disk *disk, const char *s, size_t n) {
    return vb_strpool_add(disk->strings, sizeof(disk->strings), &disk->strings_used, s, n);
}

/* A span of the descriptor text. */
typedef struct span {
    const char *s;
    size_t n;
} span;

typedef struct parser {
    vmdk_disk *disk;
    vmdk_link *link;
    const char *name;
    unsigned line;
    bool saw_create_type;
} parser;

static span trim(span t) {
    while (t.n && vb_isspace(t.s[0])) {
        t.s++;
        t.n--;
    }
    while (t.n && vb_isspace(t.s[t.n - 1]))
        t.n--;
    return t;
}

/* Next whitespace-separated token of *rest (quoted tokens keep their
 * quotes out). Returns 1 with *tok set, 0 at end of line, or -1 for an
 * unterminated quote. *quoted tells whether the token was quoted. */
static int next_token(span *rest, span *tok, bool *quoted) {
    *rest = trim(*rest);
    *quoted = false;
    if (rest->n == 0)
        return 0;
    if (rest->s[0] == '"') {
        size_t i = 1;
        while (i < rest->n && rest->s[i] != '"')
            i++;
        if (i == rest->n)
            return -1;
        tok->s = rest->s + 1;
        tok->n = i - 1;
        rest->s += i + 1;
        rest->n -= i + 1;
        *quoted = true;
        return 1;
    }
    size_t i = 0;
    while (i < rest->n && !vb_isspace(rest->s[i]))
        i++;
    tok->s = rest->s;
    tok->n = i;
    rest->s += i;
    rest->n -= i;
    return 1;
}

static int fail_line(parser *p, int err, const char *what, span tok) {
    /* Show at most 40 characters of the offending text. */
    char shown[41];
    size_t n = VB_MIN(tok.n, sizeof(shown) - 1);
    for (size_t i = 0; i < n; i++)
        shown[i] = (tok.s[i] >= 0x20 && tok.s[i] < 0x7f) ? tok.s[i] : '?';
    shown[n] = '\0';
    return vb_fail(&p->disk->diag, err, "%s: descriptor line %u: %s \"%s\"", p->name, p->line, what,
                   shown);
}

static int keep(parser *p, span t, const char **ret) {
    const char *s = vmdk_pool_add(p->disk, t.s, t.n);
    if (!s)
        return vb_fail(&p->disk->diag, VB_ELIMIT,
                       "%s: descriptor line %u: string pool full (VB_STRING_POOL_MAX %u bytes)",
                       p->name, p->line, (unsigned)VB_STRING_POOL_MAX);
    *ret = s;
    return 0;
}

static bool is_flat_type(vmdk_extent_type t) {
    return t == VMDK_EXTENT_FLAT || t == VMDK_EXTENT_VMFS || t == VMDK_EXTENT_VMFSRDM ||
           t == VMDK_EXTENT_VMFSRAW;
}

static int parse_extent(parser *p, vmdk_access access, span rest) {
    vmdk_disk *disk = p->disk;
    span tok;
    bool quoted;
    int r;
    if (disk->extent_count >= VB_EXTENTS_MAX)
        return vb_fail(&disk->diag, VB_ELIMIT,
                       "%s: descriptor line %u: more than %u extents (VB_EXTENTS_MAX)", p->name,
                       p->line, (unsigned)VB_EXTENTS_MAX);
    vmdk_extent *ext = &disk->extents[disk->extent_count];
    vb_memset(ext, 0, sizeof(*ext));
    ext->access = access;
    ext->link = (unsigned)(p->link - disk->links);
    ext->file_name = "";

    r = next_token(&rest, &tok, &quoted);
    if (r < 0)
        return fail_line(p, VB_EDESCRIPTOR, "unterminated quote in", rest);
    if (r == 0 || !vb_parse_u64(tok.s, tok.n, 10, &ext->sectors))
        return fail_line(p, VB_EDESCRIPTOR, "extent size is not a number:", tok.n ? tok : rest);

    r = next_token(&rest, &tok, &quoted);
    if (r < 0)
        return fail_line(p, VB_EDESCRIPTOR, "unterminated quote in", rest);
    if (r == 0)
        return fail_line(p, VB_EDESCRIPTOR, "extent line has no type:", rest);
    int type = vmdk_extent_type_find(tok.s, tok.n);
    if (type < 0) {
        if (vb_strn_ieq(tok.s, tok.n, "SESPARSE"))
            return fail_line(p, VB_EUNSUPPORTED, "extent type not supported:", tok);
        return fail_line(p, VB_EDESCRIPTOR, "unknown extent type", tok);
    }
    ext->type = (vmdk_extent_type)type;

    r = next_token(&rest, &tok, &quoted);
    if (r < 0)
        return fail_line(p, VB_EDESCRIPTOR, "unterminated quote in file name", rest);
    if (r == 0 || tok.n == 0) {
        if (ext->type != VMDK_EXTENT_ZERO)
            return fail_line(p, VB_EDESCRIPTOR, "extent has no file name:", (span){"", 0});
    } else {
        r = keep(p, tok, &ext->file_name);
        if (r)
            return r;
    }
    r = next_token(&rest, &tok, &quoted);
    if (r < 0)
        return fail_line(p, VB_EDESCRIPTOR, "unterminated quote in", rest);
    if (r > 0 && is_flat_type(ext->type) && !vb_parse_u64(tok.s, tok.n, 10, &ext->flat_offset))
        return fail_line(p, VB_EDESCRIPTOR, "extent offset is not a number:", tok);
    /* Further fields (and offsets of non-flat extents) are ignored, but an
     * unterminated quote anywhere on the line is still an error. */
    while ((r = next_token(&rest, &tok, &quoted)) > 0)
        ;
    if (r < 0)
        return fail_line(p, VB_EDESCRIPTOR, "unterminated quote in", rest);
    p->link->extent_count++;
    disk->extent_count++;
    return 0;
}

static int parse_u32(parser *p, span v, unsigned base, const char *key, uint32_t *ret) {
    uint64_t x;
    if (!vb_parse_u64(v.s, v.n, base, &x) || x > 0xffffffffu) {
        char what[48];
        vb_format(what, sizeof(what), "%s is not a 32-bit %s number:", key,
                  base == 16 ? "hexadecimal" : "decimal");
        return fail_line(p, VB_EDESCRIPTOR, what, v);
    }
    *ret = (uint32_t)x;
    return 0;
}

static int parse_key_value(parser *p, span key, span value_text) {
    vmdk_link *link = p->link;
    span v;
    span rest = trim(value_text);
    if (rest.n && rest.s[0] == '"') {
        bool quoted;
        if (next_token(&rest, &v, &quoted) < 0)
            return fail_line(p, VB_EDESCRIPTOR, "unterminated quote in value of", key);
    } else {
        /* Unquoted: up to a '#' comment that follows whitespace. */
        v = rest;
        for (size_t i = 1; i < v.n; i++)
            if (v.s[i] == '#' && vb_isspace(v.s[i - 1])) {
                v.n = i;
                break;
            }
        v = trim(v);
    }
    if (vb_strn_ieq(key.s, key.n, "version"))
        return parse_u32(p, v, 10, "version", &link->version);
    if (vb_strn_ieq(key.s, key.n, "CID"))
        return parse_u32(p, v, 16, "CID", &link->cid);
    if (vb_strn_ieq(key.s, key.n, "parentCID"))
        return parse_u32(p, v, 16, "parentCID", &link->parent_cid);
    if (vb_strn_ieq(key.s, key.n, "createType")) {
        p->saw_create_type = true;
        return keep(p, v, &link->create_type);
    }
    if (vb_strn_ieq(key.s, key.n, "parentFileNameHint"))
        return v.n ? keep(p, v, &link->parent_hint) : 0;
    if (vb_strn_ieq(key.s, key.n, "encoding"))
        return keep(p, v, &link->encoding);
    if (key.n > 4 && vb_strn_ieq(key.s, 4, "ddb.")) {
        if (link->ddb_count >= VB_DDB_MAX) {
            link->ddb_dropped++;
            return 0;
        }
        vmdk_ddb_entry *e = &link->ddb[link->ddb_count];
        int r = keep(p, key, &e->key);
        if (!r)
            r = keep(p, v, &e->value);
        if (!r)
            link->ddb_count++;
        return r;
    }
    return 0; /* unknown keys are ignored */
}

static int parse_line(parser *p, span line) {
    line = trim(line);
    if (line.n == 0 || line.s[0] == '#')
        return 0;
    /* An extent line starts with an access word followed by whitespace. */
    size_t w = 0;
    while (w < line.n && !vb_isspace(line.s[w]) && line.s[w] != '=')
        w++;
    int access = w < line.n && vb_isspace(line.s[w]) ? vmdk_access_find(line.s, w) : -1;
    if (access >= 0) {
        /* "RW = x" would be a key, not an extent line. */
        span after = trim((span){line.s + w, line.n - w});
        if (!(after.n && after.s[0] == '='))
            return parse_extent(p, (vmdk_access)access, after);
    }
    for (size_t i = 0; i < line.n; i++)
        if (line.s[i] == '=')
            return parse_key_value(p, trim((span){line.s, i}),
                                   (span){line.s + i + 1, line.n - i - 1});
    return 0; /* not a key, not an extent: ignored */
}

void vmdk_descriptor_reset_link(vmdk_disk *disk, unsigned link_index) {
    vmdk_link *link = &disk->links[link_index];
    link->has_descriptor = false;
    link->version = 1;
    link->cid = VMDK_CID_NONE;
    link->parent_cid = VMDK_CID_NONE;
    link->create_type = "";
    link->parent_hint = NULL;
    link->encoding = NULL;
    link->descriptor_area = 0;
    link->descriptor_text = 0;
    link->descriptor_tail = 0;
    link->ddb_count = 0;
    link->ddb_dropped = 0;
    link->first_extent = disk->extent_count;
    link->extent_count = 0;
    link->sectors = 0;
}

int vmdk_descriptor_parse(vmdk_disk *disk, unsigned link_index, const char *text, size_t len,
                          const char *name) {
    parser p = {disk, &disk->links[link_index], name, 0, false};
    vmdk_link *link = p.link;
    vmdk_descriptor_reset_link(disk, link_index);
    link->has_descriptor = true;
    if (len > VB_DESCRIPTOR_MAX)
        return vb_fail(&disk->diag, VB_ELIMIT,
                       "%s: descriptor is %zu bytes, larger than VB_DESCRIPTOR_MAX (%u)", name, len,
                       (unsigned)VB_DESCRIPTOR_MAX);
    /* The text ends at the first NUL (embedded descriptors are NUL-padded);
     * what follows is kept only as a count, for `vmdk info`. */
    link->descriptor_area = (uint32_t)len;
    size_t area = len;
    len = vb_strnlen(text, len);
    link->descriptor_text = (uint32_t)len;
    for (size_t i = len; i < area; i++)
        link->descriptor_tail += text[i] != 0;
    size_t pos = 0, n;
    const char *line;
    while (vb_next_line(text, len, &pos, &line, &n)) {
        p.line++;
        int r = parse_line(&p, (span){line, n});
        if (r)
            return r;
    }
    if (!p.saw_create_type)
        return vb_fail(&disk->diag, VB_EDESCRIPTOR, "%s: descriptor has no createType", name);
    if (link->extent_count == 0)
        return vb_fail(&disk->diag, VB_EDESCRIPTOR, "%s: descriptor has no extent lines", name);
    return 0;
}

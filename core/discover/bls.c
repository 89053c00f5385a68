/* bls.c: the BLS Type #1 entry parser and systemd-boot's entry order (see
 * bls.h). Lines are "KEY VALUE"; '#' starts a comment line; unknown keys
 * are ignored, as the specification asks. */
#include "discover/bls.h"
#include "lib/util.h"

static const char *bls_store(bls_entry *e, const char *s, size_t n) {
    return vb_strpool_add(e->pool, sizeof(e->pool), &e->pool_used, s, n);
}

int bls_parse(bls_entry *e, const char *text, size_t len, const char *arch, vb_diag *diag) {
    vb_memset(e, 0, sizeof(*e));
    if (len > VB_DISCOVER_FILE_MAX)
        return vb_fail(diag, VB_ELIMIT, "larger than %u bytes", VB_DISCOVER_FILE_MAX);
    size_t pos = 0, n;
    const char *s;
    uint32_t line = 0;
    while (vb_next_line(text, len, &pos, &s, &n)) {
        line++;
        for (size_t i = 0; i < n; i++)
            if (s[i] == '\0')
                return vb_fail(diag, VB_ECORRUPT, "line %u contains a NUL byte", line);
        size_t i = 0;
        while (i < n && vb_isspace(s[i]))
            i++;
        if (i == n || s[i] == '#')
            continue;
        size_t k = i;
        while (i < n && !vb_isspace(s[i]))
            i++;
        size_t klen = i - k;
        while (i < n && vb_isspace(s[i]))
            i++;
        size_t end = n;
        while (end > i && vb_isspace(s[end - 1]))
            end--;
        const char *v = s + i, *kept = NULL;
        size_t vn = end - i;
        const char **slot = NULL;
        if (vb_strn_ieq(s + k, klen, "title"))
            slot = &e->title;
        else if (vb_strn_ieq(s + k, klen, "version"))
            slot = &e->version;
        else if (vb_strn_ieq(s + k, klen, "sort-key"))
            slot = &e->sort_key;
        else if (vb_strn_ieq(s + k, klen, "linux"))
            slot = &e->linux_path;
        else if (vb_strn_ieq(s + k, klen, "efi"))
            slot = &e->efi;
        else if (vb_strn_ieq(s + k, klen, "architecture"))
            slot = &e->architecture;
        if (slot) {
            kept = bls_store(e, v, vn);
            *slot = kept;
        } else if (vb_strn_ieq(s + k, klen, "initrd")) {
            if (e->initrd_count >= VB_CFG_INITRDS_MAX)
                return vb_fail(diag, VB_ELIMIT, "more than %u initrd lines", VB_CFG_INITRDS_MAX);
            kept = bls_store(e, v, vn);
            e->initrds[e->initrd_count++] = kept;
        } else if (vb_strn_ieq(s + k, klen, "options")) {
            /* Joined with single spaces; the file's own size bounds them. */
            if (vn && e->options_len)
                e->options_buf[e->options_len++] = ' ';
            vb_memcpy(e->options_buf + e->options_len, v, vn);
            e->options_len += vn;
            continue;
        } else {
            continue; /* unknown keys are ignored */
        }
        if (!kept)
            return vb_fail(diag, VB_ELIMIT, "values exceed %u bytes", (unsigned)sizeof(e->pool));
    }
    e->options_buf[e->options_len] = '\0';
    e->options = e->options_buf;
    if (e->architecture && !vb_str_ieq(e->architecture, arch))
        return vb_fail(diag, VB_ENOTFOUND, "for architecture '%s', not %s", e->architecture, arch);
    if ((!e->linux_path || !e->linux_path[0]) && (!e->efi || !e->efi[0]))
        return vb_fail(diag, VB_ECORRUPT, "has neither 'linux' nor 'efi'");
    if (e->linux_path && !e->linux_path[0])
        e->linux_path = NULL;
    if (e->efi && !e->efi[0])
        e->efi = NULL;
    return 0;
}

static bool bls_version_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || vb_isdigit(c) || c == '-' ||
           c == '.' || c == '~' || c == '^';
}

static bool bls_isalpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The specification's steps, with '~' checked before the end of either
 * string as systemd and rpm do ("1~rc1" is older than "1"): skip other
 * characters; '~' older; an ended string older; '-' older; '^' newer; '.'
 * older; numbers numerically; letters letter by letter (upper before
 * lower). */
int bls_version_compare(const char *a, const char *b) {
    if (!a)
        a = "";
    if (!b)
        b = "";
    for (;;) {
        while (*a && !bls_version_char(*a))
            a++;
        while (*b && !bls_version_char(*b))
            b++;
        if (*a == '~' || *b == '~') {
            if (*a != '~')
                return 1;
            if (*b != '~')
                return -1;
            a++;
            b++;
            continue;
        }
        if (!*a || !*b)
            return (*a != 0) - (*b != 0);
        static const char marks[] = {'-', '^', '.'};
        static const int with_mark[] = {-1, 1, -1};
        bool decided = false;
        for (size_t m = 0; m < sizeof(marks); m++) {
            if (*a == marks[m] || *b == marks[m]) {
                if (*a != marks[m])
                    return -with_mark[m];
                if (*b != marks[m])
                    return with_mark[m];
                a++;
                b++;
                decided = true;
                break;
            }
        }
        if (decided)
            continue;
        if (vb_isdigit(*a) || vb_isdigit(*b)) {
            while (*a == '0')
                a++;
            while (*b == '0')
                b++;
            const char *ea = a, *eb = b;
            while (vb_isdigit(*ea))
                ea++;
            while (vb_isdigit(*eb))
                eb++;
            /* Without leading zeros the longer run is the larger number. */
            if (ea - a != eb - b)
                return ea - a > eb - b ? 1 : -1;
            for (; a < ea; a++, b++)
                if (*a != *b)
                    return *a > *b ? 1 : -1;
            b = eb;
            continue;
        }
        while (bls_isalpha(*a) && bls_isalpha(*b)) {
            if (*a != *b)
                return *a > *b ? 1 : -1; /* ASCII: 'A' < 'a' */
            a++;
            b++;
        }
        if (bls_isalpha(*a) != bls_isalpha(*b))
            return bls_isalpha(*a) ? 1 : -1;
    }
}

int bls_order(const char *a_sort_key, const char *a_version, const char *a_name,
              const char *b_sort_key, const char *b_version, const char *b_name) {
    if (!a_sort_key != !b_sort_key)
        return a_sort_key ? -1 : 1;
    if (a_sort_key) {
        int r = vb_strcmp(a_sort_key, b_sort_key);
        if (r)
            return r;
        r = bls_version_compare(a_version, b_version);
        if (r)
            return -r;
    }
    return -bls_version_compare(a_name, b_name);
}

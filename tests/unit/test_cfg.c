/* Unit tests of core/cfg/cfg.c: the example from the issue that introduced the
 * configuration, then one case per rule: each lists the entries it must
 * keep and the exact messages (line, severity, text) it must produce. */
#include "cfg/cfg.h"
#include "test.h"
#include "lib/util.h"

static cfg_config cfg;

static void parse(const char *text) {
    CHECK_ERR(cfg_parse(&cfg, text, strlen(text)), 0);
}

/* Prints the messages (to explain a failure). */
static void dump_messages(void) {
    for (uint32_t i = 0; i < cfg.message_count; i++)
        fprintf(stderr, "  line %u: %s: %s\n", cfg.messages[i].line,
                cfg_severity_name(cfg.messages[i].severity), cfg.messages[i].text);
}

TEST(test_cfg_issue_example) {
    /* Verbatim from the issue ("vmdkboot.efi: boot a kernel out of a VMDK"). */
    static const char example[] =
        "timeout 3                  # seconds the menu waits; 0 = boot the default at once, no "
        "menu\n"
        "default rescue             # entry ID to boot by default (else the first)\n"
        "\n"
        "entry rescue\n"
        "    title     Rescue system\n"
        "    disk      \\images\\rescue.vmdk   # VMDK path on the loader's volume; or "
        "partuuid=UUID / partlabel=NAME for a raw partition holding a VMDK\n"
        "    partition 1                     # optional: 1-based index, label=NAME or "
        "uuid=PARTUUID; default: the first partition whose filesystem holds `kernel`\n"
        "    kernel    /boot/vmlinuz         # path inside that partition\n"
        "    initrd    /boot/initrd.img      # optional; may repeat: concatenated in order\n"
        "    options   console=ttyS0 quiet   # kernel command line\n";
    parse(example);
    CHECK_U64(cfg.message_count, 0);
    CHECK_U64(cfg.error_count, 0);
    CHECK_U64(cfg.warning_count, 0);
    CHECK_U64(cfg.timeout, 3);
    CHECK(cfg.timeout_set);
    CHECK_STR(cfg.default_id, "rescue");
    CHECK_U64(cfg.default_entry, 0);
    CHECK_U64(cfg.entry_count, 1);
    const cfg_entry *e = &cfg.entries[0];
    CHECK_STR(e->id, "rescue");
    CHECK_STR(e->title, "Rescue system");
    CHECK_U64(e->disk_kind, CFG_DISK_PATH);
    CHECK_STR(e->disk, "\\images\\rescue.vmdk");
    CHECK_U64(e->partition_kind, CFG_PARTITION_INDEX);
    CHECK_U64(e->partition_index, 1);
    CHECK(e->partition == NULL);
    CHECK_STR(e->kernel, "/boot/vmlinuz");
    CHECK_U64(e->initrd_count, 1);
    CHECK_STR(e->initrds[0], "/boot/initrd.img");
    CHECK_STR(e->options, "console=ttyS0 quiet");
    CHECK_U64(e->line, 4);
    dump_messages();
}

TEST(test_cfg_values) {
    parse("# leading comment\r\n"
          "\t timeout\t0\r\n"
          "entry a\r\n"
          "disk partuuid=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\r\n"
          "partition label=root fs\r\n"
          "kernel vmlinuz#1\r\n"
          "initrd /one\r\n"
          "initrd /two # second\r\n"
          "initrd /three\r\n"
          "options a=b#c d\t#comment\r\n"
          "entry b\n"
          "  DISK   partlabel=My Disk  \n"
          "  Partition uuid=12345678-0a\n"
          "  KERNEL /k\n"
          "entry c\n"
          "  disk d.vmdk\n"
          "  partition uuid=aaaaaaaa-bbbb-cccc-dddd-000000000001\n"
          "  kernel /k\n"
          "  options  x  # c ");
    dump_messages();
    CHECK_U64(cfg.message_count, 0);
    CHECK_U64(cfg.timeout, 0);
    CHECK(cfg.default_id == NULL);
    CHECK_U64(cfg.default_entry, 0);
    CHECK_U64(cfg.entry_count, 3);
    if (cfg.entry_count != 3)
        return;
    const cfg_entry *a = &cfg.entries[0], *b = &cfg.entries[1], *c = &cfg.entries[2];
    CHECK_STR(a->title, "a");
    CHECK_U64(a->disk_kind, CFG_DISK_PARTUUID);
    CHECK_STR(a->disk, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    CHECK_U64(a->partition_kind, CFG_PARTITION_LABEL);
    CHECK_STR(a->partition, "root fs");
    CHECK_STR(a->kernel, "vmlinuz#1");
    CHECK_U64(a->initrd_count, 3);
    CHECK_STR(a->initrds[0], "/one");
    CHECK_STR(a->initrds[1], "/two");
    CHECK_STR(a->initrds[2], "/three");
    CHECK_STR(a->options, "a=b#c d");
    CHECK_U64(b->disk_kind, CFG_DISK_PARTLABEL);
    CHECK_STR(b->disk, "My Disk");
    CHECK_U64(b->partition_kind, CFG_PARTITION_UUID);
    CHECK_STR(b->partition, "12345678-0a");
    CHECK_STR(b->options, "");
    CHECK_U64(b->initrd_count, 0);
    CHECK_U64(c->partition_kind, CFG_PARTITION_UUID);
    CHECK_STR(c->options, "x");
    CHECK_U64(c->line, 15);
}

TEST(test_cfg_efi_ramdisk) {
    parse("entry chain\n"
          "  disk d.vmdk\n"
          "  EFI \\EFI\\BOOT\\BOOTX64.EFI\n"
          "  options  --flag x  # load options\n"
          "  ramdisk YES\n"
          "entry k\n"
          "  disk d.vmdk\n"
          "  kernel /k\n"
          "  ramdisk yes\n"
          "entry plain\n"
          "  disk d.vmdk\n"
          "  efi /e.efi\n"
          "  ramdisk no\n"
          "entry dflt\n"
          "  disk d.vmdk\n"
          "  efi /e.efi\n");
    dump_messages();
    CHECK_U64(cfg.message_count, 0);
    CHECK_U64(cfg.entry_count, 4);
    if (cfg.entry_count != 4)
        return;
    const cfg_entry *a = &cfg.entries[0], *b = &cfg.entries[1], *c = &cfg.entries[2],
                    *d = &cfg.entries[3];
    CHECK_STR(a->efi, "\\EFI\\BOOT\\BOOTX64.EFI");
    CHECK(a->kernel == NULL);
    CHECK_STR(a->options, "--flag x");
    CHECK(a->ramdisk);
    CHECK_U64(a->initrd_count, 0);
    CHECK(b->efi == NULL);
    CHECK_STR(b->kernel, "/k");
    CHECK(b->ramdisk);
    CHECK_STR(c->efi, "/e.efi");
    CHECK(!c->ramdisk);
    CHECK(!d->ramdisk);
    CHECK_STR(d->options, "");
}

/* One expected message: line, severity and a piece of its text. */
typedef struct want_msg {
    uint32_t line;
    cfg_severity severity;
    const char *text;
} want_msg;

TEST(test_cfg_diagnostics) {
    static const struct {
        const char *what, *text;
        const char *entries; /* IDs kept, space-separated */
        uint32_t default_entry;
        want_msg msgs[4];
    } cases[] = {
        {"unknown keys warn",
         "timeout 1\nfoo bar\nentry a\n disk d\n kernel k\n color red\n",
         "a",
         0,
         {{2, CFG_WARNING, "unknown key 'foo'"}, {6, CFG_WARNING, "unknown key 'color'"}}},
        {"no disk",
         "entry a\nkernel k\nentry b\ndisk d\nkernel k\n",
         "b",
         0,
         {{1, CFG_ERROR, "entry 'a' has no 'disk'; left out"}}},
        {"no kernel",
         "entry a\ndisk d\n",
         "",
         0,
         {{1, CFG_ERROR, "entry 'a' has no 'kernel' or 'efi'; left out"}}},
        {"kernel and efi",
         "entry a\ndisk d\nkernel k\nefi /e.efi\nentry b\ndisk d\nefi /x\nkernel k\n",
         "",
         0,
         {{4, CFG_ERROR, "entry 'a' has both 'kernel' (line 3) and 'efi' (line 4); left out"},
          {8, CFG_ERROR, "entry 'b' has both 'kernel' (line 8) and 'efi' (line 7); left out"}}},
        {"initrd with efi",
         "entry a\ndisk d\ninitrd /i1\nefi /e.efi\ninitrd /i2\nentry b\ndisk d\nefi /e\n",
         "b",
         0,
         {{3, CFG_ERROR, "entry 'a': 'initrd' is not allowed with 'efi'; left out"}}},
        {"ramdisk not yes or no",
         "entry a\ndisk d\nefi /e\nramdisk maybe\nentry b\ndisk d\nkernel k\nramdisk 1\n",
         "",
         0,
         {{4, CFG_ERROR, "ramdisk 'maybe' is not yes or no"},
          {8, CFG_ERROR, "ramdisk '1' is not yes or no"}}},
        {"ramdisk needs a value",
         "entry a\ndisk d\nefi /e\nramdisk\n",
         "",
         0,
         {{4, CFG_ERROR, "'ramdisk' needs a value"}}},
        {"repeated efi and ramdisk",
         "entry a\ndisk d\nefi /e\nramdisk yes\nefi /f\nramdisk no\n",
         "a",
         0,
         {{5, CFG_WARNING, "'efi' repeated in entry 'a'; the last one counts"},
          {6, CFG_WARNING, "'ramdisk' repeated in entry 'a'; the last one counts"}}},
        {"efi outside an entry",
         "efi /e\nramdisk yes\nentry a\ndisk d\nefi /e\n",
         "a",
         0,
         {{1, CFG_ERROR, "'efi' outside an entry (add an 'entry ID' line)"},
          {2, CFG_ERROR, "'ramdisk' outside an entry (add an 'entry ID' line)"}}},
        {"duplicate ID",
         "entry a\ndisk d\nkernel k\nentry a\ndisk e\nkernel k\n",
         "a",
         0,
         {{4, CFG_ERROR, "entry ID 'a' already used on line 1"}}},
        {"default names no entry", "default zz\nentry a\ndisk d\nkernel k\n", "a", 0, {}},
        {"default names a dropped entry",
         "default b\nentry a\ndisk d\nkernel k\nentry b\ndisk d\n",
         "a",
         0,
         {{5, CFG_ERROR, "entry 'b' has no 'kernel' or 'efi'"}}},
        {"default picks the second",
         "default b\nentry a\ndisk d\nkernel k\nentry b\ndisk d\n"
         "kernel k\n",
         "a b",
         1,
         {{0}}},
        {"bad timeout",
         "timeout soon\nentry a\ndisk d\nkernel k\n",
         "a",
         0,
         {{1, CFG_ERROR, "timeout 'soon' is not a number"}}},
        {"negative timeout",
         "timeout -1\nentry a\ndisk d\nkernel k\n",
         "a",
         0,
         {{1, CFG_ERROR, "timeout '-1'"}}},
        {"timeout too big",
         "timeout 3601\nentry a\ndisk d\nkernel k\n",
         "a",
         0,
         {{1, CFG_ERROR, "0..3600"}}},
        {"repeated timeout",
         "timeout 1\ntimeout 2\nentry a\ndisk d\nkernel k\n",
         "a",
         0,
         {{2, CFG_WARNING, "timeout repeated (line 1)"}}},
        {"global key after an entry",
         "entry a\ndisk d\ntimeout 4\nkernel k\nentry b\ndisk d\n"
         "kernel k\n",
         "b",
         0,
         {{3, CFG_ERROR, "'timeout' is a global key"}}},
        {"entry key outside an entry",
         "kernel k\nentry a\ndisk d\nkernel k\n",
         "a",
         0,
         {{1, CFG_ERROR, "'kernel' outside an entry"}}},
        {"key without value",
         "entry a\ndisk d\nkernel\nkernel k\n",
         "",
         0,
         {{3, CFG_ERROR, "'kernel' needs a value"}}},
        {"comment-only value",
         "entry a\ndisk d\nkernel k\ntitle # nothing\n",
         "",
         0,
         {{4, CFG_ERROR, "'title' needs a value"}}},
        {"ID with a space",
         "entry a b\ndisk d\nkernel k\n",
         "",
         0,
         {{1, CFG_ERROR, "entry ID 'a b' contains a space"}}},
        {"bad partuuid",
         "entry a\ndisk partuuid=1234\nkernel k\n",
         "",
         0,
         {{2, CFG_ERROR, "disk partuuid '1234' is not a GPT partition GUID"}}},
        {"MBR-style disk partuuid",
         "entry a\ndisk partuuid=12345678-01\nkernel k\n",
         "",
         0,
         {{2, CFG_ERROR, "'12345678-01' is not a GPT partition GUID"}}},
        {"empty partlabel",
         "entry a\ndisk partlabel=\nkernel k\n",
         "",
         0,
         {{2, CFG_ERROR, "partlabel= needs a name"}}},
        {"partition 0",
         "entry a\ndisk d\npartition 0\nkernel k\n",
         "",
         0,
         {{3, CFG_ERROR, "partition '0' is not an index"}}},
        {"partition word",
         "entry a\ndisk d\npartition root\nkernel k\n",
         "",
         0,
         {{3, CFG_ERROR, "partition 'root'"}}},
        {"partition huge",
         "entry a\ndisk d\npartition 4294967296\nkernel k\n",
         "",
         0,
         {{3, CFG_ERROR, "is not an index"}}},
        {"partition bad uuid",
         "entry a\ndisk d\npartition uuid=xyz\nkernel k\n",
         "",
         0,
         {{3, CFG_ERROR, "partition uuid 'xyz'"}}},
        {"partition empty label",
         "entry a\ndisk d\npartition label=\nkernel k\n",
         "",
         0,
         {{3, CFG_ERROR, "label= needs a name"}}},
        {"repeated kernel",
         "entry a\ndisk d\nkernel k\nkernel k2\n",
         "a",
         0,
         {{4, CFG_WARNING, "'kernel' repeated in entry 'a'"}}},
        {"NUL byte", "entry a\ndisk d\nkernel k\n", "a", 0, {{0}}}, /* replaced below */
        {"control characters in messages",
         "entry a\ndisk d\nkernel k\n\x1b[2Jx y\n",
         "a",
         0,
         {{4, CFG_WARNING, "unknown key '?[2Jx'"}}},
        {"long unknown key",
         "entry a\ndisk d\nkernel k\nabcdefghijklmnopq 1\n",
         "a",
         0,
         {{4, CFG_WARNING, "unknown key 'abcdefghijkl...'"}}},
        {"empty file", "", "", 0, {}},
        {"auto no: empty file", "auto no\n", "", 0, {{0, CFG_ERROR, "no usable boot entry"}}},
        {"auto no: default names no entry",
         "auto no\ndefault zz\nentry a\ndisk d\nkernel k\n",
         "a",
         0,
         {{2, CFG_ERROR, "default 'zz' names no usable entry"}}},
        {"default glob picks the first match",
         "default *-b?\nentry a\ndisk d\nkernel k\nentry x-b1\ndisk d\nkernel k\n"
         "entry y-b2\ndisk d\nkernel k\n",
         "a x-b1 y-b2",
         1,
         {{0}}},
        {"bad auto values",
         "auto maybe\nauto-ramdisk 1\nauto no\nauto yes\n",
         "",
         0,
         {{1, CFG_ERROR, "auto 'maybe' is not yes or no"},
          {2, CFG_ERROR, "auto-ramdisk '1' is not yes or no"},
          {4, CFG_WARNING, "auto repeated (line 3); the last counts"}}},
        {"images after an entry",
         "entry a\ndisk d\nkernel k\nimages \\more\n",
         "",
         0,
         {{4, CFG_ERROR, "'images' is a global key"}}},
        {"comments only", "# a\n   # b\n\n\t\n", "", 0, {}},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        test_current = cases[i].what;
        if (strcmp(cases[i].what, "NUL byte") == 0) {
            static const char nul[] = "entry a\ndisk d\nkernel k\noptions x\0y\nentry b\ndisk d\n"
                                      "kernel k\n";
            CHECK_ERR(cfg_parse(&cfg, nul, sizeof(nul) - 1), 0);
            CHECK_U64(cfg.entry_count, 1);
            CHECK_STR(cfg.entries[0].id, "b");
            CHECK_U64(cfg.message_count, 1);
            CHECK_U64(cfg.messages[0].line, 4);
            CHECK(strstr(cfg.messages[0].text, "NUL") != NULL);
            continue;
        }
        parse(cases[i].text);
        char ids[200] = "";
        for (uint32_t k = 0; k < cfg.entry_count; k++)
            snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%s", k ? " " : "",
                     cfg.entries[k].id);
        CHECK_STR(ids, cases[i].entries);
        CHECK_U64(cfg.default_entry, cases[i].default_entry);
        uint32_t n = 0, errors = 0, warnings = 0;
        for (; n < 4 && cases[i].msgs[n].text; n++) {
            errors += cases[i].msgs[n].severity == CFG_ERROR;
            warnings += cases[i].msgs[n].severity == CFG_WARNING;
        }
        CHECK_U64(cfg.message_count, n);
        CHECK_U64(cfg.error_count, errors);
        CHECK_U64(cfg.warning_count, warnings);
        for (uint32_t k = 0; k < n && k < cfg.message_count; k++) {
            CHECK_U64(cfg.messages[k].line, cases[i].msgs[k].line);
            CHECK_U64(cfg.messages[k].severity, cases[i].msgs[k].severity);
            CHECK(strstr(cfg.messages[k].text, cases[i].msgs[k].text) != NULL);
        }
        if (cfg.message_count != n)
            dump_messages();
    }
    test_current = "test_cfg_diagnostics";
}

TEST(test_cfg_dropin_keys) {
    parse("timeout 2\n");
    CHECK(cfg.auto_entries);
    CHECK(cfg.auto_ramdisk);
    CHECK_U64(cfg.images_count, 0);
    CHECK_U64(cfg.error_count, 0);
    CHECK(!cfg.default_found);
    parse("images \\images\nimages \\more images\nauto no\nauto-ramdisk no\n"
          "default rescue.vmdk/*\nimages /a\nimages /b\nimages /c\n");
    CHECK_U64(cfg.images_count, VB_CFG_IMAGES_MAX);
    CHECK_STR(cfg.images[0], "\\images");
    CHECK_STR(cfg.images[1], "\\more images");
    CHECK_STR(cfg.images[3], "/b");
    CHECK(!cfg.auto_entries);
    CHECK(!cfg.auto_ramdisk);
    CHECK_STR(cfg.default_id, "rescue.vmdk/*");
    CHECK_U64(cfg.message_count, 3);
    CHECK_U64(cfg.messages[0].line, 8);
    CHECK_STR(cfg.messages[0].text, "more than 4 images lines; '/c' left out");
    CHECK_STR(cfg.messages[1].text, "default 'rescue.vmdk/*' names no usable entry");
    CHECK_STR(cfg.messages[2].text, "no usable boot entry");
    /* The glob: '*' any run ('/' included), '?' one character. */
    CHECK(cfg_default_matches("rescue.vmdk/*", "rescue.vmdk/debian"));
    CHECK(cfg_default_matches("*", ""));
    CHECK(cfg_default_matches("*/uki/*", "a.vmdk/uki/x.efi"));
    CHECK(cfg_default_matches("a?c", "abc"));
    CHECK(!cfg_default_matches("a?c", "ac"));
    CHECK(!cfg_default_matches("rescue.vmdk/*", "other.vmdk/debian"));
    CHECK(cfg_default_matches("*.vmdk/e*i", "x.vmdk/efi"));
    CHECK(!cfg_default_matches("abc", "abcd"));
    CHECK(cfg_default_matches("a**b*", "aXbYb"));
}

TEST(test_cfg_limits) {
    static char text[1 << 20];
    size_t len = 0;
#define ADD(...) (len += (size_t)snprintf(text + len, sizeof(text) - len, __VA_ARGS__))

    /* One entry more than VB_CFG_ENTRIES_MAX. */
    for (int i = 0; i <= VB_CFG_ENTRIES_MAX; i++)
        ADD("entry e%d\ndisk d\nkernel k\n", i);
    parse(text);
    CHECK_U64(cfg.entry_count, VB_CFG_ENTRIES_MAX);
    CHECK_U64(cfg.error_count, 1);
    CHECK_U64(cfg.messages[0].line, 3 * VB_CFG_ENTRIES_MAX + 1);
    CHECK(strstr(cfg.messages[0].text, "more than") != NULL);

    /* One initrd more than VB_CFG_INITRDS_MAX drops the entry. */
    len = 0;
    ADD("entry a\ndisk d\nkernel k\n");
    for (int i = 0; i < VB_CFG_INITRDS_MAX; i++)
        ADD("initrd /i%d\n", i);
    parse(text);
    CHECK_U64(cfg.entry_count, 1);
    CHECK_U64(cfg.entries[0].initrd_count, VB_CFG_INITRDS_MAX);
    CHECK_STR(cfg.entries[0].initrds[VB_CFG_INITRDS_MAX - 1], "/i7");
    ADD("initrd /one-too-many\n");
    parse(text);
    CHECK_U64(cfg.entry_count, 0);
    CHECK_U64(cfg.messages[0].line, 3 + VB_CFG_INITRDS_MAX + 1);

    /* The longest value, then one byte more; the longest line, then more. */
    len = 0;
    ADD("entry a\ndisk d\nkernel k\noptions ");
    memset(text + len, 'x', VB_CFG_VALUE_MAX);
    len += VB_CFG_VALUE_MAX;
    text[len] = '\0';
    parse(text);
    CHECK_U64(cfg.entry_count, 1);
    CHECK_U64(strlen(cfg.entries[0].options), VB_CFG_VALUE_MAX);
    ADD("y");
    parse(text);
    CHECK_U64(cfg.entry_count, 0);
    CHECK(strstr(cfg.messages[0].text, "longer than 2048") != NULL);
    len = 0;
    ADD("entry a\ndisk d\nkernel k\n#");
    memset(text + len, 'c', VB_CFG_LINE_MAX - 1);
    len += VB_CFG_LINE_MAX - 1;
    text[len] = '\0';
    parse(text);
    CHECK_U64(cfg.entry_count, 1);
    CHECK_U64(cfg.message_count, 0);
    ADD("c");
    parse(text);
    CHECK_U64(cfg.entry_count, 0);
    CHECK_U64(cfg.messages[0].line, 4);
    CHECK(strstr(cfg.messages[0].text, "line longer than 4096") != NULL);

    /* The value pool runs out: the entry that does not fit is left out and
     * its space given back; earlier entries stay. */
    len = 0;
    int entries = 0;
    while (len < VB_CFG_POOL_BYTES + 4096) {
        ADD("entry e%d\ndisk d\nkernel k\noptions ", entries++);
        memset(text + len, 'o', 2000);
        len += 2000;
        ADD("\n");
    }
    parse(text);
    CHECK(cfg.entry_count > 0 && cfg.entry_count < (uint32_t)entries);
    CHECK(cfg.pool_used <= VB_CFG_POOL_BYTES);
    CHECK(cfg.error_count >= 1);
    CHECK(strstr(cfg.messages[0].text, "exceed") != NULL);

    /* More messages than VB_CFG_MESSAGES_MAX: the rest are counted. */
    len = 0;
    for (int i = 0; i < VB_CFG_MESSAGES_MAX + 5; i++)
        ADD("bogus%d 1\n", i);
    ADD("entry a\ndisk d\nkernel k\n");
    parse(text);
    CHECK_U64(cfg.message_count, VB_CFG_MESSAGES_MAX);
    CHECK_U64(cfg.messages_dropped, 5);
    CHECK_U64(cfg.warning_count, VB_CFG_MESSAGES_MAX + 5);
    CHECK_U64(cfg.entry_count, 1);

    /* Defaults when nothing is set. */
    parse("entry a\ndisk d\nkernel k");
    CHECK_U64(cfg.timeout, VB_CFG_TIMEOUT_DEFAULT);
    CHECK(!cfg.timeout_set);
    CHECK_STR(cfg_severity_name(CFG_ERROR), "error");
    CHECK_STR(cfg_severity_name(CFG_WARNING), "warning");
#undef ADD
}

TEST_MAIN(TEST_ENTRY(test_cfg_issue_example), TEST_ENTRY(test_cfg_values),
          TEST_ENTRY(test_cfg_efi_ramdisk), TEST_ENTRY(test_cfg_dropin_keys),
          TEST_ENTRY(test_cfg_diagnostics), TEST_ENTRY(test_cfg_limits))

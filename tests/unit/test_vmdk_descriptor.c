/* Unit tests of the descriptor parser (core/vmdk/vmdk_descriptor.c). */
#include "test.h"
#include "lib/util.h"
#include "vmdk/vmdk_internal.h"

static vmdk_disk disk;

static int parse(const char *text) {
    disk.extent_count = 0;
    disk.strings_used = 0;
    vb_diag_clear(&disk.diag);
    return vmdk_descriptor_parse(&disk, 0, text, strlen(text), "d.vmdk");
}

static const char *const twogb = "# Disk DescriptorFile\n"
                                 "version=1\n"
                                 "CID=fffffffe\n"
                                 "parentCID=ffffffff\n"
                                 "createType=\"twoGbMaxExtentSparse\"\n"
                                 "\n"
                                 "# Extent description\n"
                                 "RW 4192256 SPARSE \"test-s001.vmdk\"\n"
                                 "RW 4192256 SPARSE \"test-s002.vmdk\"\n"
                                 "RW 2101248 SPARSE \"test-s003.vmdk\"\n"
                                 "\n"
                                 "# The Disk Data Base\n"
                                 "#DDB\n"
                                 "ddb.adapterType = \"ide\"\n"
                                 "ddb.geometry.cylinders = \"10402\"\n";

/* The header keys of a parsed link; NULL: the key must be absent. */
static void check_header(const vmdk_link *l, uint32_t version, uint32_t cid, uint32_t parent_cid,
                         const char *parent_hint, const char *encoding) {
    CHECK_U64(l->version, version);
    CHECK_U64(l->cid, cid);
    CHECK_U64(l->parent_cid, parent_cid);
    if (parent_hint)
        CHECK_STR(l->parent_hint ? l->parent_hint : "(none)", parent_hint);
    else
        CHECK(l->parent_hint == NULL);
    if (encoding)
        CHECK_STR(l->encoding ? l->encoding : "(none)", encoding);
    else
        CHECK(l->encoding == NULL);
}

TEST(test_typical) {
    CHECK_ERR(parse(twogb), 0);
    vmdk_link *l = &disk.links[0];
    check_header(l, 1, 0xfffffffe, 0xffffffff, NULL, NULL);
    CHECK_STR(l->create_type, "twoGbMaxExtentSparse");
    CHECK_U64(l->extent_count, 3);
    CHECK_U64(disk.extent_count, 3);
    CHECK_STR(disk.extents[1].file_name, "test-s002.vmdk");
    CHECK_U64(disk.extents[2].sectors, 2101248);
    CHECK(disk.extents[0].type == VMDK_EXTENT_SPARSE);
    CHECK(disk.extents[0].access == VMDK_ACCESS_RW);
    CHECK_U64(l->ddb_count, 2);
    CHECK_STR(l->ddb[0].key, "ddb.adapterType");
    CHECK_STR(l->ddb[0].value, "ide");
    CHECK_STR(l->ddb[1].key, "ddb.geometry.cylinders");
    CHECK_STR(l->ddb[1].value, "10402");
}

/* Variants that must parse, with the extent they produce. */
TEST(test_variants) {
    static const struct {
        const char *text;
        vmdk_access access;
        vmdk_extent_type type;
        uint64_t sectors, offset;
        const char *file, *create_type;
    } cases[] = {
        {"createType=\"monolithicFlat\"\r\nRW 100 FLAT \"a-flat.vmdk\" 0\r\n", VMDK_ACCESS_RW,
         VMDK_EXTENT_FLAT, 100, 0, "a-flat.vmdk", "monolithicFlat"},
        {"CREATETYPE = custom\nrdonly 8 flat \"x y.img\" 2048\n", VMDK_ACCESS_RDONLY,
         VMDK_EXTENT_FLAT, 8, 2048, "x y.img", "custom"},
        {"createType=vmfs # comment\nNOACCESS 16 VMFS \"v.vmdk\"\n", VMDK_ACCESS_NOACCESS,
         VMDK_EXTENT_VMFS, 16, 0, "v.vmdk", "vmfs"},
        {"createType=\"custom\"\nRW 64 ZERO\n", VMDK_ACCESS_RW, VMDK_EXTENT_ZERO, 64, 0, "",
         "custom"},
        {"createType=\"custom\"\nRW 64 ZERO \"\"\n", VMDK_ACCESS_RW, VMDK_EXTENT_ZERO, 64, 0, "",
         "custom"},
        {"createType=\"vmfsSparse\"\nRW 32 VMFSSPARSE \"d-delta.vmdk\"\n", VMDK_ACCESS_RW,
         VMDK_EXTENT_VMFSSPARSE, 32, 0, "d-delta.vmdk", "vmfsSparse"},
        {"createType=\"vmfsRaw\"\nRW 32 VMFSRAW \"/dev/sda\" 0 extra \"fields\"\n", VMDK_ACCESS_RW,
         VMDK_EXTENT_VMFSRAW, 32, 0, "/dev/sda", "vmfsRaw"},
        {"createType=\"vmfsRDM\"\n\tRW  32\tVMFSRDM  \"rdm.vmdk\"   7  \n", VMDK_ACCESS_RW,
         VMDK_EXTENT_VMFSRDM, 32, 7, "rdm.vmdk", "vmfsRDM"},
        {"createType=\"2GbMaxExtentFlat\"\nRW 10 FLAT unquoted.vmdk 3\n", VMDK_ACCESS_RW,
         VMDK_EXTENT_FLAT, 10, 3, "unquoted.vmdk", "2GbMaxExtentFlat"},
        {"createType=\"x\"\nRW 10 SPARSE \"s.vmdk\" notanumber\n", VMDK_ACCESS_RW,
         VMDK_EXTENT_SPARSE, 10, 0, "s.vmdk", "x"},
        {"   # leading comment\ncreateType=\"a#b\"\nRW 1 FLAT \"f\"", VMDK_ACCESS_RW,
         VMDK_EXTENT_FLAT, 1, 0, "f", "a#b"},
        {"createType=\"x\"\nunknown line here\nfoo=bar\nRW 1 FLAT \"f\"\n\0RW 2 FLAT \"g\"\n",
         VMDK_ACCESS_RW, VMDK_EXTENT_FLAT, 1, 0, "f", "x"},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        int r = parse(cases[i].text);
        CHECK_ERR(r, 0);
        if (r) {
            fprintf(stderr, "  case %zu: %s\n", i, disk.diag.text);
            continue;
        }
        CHECK_U64(disk.extent_count, 1);
        vmdk_extent *e = &disk.extents[0];
        CHECK(e->access == cases[i].access);
        CHECK(e->type == cases[i].type);
        CHECK_U64(e->sectors, cases[i].sectors);
        CHECK_U64(e->flat_offset, cases[i].offset);
        CHECK_STR(e->file_name, cases[i].file);
        CHECK_STR(disk.links[0].create_type, cases[i].create_type);
    }
}

TEST(test_header_keys) {
    const char *text = "Version=3\ncid=0x1234ABCD\nParentCID = 89abcdef\n"
                       "parentFileNameHint=\"../base/parent.vmdk\"\nencoding=\"UTF-8\"\n"
                       "createType=\"monolithicSparse\"\nRW 1 SPARSE \"s\"\n";
    CHECK_ERR(parse(text), 0);
    check_header(&disk.links[0], 3, 0x1234abcd, 0x89abcdef, "../base/parent.vmdk", "UTF-8");
}

/* Texts that must fail, with their code and detail. */
TEST(test_errors) {
    static const struct {
        const char *text;
        int err;
        const char *detail;
    } cases[] = {
        {"RW 1 FLAT \"f\"\n", VB_EDESCRIPTOR, "d.vmdk: descriptor has no createType"},
        {"createType=\"x\"\n", VB_EDESCRIPTOR, "d.vmdk: descriptor has no extent lines"},
        {"createType=\"x\"\nRW 1 FLAT \"f\n", VB_EDESCRIPTOR,
         "d.vmdk: descriptor line 2: unterminated quote in file name \"\"f\""},
        {"createType=\"x\nRW 1 FLAT \"f\"\n", VB_EDESCRIPTOR,
         "d.vmdk: descriptor line 1: unterminated quote in value of \"createType\""},
        {"createType=\"x\"\n\nRW 12x FLAT \"f\"\n", VB_EDESCRIPTOR,
         "d.vmdk: descriptor line 3: extent size is not a number: \"12x\""},
        {"createType=\"x\"\nRW 1 FLOP \"f\"\n", VB_EDESCRIPTOR,
         "d.vmdk: descriptor line 2: unknown extent type \"FLOP\""},
        {"createType=\"x\"\nRW 1 SESPARSE \"f\"\n", VB_EUNSUPPORTED,
         "d.vmdk: descriptor line 2: extent type not supported: \"SESPARSE\""},
        {"createType=\"x\"\nRW 1 FLAT\n", VB_EDESCRIPTOR,
         "d.vmdk: descriptor line 2: extent has no file name: \"\""},
        {"createType=\"x\"\nRW 1 FLAT \"\"\n", VB_EDESCRIPTOR,
         "d.vmdk: descriptor line 2: extent has no file name: \"\""},
        {"createType=\"x\"\nRW 1\n", VB_EDESCRIPTOR,
         "d.vmdk: descriptor line 2: extent line has no type: \"\""},
        {"createType=\"x\"\nRW 1 FLAT \"f\" 1x\n", VB_EDESCRIPTOR,
         "d.vmdk: descriptor line 2: extent offset is not a number: \"1x\""},
        {"createType=\"x\"\nRW 1 FLAT \"f\" 0 \"extra\n", VB_EDESCRIPTOR,
         "d.vmdk: descriptor line 2: unterminated quote in \"\"extra\""},
        {"CID=xyz\ncreateType=\"x\"\nRW 1 FLAT \"f\"\n", VB_EDESCRIPTOR,
         "d.vmdk: descriptor line 1: CID is not a 32-bit hexadecimal number: \"xyz\""},
        {"CID=123456789\ncreateType=\"x\"\nRW 1 FLAT \"f\"\n", VB_EDESCRIPTOR,
         "d.vmdk: descriptor line 1: CID is not a 32-bit hexadecimal number: \"123456789\""},
        {"version=one\ncreateType=\"x\"\nRW 1 FLAT \"f\"\n", VB_EDESCRIPTOR,
         "d.vmdk: descriptor line 1: version is not a 32-bit decimal number: \"one\""},
        {"createType=\"x\"\nRW 99999999999999999999 FLAT \"f\"\n", VB_EDESCRIPTOR,
         "d.vmdk: descriptor line 2: extent size is not a number: \"99999999999999999999\""},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        CHECK_ERR(parse(cases[i].text), cases[i].err);
        CHECK_STR(disk.diag.text, cases[i].detail);
    }
}

TEST(test_limits) {
    /* VB_EXTENTS_MAX extents parse; one more is VB_ELIMIT naming the line. */
    size_t cap = (VB_EXTENTS_MAX + 2) * 32 + 64;
    char *text = malloc(cap);
    size_t n = (size_t)snprintf(text, cap, "createType=\"custom\"\n");
    for (unsigned i = 0; i < VB_EXTENTS_MAX; i++)
        n += (size_t)snprintf(text + n, cap - n, "RW 1 ZERO\n");
    CHECK_ERR(parse(text), 0);
    CHECK_U64(disk.extent_count, VB_EXTENTS_MAX);
    snprintf(text + n, cap - n, "RW 1 ZERO\n");
    CHECK_ERR(parse(text), VB_ELIMIT);
    char want[128];
    snprintf(want, sizeof(want),
             "d.vmdk: descriptor line %u: more than %u extents (VB_EXTENTS_MAX)",
             VB_EXTENTS_MAX + 2, VB_EXTENTS_MAX);
    CHECK_STR(disk.diag.text, want);
    free(text);

    /* More ddb entries than VB_DDB_MAX are counted, not kept. */
    char ddb[4096];
    n = (size_t)snprintf(ddb, sizeof(ddb), "createType=\"x\"\nRW 1 ZERO\n");
    for (unsigned i = 0; i < VB_DDB_MAX + 3; i++)
        n += (size_t)snprintf(ddb + n, sizeof(ddb) - n, "ddb.k%u = \"v%u\"\n", i, i);
    CHECK_ERR(parse(ddb), 0);
    CHECK_U64(disk.links[0].ddb_count, VB_DDB_MAX);
    CHECK_U64(disk.links[0].ddb_dropped, 3);
    CHECK_STR(disk.links[0].ddb[VB_DDB_MAX - 1].value, "v31");

    /* A text longer than VB_DESCRIPTOR_MAX is refused. */
    disk.extent_count = 0;
    CHECK_ERR(vmdk_descriptor_parse(&disk, 0, "x", VB_DESCRIPTOR_MAX + 1, "big.vmdk"), VB_ELIMIT);
}

TEST_MAIN(TEST_ENTRY(test_typical), TEST_ENTRY(test_variants), TEST_ENTRY(test_header_keys),
          TEST_ENTRY(test_errors), TEST_ENTRY(test_limits))

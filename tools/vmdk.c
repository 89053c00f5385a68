/* vmdk.c: the host command-line tool `vmdk`: command line and dispatch to
 * the subcommands. It trusts nothing in the image: core/ validates, the
 * subcommands only report. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "vmdk_tool.h"

static const char usage_text[] =
    "usage: vmdk COMMAND IMAGE [OPTIONS]\n"
    "\n"
    "Reads and makes VMware virtual disks (VMDK) with vmdkboot's core.\n"
    "\n"
    "commands:\n"
    "  info IMAGE [--json]          type, capacity, extents, grain size, CIDs, ddb\n"
    "  cat IMAGE [--offset BYTES] [--length BYTES] [--stats]\n"
    "                               write the virtual disk's bytes to stdout\n"
    "  map IMAGE [--json]           data, zero and hole ranges, and which link holds them\n"
    "  check IMAGE                  validate all metadata; list every problem\n"
    "  ls IMAGE[@PARTITION] [PATH] [--json]\n"
    "                               list a directory (or one file) of a FAT or ext2/3/4 fs\n"
    "  get IMAGE[@PARTITION] PATH   write a file of a FAT or ext2/3/4 fs to stdout\n"
    "  create [-t TYPE] IMAGE SIZE  a new, empty disk; TYPE: monolithicSparse (the\n"
    "                               default), twoGbMaxExtentSparse, monolithicFlat,\n"
    "                               twoGbMaxExtentFlat\n"
    "  create --parent BASE IMAGE   a delta link (snapshot) over BASE, BASE's size\n"
    "  convert [-t TYPE] [-f raw] SRC DST\n"
    "                               copy a VMDK (chains flattened) or a raw image into\n"
    "                               a new disk; zero grains are not stored\n"
    "                               TYPE also streamOptimized (compressed; -j, --level)\n"
    "  entries IMAGE [--json]       the boot entries the loader finds in the image\n"
    "  entries --esp DIR [--json]   the loader's menu for a folder laid out like the ESP\n"
    "  write IMAGE --offset BYTES   write stdin into the disk at BYTES, then flush\n"
    "\n"
    "options:\n"
    "  --allow-escape   allow absolute and '..' extent and parent paths\n"
    "  --ignore-cid     open even when a parent's CID does not match parentCID\n"
    "  --esp            entries: IMAGE is the ESP's root folder\n"
    "  --json           machine-readable output (info, map, ls, entries)\n"
    "  --offset BYTES   cat: start here (default 0)\n"
    "  --length BYTES   cat: this many bytes (default: to the end of the disk)\n"
    "  --stats          print the platform read calls to stderr when done\n"
    "  -t TYPE          create, convert: the kind of disk to make\n"
    "  -f raw           convert: SRC is a raw image (default: SRC must be a VMDK)\n"
    "  -p, -q           convert: progress on stderr on / off (default: on a terminal)\n"
    "  --force          create, convert: overwrite IMAGE / DST and its extent files\n"
    "  -j N             cat, convert: N worker threads (default: online CPUs)\n"
    "  --level N        convert -t streamOptimized: deflate level 0-12 (default 6)\n"
    "  -h, --help       this text\n"
    "\n"
    "PARTITION is a 1-based index, label=NAME or uuid=PARTUUID; without it, the\n"
    "first partition whose filesystem holds PATH, as the loader picks it (ls without\n"
    "PATH: the first that mounts; the whole disk if it has no partition table).\n"
    "\n"
    "BYTES and SIZE are decimal or 0x-hexadecimal, optionally followed by K, M,\n"
    "G or T (powers of 1024) or s (512-byte sectors); SIZE is rounded up to a\n"
    "sector.\n"
    "\n"
    "exit status: 0 success (check: no problem), 1 bad or unsupported image,\n"
    "I/O error or problems found, 2 bad usage.\n";

enum {
    OPT_ALLOW_ESCAPE = 256,
    OPT_IGNORE_CID,
    OPT_JSON,
    OPT_OFFSET,
    OPT_LENGTH,
    OPT_STATS,
    OPT_PARENT,
    OPT_FORCE,
    OPT_LEVEL
};
enum { OPT_ESP = 512 };

static const struct option long_options[] = {
    {"allow-escape", no_argument, NULL, OPT_ALLOW_ESCAPE},
    {"ignore-cid", no_argument, NULL, OPT_IGNORE_CID},
    {"json", no_argument, NULL, OPT_JSON},
    {"offset", required_argument, NULL, OPT_OFFSET},
    {"length", required_argument, NULL, OPT_LENGTH},
    {"stats", no_argument, NULL, OPT_STATS},
    {"parent", required_argument, NULL, OPT_PARENT},
    {"force", no_argument, NULL, OPT_FORCE},
    {"level", required_argument, NULL, OPT_LEVEL},
    {"esp", no_argument, NULL, OPT_ESP},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct tool_command {
    const char *name;
    int (*run)(const tool_args *args);
    int min_extra, max_extra; /* positional arguments after IMAGE */
    bool json, cat_options;
} tool_command;

static const tool_command commands[] = {
    {"info", tool_cmd_info, 0, 0, true, false},
    {"cat", tool_cmd_cat, 0, 0, false, true},
    {"map", tool_cmd_map, 0, 0, true, false},
    {"check", tool_cmd_check, 0, 0, false, false},
    {"ls", tool_cmd_ls, 0, 1, true, false},
    {"get", tool_cmd_get, 1, 1, false, false},
    {"create", tool_cmd_create, 0, 1, false, false},
    {"convert", tool_cmd_convert, 1, 1, false, false},
    {"entries", tool_cmd_entries, 0, 0, true, false},
    {"write", tool_cmd_write, 0, 0, false, true},
};

int main(int argc, char **argv) {
    tool_args args;
    const char *positional[8];
    int npos = 0;
    bool write_options = false;
    memset(&args, 0, sizeof(args));
    args.progress = -1;
    args.level = -1;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":ht:f:pqj:", long_options, NULL);
        uint64_t number;
        if (c == 't' || c == 'f' || c == 'p' || c == 'q' || (c >= OPT_PARENT && c <= OPT_LEVEL))
            write_options = true;
        if (c == -1)
            break;
        switch (c) {
        case 'h':
            fputs(usage_text, stdout);
            return TOOL_EXIT_OK;
        case OPT_ALLOW_ESCAPE:
            args.open_options.allow_escape = true;
            break;
        case OPT_IGNORE_CID:
            args.open_options.ignore_cid = true;
            break;
        case OPT_JSON:
            args.json = true;
            break;
        case OPT_STATS:
            args.stats = true;
            break;
        case OPT_ESP:
            args.esp = true;
            break;
        case OPT_OFFSET:
            if (!tool_parse_bytes(optarg, &args.offset))
                return tool_usage_error("--offset: not a byte count: '%s'", optarg);
            args.has_offset = true;
            break;
        case OPT_LENGTH:
            if (!tool_parse_bytes(optarg, &args.length))
                return tool_usage_error("--length: not a byte count: '%s'", optarg);
            args.has_length = true;
            break;
        case 't':
            args.type = optarg;
            break;
        case 'f':
            args.format = optarg;
            break;
        case 'p':
        case 'q':
            args.progress = c == 'p';
            break;
        case 'j':
            if (!tool_parse_bytes(optarg, &number) || number == 0 || number > 1024)
                return tool_usage_error("-j: not a thread count (1 to 1024): '%s'", optarg);
            args.jobs = (unsigned)number;
            break;
        case OPT_LEVEL:
            if (!tool_parse_bytes(optarg, &number) || number > 12)
                return tool_usage_error("--level: not a deflate level (0 to 12): '%s'", optarg);
            args.level = (int)number;
            break;
        case OPT_PARENT:
            args.parent = optarg;
            break;
        case OPT_FORCE:
            args.force = true;
            break;
        case ':':
            return tool_usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return tool_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (npos == (int)(sizeof(positional) / sizeof(positional[0])))
            return tool_usage_error("too many arguments");
        positional[npos++] = argv[i];
    }
    if (npos == 0)
        return tool_usage_error("no command given");
    const tool_command *cmd = NULL;
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(positional[0], commands[i].name) == 0)
            cmd = &commands[i];
    if (!cmd)
        return tool_usage_error("unknown command '%s'", positional[0]);
    args.command = cmd->name;
    if (npos < 2)
        return tool_usage_error("%s: no IMAGE given", cmd->name);
    if (npos - 2 < cmd->min_extra || npos - 2 > cmd->max_extra)
        return tool_usage_error("%s: wrong number of arguments", cmd->name);
    args.image = positional[1];
    for (int i = 2; i < npos; i++)
        args.extra[args.extra_count++] = positional[i];
    if (args.json && !cmd->json)
        return tool_usage_error("%s: --json is not supported", cmd->name);
    if (write_options && cmd->run != tool_cmd_create && cmd->run != tool_cmd_convert)
        return tool_usage_error("%s: -t, -f, -p, -q, --level, --force and --parent only "
                                "apply to create and convert",
                                cmd->name);
    if (args.esp && cmd->run != tool_cmd_entries)
        return tool_usage_error("%s: --esp only applies to entries", cmd->name);
    if ((args.has_offset || args.has_length) && !cmd->cat_options)
        return tool_usage_error("%s: --offset/--length only apply to cat and write", cmd->name);
    if (args.jobs && cmd->run != tool_cmd_cat && cmd->run != tool_cmd_convert)
        return tool_usage_error("%s: -j only applies to cat and convert", cmd->name);
    /* Write errors are reported through EPIPE, not a signal. */
    signal(SIGPIPE, SIG_IGN);
    int status = cmd->run(&args);
    if (args.stats) {
        double mib = (double)tool_bytes_out / (1024.0 * 1024.0);
        fprintf(stderr,
                "vmdk: stats: %llu platform read calls, %llu bytes read, %llu bytes out, "
                "%.2f read calls per MiB out\n",
                host_stats.calls, host_stats.bytes, (unsigned long long)tool_bytes_out,
                mib > 0 ? (double)host_stats.calls / mib : 0.0);
    }
    return status;
}

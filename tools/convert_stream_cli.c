/* convert_stream_cli.c: TEMPORARY (branch stream). A `vmdk convert` that
 * knows only -t streamOptimized, so that the stream writer can be tested
 * before the convert branch's full command (which calls
 * tool_convert_stream for this type) is merged. Delete at that merge. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vmdk_tool.h"

enum { OPT_LEVEL = 256, OPT_FORCE, OPT_ALLOW_ESCAPE, OPT_IGNORE_CID };

static bool parse_uint(const char *s, unsigned max, unsigned *ret) {
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || *s == '-' || v > max)
        return false;
    *ret = (unsigned)v;
    return true;
}

int tool_cmd_convert_stream_only(int argc, char **argv) {
    static const struct option opts[] = {
        {"level", required_argument, NULL, OPT_LEVEL},
        {"force", no_argument, NULL, OPT_FORCE},
        {"allow-escape", no_argument, NULL, OPT_ALLOW_ESCAPE},
        {"ignore-cid", no_argument, NULL, OPT_IGNORE_CID},
        {NULL, 0, NULL, 0},
    };
    tool_stream_options o;
    memset(&o, 0, sizeof(o));
    o.level = 6;
    o.progress = isatty(STDERR_FILENO);
    const char *type = NULL, *format = NULL;
    unsigned n;
    opterr = 0;
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, ":t:f:j:pq", opts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case 't':
            type = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'j':
            if (!parse_uint(optarg, 256, &n) || n == 0)
                return tool_usage_error("-j: not a thread count from 1 to 256: '%s'", optarg);
            o.jobs = n;
            break;
        case 'p':
            o.progress = true;
            break;
        case 'q':
            o.progress = false;
            break;
        case OPT_LEVEL:
            if (!parse_uint(optarg, 12, &n))
                return tool_usage_error("--level: not a level from 0 to 12: '%s'", optarg);
            o.level = (int)n;
            break;
        case OPT_FORCE:
            o.force = true;
            break;
        case OPT_ALLOW_ESCAPE:
            o.open_options.allow_escape = true;
            break;
        case OPT_IGNORE_CID:
            o.open_options.ignore_cid = true;
            break;
        case ':':
            return tool_usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return tool_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return tool_usage_error("convert: needs SRC and DST");
    if (!type || strcmp(type, "streamOptimized") != 0)
        return tool_usage_error("convert: only -t streamOptimized in this build");
    if (format && strcmp(format, "raw") != 0 && strcmp(format, "vmdk") != 0)
        return tool_usage_error("convert: -f: 'raw' or 'vmdk', not '%s'", format);
    const char *src = argv[optind], *dst = argv[optind + 1];
    bool raw = format ? strcmp(format, "raw") == 0 : false;
    if (!format) {
        /* Without -f: a VMDK when the reader recognises one, else raw. */
        vb_source top;
        raw = true;
        if (host_source_open(src, &top) == 0) {
            raw = vmdk_probe(&top) < 0;
            host_source_close(&top);
        }
    }
    return tool_convert_stream(src, raw, dst, &o);
}

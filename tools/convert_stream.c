/* convert_stream.c: `vmdk convert -t streamOptimized`. Placeholder: the
 * streamOptimized writer (compressed grains, -j threads, --level) replaces
 * this file; until then the kind is refused with a clear message. */
#include "vmdk_tool.h"

int tool_convert_stream(const tool_args *args, tool_input *in) {
    (void)in;
    tool_error(args->extra[0], VB_EUNSUPPORTED,
               "streamOptimized output is not yet implemented in this build");
    return TOOL_EXIT_IMAGE;
}

/* check.c: `vmdk check`: runs core/'s metadata validation and lists every
 * problem it reports, one per line on stdout ("FILE: ENAME: problem"). The
 * exit status is 0 only when nothing was reported. */
#include "vmdk_tool.h"

typedef struct check_state {
    const char *image;
    unsigned problems;
} check_state;

static void report(void *ctx, int err, const char *problem) {
    check_state *st = ctx;
    st->problems++;
    printf("%s: %s: %s\n", st->image, vb_err_name(err), problem ? problem : "");
}

int tool_cmd_check(const tool_args *args) {
    tool_image image;
    int status = tool_image_open(&image, args);
    if (status)
        return status;
    check_state st = {args->image, 0};
    int err = vmdk_check(image.disk, report, &st);
    if (err && st.problems == 0) /* failed without saying why */
        report(&st, err, vmdk_detail(image.disk));
    if (st.problems)
        printf("%s: %u problem%s found\n", args->image, st.problems, st.problems == 1 ? "" : "s");
    else
        printf("%s: no problems found\n", args->image);
    tool_image_close(&image);
    return st.problems ? TOOL_EXIT_IMAGE : TOOL_EXIT_OK;
}

#include "platform_internal.h"

void nabla_exit(int status) {
    for (;;) host_call6(HOST_EXIT_GROUP, status & 0xff, 0, 0, 0, 0, 0);
}

void nabla_abort(const char *why) {
    static const char prefix[] = "nabla: abort: ";
    size_t len = 0;
    while (why && why[len]) len++;
    int fd = platform_bi ? (int)platform_bi->console_err_fd : 2;
    host_call6(HOST_WRITE, fd, (long)prefix, sizeof prefix - 1, 0, 0, 0);
    if (len) host_call6(HOST_WRITE, fd, (long)why, (long)len, 0, 0, 0);
    host_call6(HOST_WRITE, fd, (long)"\n", 1, 0, 0, 0);
    nabla_exit(NABLA_EXIT_ABORT);
}

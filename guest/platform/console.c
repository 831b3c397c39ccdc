#include "platform_internal.h"

static nabla_result_t write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        long n = host_call6(HOST_WRITE, fd, (long)buf, (long)len, 0, 0, 0);
        if (n == -HOST_EINTR) continue;
        if (n <= 0) return NABLA_EUNSPEC;
        buf += n;
        len -= (size_t)n;
    }
    return NABLA_OK;
}

nabla_result_t nabla_console_write(const char *buf, size_t len) {
    return write_all((int)platform_bi->console_fd, buf, len);
}

nabla_result_t nabla_console_write_err(const char *buf, size_t len) {
    return write_all((int)platform_bi->console_err_fd, buf, len);
}

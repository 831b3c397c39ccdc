#include "platform_internal.h"

nabla_result_t nabla_net_read(nabla_handle_t h, void *buf, size_t size, size_t *read_size) {
    const struct nabla_device *d = platform_device(h, NABLA_DEVICE_NET);
    if (!d) return NABLA_EINVAL;
    long n;
    do n = host_call6(HOST_READ, d->host_fd, (long)buf, (long)size, 0, 0, 0);
    while (n == -HOST_EINTR);
    if (n == -HOST_EAGAIN) return NABLA_AGAIN;
    if (n < 0) return NABLA_EUNSPEC;
    *read_size = (size_t)n;
    return NABLA_OK;
}

nabla_result_t nabla_net_write(nabla_handle_t h, const void *buf, size_t len) {
    const struct nabla_device *d = platform_device(h, NABLA_DEVICE_NET);
    if (!d) return NABLA_EINVAL;
    long n;
    do n = host_call6(HOST_WRITE, d->host_fd, (long)buf, (long)len, 0, 0, 0);
    while (n == -HOST_EINTR);
    if (n == -HOST_EAGAIN) return NABLA_AGAIN;
    return n == (long)len ? NABLA_OK : NABLA_EUNSPEC;
}

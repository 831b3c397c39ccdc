#include "platform_internal.h"

const struct nabla_device *platform_device(nabla_handle_t h, uint32_t kind) {
    if (h >= platform_bi->device_count) return 0;
    const struct nabla_device *d = &((const struct nabla_device *)platform_bi->devices)[h];
    return d->kind == kind ? d : 0;
}

nabla_result_t nabla_device_find(const char *name, uint32_t kind, nabla_handle_t *handle,
                                 const struct nabla_device **info) {
    const struct nabla_device *devs = (const struct nabla_device *)platform_bi->devices;
    for (uint32_t h = 0; h < platform_bi->device_count; h++) {
        const char *a = devs[h].name, *b = name;
        while (*a && *a == *b) a++, b++;
        if (*a == *b && devs[h].kind == kind) {
            if (handle) *handle = h;
            if (info) *info = &devs[h];
            return NABLA_OK;
        }
    }
    return NABLA_ENOENT;
}

// The last steps of the tender: close every fd the guest is not handed, set
// no_new_privs, install the filter, jump. Nothing here allocates.
#pragma once

#include "error.hpp"

#include <linux/filter.h>

#include <cstdint>
#include <span>
#include <vector>

namespace nabla {

struct Launch {
    uint64_t entry;
    uint64_t stack_top;
    uint64_t boot_info;
};

// Returns only on failure; the fds in keep must be sorted ascending.
Error launch_guest(std::span<const int> keep, std::span<const sock_filter> filter, const Launch& where);

} // namespace nabla

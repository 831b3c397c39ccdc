// Errors as values at every module border of nabla-hap. Only main() prints.
#pragma once

#include "nabla/result.hpp"

namespace hap {

// Exit statuses (sysexits.h numbers, as nabla-run uses).
enum class Exit : int {
    usage = 64,       // bad command line
    no_input = 66,    // the workload's command cannot be found
    unavailable = 69, // tracefs or ptrace is not available
    os_error = 71,    // a host call failed
    no_perm = 77,     // not root
};

using Error = nabla::BasicError<Exit>;

template <typename T>
using Result = std::expected<T, Error>;

using nabla::fail;
using nabla::fail_errno;

} // namespace hap

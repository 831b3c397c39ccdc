// Errors as values at every module border of the tender. Only main() prints.
#pragma once

#include "nabla/result.hpp"

namespace nabla {

// The tender's exit statuses before the guest runs (sysexits.h numbers, so
// they read the same as other Unix tools). After the jump, the status is the
// guest's own exit code, NABLA_EXIT_ABORT, or death by SIGSYS.
enum class Exit : int {
    usage = 64,       // bad command line
    bad_kernel = 65,  // malformed ELF or manifest
    no_input = 66,    // kernel or block file cannot be opened
    unavailable = 69, // tap device cannot be attached
    os_error = 71,    // a host call failed (mmap, seccomp, ...)
    abi_mismatch = 76,// guest built for another ABI version
    config = 78,      // devices on the command line do not match the manifest
};

using Error = BasicError<Exit>;

template <typename T>
using Result = std::expected<T, Error>;

} // namespace nabla

// Errors as values across runnc, as in the tender (tender/error.hpp): every
// fallible step returns Result<T>, carrying a documented exit status and one
// line that says what and where. Only main() prints, to stderr and --log.
#pragma once

#include "nabla/result.hpp"

namespace nabla::runnc {

// runnc's exit statuses (sysexits.h numbers where one fits, so they read as
// nabla-run's do). `run` in the foreground exits with the container's own
// status once the guest has started. The README has this table.
enum class Exit : int {
    state = 1,        // the container is in the wrong state for the command
    usage = 64,       // bad command line: unknown command or flag, missing ID
    config = 65,      // config.json is invalid, or args[0] is not a nabla unikernel
    no_input = 66,    // bundle, config.json, rootfs or args[0] not found
    not_found = 67,   // no container with that ID
    unsupported = 69, // a feature runnc refuses (exec, --systemd-cgroup, terminals, ...)
    hook = 70,        // a hook failed or timed out
    os_error = 71,    // a host call failed
    exists = 73,      // a container with that ID exists already
};

using Error = BasicError<Exit>;

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail_os(std::string message) { return fail_errno(Exit::os_error, std::move(message)); }

} // namespace nabla::runnc

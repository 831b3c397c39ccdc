// A task's seccomp state: the Seccomp lines of /proc/PID/status, and its
// filters' BPF programs (PTRACE_SECCOMP_GET_FILTER, the task in a ptrace stop).
#pragma once

#include "allowed_surface.hpp"
#include "error.hpp"

#include <string_view>
#include <sys/types.h>

namespace hap {

struct SeccompStatus {
    int mode = -1;    // 0 none, 1 strict, 2 filter; -1 when the kernel does not say
    int filters = -1; // Seccomp_filters; -1 when the kernel does not say
};

SeccompStatus parse_seccomp_status(std::string_view proc_status); // pure
Result<SeccompStatus> read_seccomp_status(pid_t tid);

// Every filter attached to the task, newest first. The caller traces it and
// it is stopped.
Result<std::vector<BpfProgram>> fetch_filters(pid_t tid);

} // namespace hap

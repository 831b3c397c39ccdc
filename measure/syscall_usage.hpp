// From the recorded trace to the system calls the workload made, counted,
// each in its phase: before its task's seccomp filter went on (start-up), or
// under it. The command's own process counts from its execve on (before it,
// the calls are nabla-hap's child stub). A task's filter is on once a
// seccomp(SECCOMP_SET_MODE_STRICT/FILTER, ...) or prctl(PR_SET_SECCOMP, ...)
// that was given a program returns 0 (libseccomp probes the kernel with NULL
// programs first: those do not count); a forked task starts in its parent's
// phase. Filters synchronised to other threads (TSYNC) are not followed. Pure.
#pragma once

#include "error.hpp"

#include <cstdint>
#include <map>
#include <string_view>

namespace hap {

struct SyscallCount {
    uint64_t before_filter = 0;
    uint64_t under_filter = 0;
    uint64_t total() const { return before_filter + under_filter; }
};

struct Usage {
    std::map<long, SyscallCount> counts; // by syscall number
    uint64_t lost = 0;                   // events the trace itself says were lost ([LOST N EVENTS])
    size_t tasks = 0;                    // distinct tasks seen
    bool filter_installed = false;       // some task entered seccomp
};

Result<Usage> count_syscalls(std::string_view trace_text, int root_pid);

} // namespace hap

// The workload's allowed surface: its tasks' seccomp states grouped by filter
// stack, each stack evaluated over every syscall number, and their union —
// what the workload as a whole can reach. A task with no filter allows all.
#pragma once

#include "allowed_surface.hpp"
#include "error.hpp"
#include "workload.hpp"

#include <string>
#include <vector>

namespace hap {

// Numbers evaluated: x86_64 and i386 0..abi_max_nr, x32 0..abi_max_nr with the x32 bit.
inline constexpr int abi_max_nr = 511;

struct FilterStack {
    std::string comm;
    std::vector<pid_t> tids;
    int mode = 0;                   // 1 strict, 2 filter
    std::vector<BpfProgram> filters;
    std::vector<Verdict> x86_64;    // 0..abi_max_nr
    int i386_passing = 0, x32_passing = 0;
};

struct AllowedSurface {
    std::vector<std::string> unfiltered;     // "comm (tid)" of tasks with no filter
    std::vector<FilterStack> stacks;
    std::vector<std::string> problems;       // tasks whose state could not be read
    std::vector<Verdict> union_x86_64;       // over the stacks; meaningless when unfiltered is not empty
    int union_i386 = 0, union_x32 = 0;       // max over the stacks

    bool all_allowed() const { return !unfiltered.empty(); }
    int allowed_named() const;                // x86_64 numbers the headers name that pass
    int allowed_unnamed() const;              // other x86_64 numbers that pass
};

Result<AllowedSurface> summarize_surface(const std::vector<TaskSeccomp>& tasks);

} // namespace hap

// One line of tracefs text output (`trace` or `trace_pipe`), for the events
// nabla-hap enables:
//   "   sh-17843   [001] ..... 13640.366: sys_enter: NR 39 (0, 0, 0, 0, 0, 0)"
//   "   sh-17843   [001] ..... 13640.366: sched_process_fork: comm=sh pid=17843 child_comm=sh child_pid=17844"
//   "   sh-17843   [001] ..... 13640.366: sys_exit: NR 317 = 0"
//   "CPU:1 [LOST 25 EVENTS]"
// Pure.
#pragma once

#include "error.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <variant>

namespace hap {

struct SysEnter {
    int pid;
    long nr;
    std::array<uint64_t, 6> args;
};

struct SysExit {
    int pid;
    long nr;
    long ret;
};

struct ProcessFork {
    int pid;   // the parent (the task that called fork/clone)
    int child; // the new task
};

struct LostEvents {
    int cpu;
    uint64_t count;
};

struct NoEvent {};      // a comment or empty line
struct OtherEvent {};   // an event of a kind nabla-hap does not use

using TraceLine = std::variant<NoEvent, SysEnter, SysExit, ProcessFork, LostEvents, OtherEvent>;

// A line that is none of these shapes is an error naming it.
Result<TraceLine> parse_trace_line(std::string_view line);

} // namespace hap

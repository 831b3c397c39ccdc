// Runs the measured command under ptrace, with its children and threads
// (PTRACE_O_TRACEFORK/VFORK/CLONE), and takes every task's seccomp state at
// its exit stop (PTRACE_EVENT_EXIT), when its filters are final. ptrace stops
// only at those events: no syscall stops, so the workload makes the calls it
// would make alone.
#pragma once

#include "error.hpp"
#include "seccomp_state.hpp"

#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace hap {

struct TaskSeccomp {
    pid_t tid;
    std::string comm;
    SeccompStatus status;
    std::vector<BpfProgram> filters; // newest first
    std::string problem;             // why status or filters could not be read, or empty
};

struct WorkloadRun {
    pid_t pid;        // the command's process
    int wait_status;  // as waitpid reports it
    std::vector<TaskSeccomp> tasks;
};

// The command's path: argv[0] as given when it has a '/', else searched in PATH.
Result<std::string> resolve_command(const std::string& name);

// Runs argv. ready(pid) runs when the child is stopped before its execve, to
// start tracing it; an error from it kills the child.
Result<WorkloadRun> run_workload(const std::vector<std::string>& argv, const std::function<Result<void>(pid_t)>& ready);

} // namespace hap

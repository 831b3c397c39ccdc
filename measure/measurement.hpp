// One measurement: the workload run N times, each run traced in its own
// tracefs instance; the allowed surface from the last run's tasks.
#pragma once

#include "error.hpp"
#include "surface.hpp"
#include "syscall_usage.hpp"
#include "workload.hpp"

#include <string>
#include <vector>

namespace hap {

struct MeasureOptions {
    std::vector<std::string> command;
    int runs = 3;
    size_t buffer_kb = 65536; // per CPU
};

struct RunResult {
    WorkloadRun workload;
    Usage usage;
    uint64_t lost = 0; // per-cpu stats plus [LOST] lines
};

struct Measurement {
    std::vector<std::string> command;
    std::vector<RunResult> runs;
    AllowedSurface surface;
    bool surface_same_every_run = true;
};

// Fails when not root or without tracefs, before running anything.
Result<Measurement> measure(const MeasureOptions& options);

} // namespace hap

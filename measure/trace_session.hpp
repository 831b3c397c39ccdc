// A tracefs instance of nabla-hap's own (instances/nabla-hap.PID.N), so other
// users of tracing keep their buffers and settings. It records
// raw_syscalls/sys_enter and sched/sched_process_fork for one pid and every
// task it forks (set_event_pid, options/event-fork). Everything it turns on
// is turned off again, in reverse order, and the instance removed, when the
// object goes — on errors too.
#pragma once

#include "error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace hap {

// The tracefs mount point; mounts it at /sys/kernel/tracing when it is not.
Result<std::string> find_tracefs();

// Events lost on one CPU, from per_cpu/cpuN/stats: overrun + commit overrun + dropped events.
uint64_t lost_in_cpu_stats(std::string_view stats); // pure

class TraceSession {
public:
    static Result<TraceSession> open(const std::string& tracefs, std::string_view tag, size_t buffer_kb);
    TraceSession(TraceSession&& other) noexcept;
    TraceSession& operator=(TraceSession&&) = delete;
    TraceSession(const TraceSession&) = delete;
    ~TraceSession();

    Result<void> start(pid_t pid); // filter to pid and its descendants, record
    Result<void> stop();           // stop recording (the buffer stays)
    Result<std::string> contents() const;
    Result<uint64_t> lost_events() const;

private:
    explicit TraceSession(std::string dir) : dir_(std::move(dir)) {}
    // Writes value to dir/file; on success remembers the undo value, if any, for the destructor.
    Result<void> set(const std::string& file, const std::string& value, std::optional<std::string> undo);

    struct Undo {
        std::string file, value;
    };
    std::string dir_; // empty when moved from
    std::vector<Undo> undo_;
};

} // namespace hap

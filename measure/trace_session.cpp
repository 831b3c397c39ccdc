#include "trace_session.hpp"

#include "syscall_table.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <utility>

namespace hap {
namespace {

constexpr std::string_view tracefs_mount = "/sys/kernel/tracing";

// The events recorded: the system call entries; the exits of seccomp and
// prctl only (a filter), to see which filter installs succeeded; and forks,
// so that a child starts in its parent's phase (before or under the filter).
constexpr std::string_view events[] = {"raw_syscalls/sys_enter", "raw_syscalls/sys_exit", "sched/sched_process_fork"};
constexpr std::string_view exit_filter_event = "raw_syscalls/sys_exit";

Result<void> write_file(const std::string& path, const std::string& value) {
    int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return fail_errno(Exit::unavailable, fmt::format("opening {}", path));
    ssize_t n = value.empty() ? 0 : ::write(fd, value.data(), value.size());
    int saved = errno;
    ::close(fd);
    errno = saved;
    if (n != static_cast<ssize_t>(value.size()))
        return fail_errno(Exit::unavailable, fmt::format("writing '{}' to {}", value, path));
    return {};
}

Result<std::string> read_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return fail_errno(Exit::os_error, fmt::format("reading {}", path));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

Result<std::string> find_tracefs() {
    std::string root(tracefs_mount);
    std::error_code ec;
    if (std::filesystem::is_directory(root + "/instances", ec)) return root;
    if (::mount("nodev", root.c_str(), "tracefs", 0, nullptr) != 0)
        return fail_errno(Exit::unavailable,
                          fmt::format("tracefs is not mounted at {} and mounting it failed", root));
    // Left mounted: it is where every tracing tool looks, and holds no state of ours.
    if (!std::filesystem::is_directory(root + "/instances", ec))
        return fail(Exit::unavailable, fmt::format("{} has no instances/ directory", root));
    return root;
}

uint64_t lost_in_cpu_stats(std::string_view stats) {
    uint64_t lost = 0;
    for (std::string_view key : {"overrun: ", "commit overrun: ", "dropped events: "}) {
        for (size_t pos = 0; pos < stats.size();) {
            size_t end = stats.find('\n', pos);
            if (end == std::string_view::npos) end = stats.size();
            std::string_view line = stats.substr(pos, end - pos);
            pos = end + 1;
            if (!line.starts_with(key)) continue;
            uint64_t n = 0;
            line.remove_prefix(key.size());
            std::from_chars(line.data(), line.data() + line.size(), n);
            lost += n;
        }
    }
    return lost;
}

Result<TraceSession> TraceSession::open(const std::string& tracefs, std::string_view tag, size_t buffer_kb) {
    std::string dir = fmt::format("{}/instances/nabla-hap.{}.{}", tracefs, ::getpid(), tag);
    if (::mkdir(dir.c_str(), 0700) != 0) return fail_errno(Exit::unavailable, fmt::format("creating {}", dir));
    TraceSession s(dir); // from here the destructor removes it
    for (auto e : events) {
        std::error_code ec;
        if (!std::filesystem::exists(fmt::format("{}/events/{}/enable", dir, e), ec))
            return fail(Exit::unavailable, fmt::format("tracefs has no {} event", e));
    }
    if (auto ok = s.set("tracing_on", "0", "0"); !ok) return std::unexpected(ok.error());
    if (auto ok = s.set("buffer_size_kb", std::to_string(buffer_kb), std::nullopt); !ok) return std::unexpected(ok.error());
    // One clock for every CPU: a task that moves between CPUs keeps its order.
    if (auto ok = s.set("trace_clock", "global", std::nullopt); !ok) return std::unexpected(ok.error());
    return s;
}

TraceSession::TraceSession(TraceSession&& other) noexcept
    : dir_(std::exchange(other.dir_, {})), undo_(std::move(other.undo_)) {}

TraceSession::~TraceSession() {
    if (dir_.empty()) return;
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (void)write_file(dir_ + "/" + it->file, it->value);
    ::rmdir(dir_.c_str());
}

Result<void> TraceSession::set(const std::string& file, const std::string& value,
                               std::optional<std::string> undo) {
    if (auto ok = write_file(dir_ + "/" + file, value); !ok) return ok;
    if (undo) undo_.push_back({file, std::move(*undo)});
    return {};
}

Result<void> TraceSession::start(pid_t pid) {
    if (auto ok = set("set_event_pid", std::to_string(pid), ""); !ok) return ok; // undo: empty the list
    if (auto ok = set("options/event-fork", "1", "0"); !ok) return ok;
    std::string exits = fmt::format("id == {} || id == {}", syscall_number("seccomp").value_or(-1),
                                    syscall_number("prctl").value_or(-1));
    if (auto ok = set(fmt::format("events/{}/filter", exit_filter_event), exits, "0"); !ok) return ok;
    for (auto e : events)
        if (auto ok = set(fmt::format("events/{}/enable", e), "1", "0"); !ok) return ok;
    return set("tracing_on", "1", "0");
}

Result<void> TraceSession::stop() { return write_file(dir_ + "/tracing_on", "0"); }

Result<std::string> TraceSession::contents() const { return read_file(dir_ + "/trace"); }

Result<uint64_t> TraceSession::lost_events() const {
    uint64_t lost = 0;
    std::error_code ec;
    for (const auto& cpu : std::filesystem::directory_iterator(dir_ + "/per_cpu", ec)) {
        auto stats = read_file(cpu.path().string() + "/stats");
        if (!stats) return std::unexpected(stats.error());
        lost += lost_in_cpu_stats(*stats);
    }
    if (ec) return fail(Exit::os_error, fmt::format("listing {}/per_cpu: {}", dir_, ec.message()));
    return lost;
}

} // namespace hap

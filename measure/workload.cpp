#include "workload.hpp"

#include <csignal>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <set>

namespace hap {
namespace {

constexpr long trace_options = PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEFORK |
                               PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL;

std::string comm_of(pid_t tid) {
    std::ifstream in(fmt::format("/proc/{}/comm", tid));
    std::string comm;
    std::getline(in, comm);
    return comm;
}

TaskSeccomp take_seccomp(pid_t tid) {
    TaskSeccomp t{tid, comm_of(tid), {}, {}, {}};
    auto status = read_seccomp_status(tid);
    if (!status) {
        t.problem = status.error().message;
        return t;
    }
    t.status = *status;
    if (t.status.mode == 3) {
        // SECCOMP_MODE_DEAD: its filter killed it, and the kernel has let go of the filters.
        t.problem = "killed by its seccomp filter (Seccomp: 3): its filters are gone by its exit stop";
        return t;
    }
    if (t.status.mode != 2) return t;
    auto filters = fetch_filters(tid);
    if (!filters) t.problem = filters.error().message;
    else if (filters->empty())
        // Seen when the filter killed the task: by its exit stop the kernel has let go of it.
        t.problem = "in seccomp filter mode, but its filters are gone by its exit (killed by its filter?)";
    else t.filters = std::move(*filters);
    return t;
}

[[noreturn]] void exec_child(const std::string& path, const std::vector<char*>& argv) {
    ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    ::kill(::getpid(), SIGSTOP); // the parent sets tracing up for this pid, then continues it
    ::execv(path.c_str(), argv.data());
    auto msg = fmt::format("nabla-hap: cannot run {}: {}\n", path, std::strerror(errno));
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(127);
}

} // namespace

Result<std::string> resolve_command(const std::string& name) {
    if (name.empty()) return fail(Exit::usage, "the command is empty");
    auto runnable = [](const std::string& p) { return ::access(p.c_str(), X_OK) == 0 && !std::filesystem::is_directory(p); };
    if (name.find('/') != std::string::npos) {
        if (!runnable(name)) return fail_errno(Exit::no_input, fmt::format("cannot run {}", name));
        return name;
    }
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    for (size_t pos = 0; pos <= dirs.size();) {
        size_t end = dirs.find(':', pos);
        if (end == std::string_view::npos) end = dirs.size();
        std::string dir(dirs.substr(pos, end - pos));
        pos = end + 1;
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        if (runnable(candidate)) return candidate;
    }
    return fail(Exit::no_input, fmt::format("{}: command not found in PATH", name));
}

Result<WorkloadRun> run_workload(const std::vector<std::string>& args, const std::function<Result<void>(pid_t)>& ready) {
    auto path = resolve_command(args.at(0));
    if (!path) return std::unexpected(path.error());
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);

    pid_t pid = ::fork();
    if (pid < 0) return fail_errno(Exit::os_error, "fork");
    if (pid == 0) exec_child(*path, argv);

    auto abandon = [&](Error e) -> Result<WorkloadRun> {
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, nullptr, __WALL) < 0 && errno == EINTR) {}
        return std::unexpected(std::move(e));
    };
    int st = 0;
    while (::waitpid(pid, &st, __WALL) < 0)
        if (errno != EINTR) return abandon({Exit::os_error, "waitpid for the workload"});
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
        return abandon({Exit::unavailable, "the workload did not stop under ptrace (is ptrace allowed here?)"});
    if (::ptrace(PTRACE_SETOPTIONS, pid, nullptr, trace_options) != 0)
        return abandon({Exit::unavailable, fmt::format("PTRACE_SETOPTIONS: {}", std::strerror(errno))});
    if (auto ok = ready(pid); !ok) return abandon(ok.error());
    if (::ptrace(PTRACE_CONT, pid, nullptr, nullptr) != 0)
        return abandon({Exit::os_error, fmt::format("PTRACE_CONT: {}", std::strerror(errno))});

    WorkloadRun run{pid, 0, {}};
    std::set<pid_t> live{pid}, started{pid};
    while (!live.empty()) {
        pid_t t = ::waitpid(-1, &st, __WALL);
        if (t < 0) {
            if (errno == EINTR) continue;
            if (errno == ECHILD) break;
            return fail_errno(Exit::os_error, "waitpid");
        }
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            live.erase(t);
            if (t == pid) run.wait_status = st;
            continue;
        }
        if (!WIFSTOPPED(st)) continue;
        int event = st >> 16;
        int sig = 0;
        if (event == PTRACE_EVENT_EXIT) {
            run.tasks.push_back(take_seccomp(t));
        } else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
            unsigned long child = 0;
            if (::ptrace(PTRACE_GETEVENTMSG, t, nullptr, &child) == 0) live.insert(static_cast<pid_t>(child));
        } else if (event == 0) {
            // A new task's first stop is ours to swallow; any other signal is the workload's.
            sig = WSTOPSIG(st);
            if (sig == SIGSTOP && !started.contains(t)) sig = 0;
            started.insert(t);
            live.insert(t);
        }
        ::ptrace(PTRACE_CONT, t, nullptr, reinterpret_cast<void*>(static_cast<long>(sig)));
    }
    return run;
}

} // namespace hap

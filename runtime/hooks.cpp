#include "hooks.hpp"

#include "log.hpp"
#include "process_util.hpp"
#include "unique_fd.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nabla::runnc {
namespace {

Result<void> run_hook(const Hook& hook, const std::string& state_json, const std::string& name) {
    int in[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return fail_os(fmt::format("{}: pipe", name));
    UniqueFd in_read(in[0]), in_write(in[1]);
    // argv and envp are built before fork: the child only execs.
    std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
    CStrings argv(args), envp(hook.env);
    auto child = spawn([&] {
        if (::dup2(in_read.get(), STDIN_FILENO) < 0) return errno;
        ::execve(hook.path.c_str(), argv.get(), envp.get());
        return errno;
    });
    if (!child) return fail(child.error().code, fmt::format("{}: {}", name, child.error().message));
    in_read.reset();

    // Write the state while watching the hook: one that exits without
    // reading it must not leave runnc blocked on a full pipe.
    ::fcntl(in_write.get(), F_SETFL, O_NONBLOCK);
    std::string_view rest = state_json;
    auto deadline = hook.timeout ? std::chrono::steady_clock::now() + std::chrono::seconds(*hook.timeout)
                                 : std::chrono::steady_clock::time_point::max();
    for (;;) {
        if (rest.empty()) in_write.reset();
        pollfd fds[2] = {{child->pidfd.get(), POLLIN, 0}, {in_write.valid() ? in_write.get() : -1, POLLOUT, 0}};
        int timeout = -1;
        if (hook.timeout) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            timeout = static_cast<int>(std::max<int64_t>(left.count(), 0));
        }
        int n = ::poll(fds, 2, timeout);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail_os(fmt::format("{}: poll", name));
        if (n == 0) {
            child->kill(SIGKILL);
            (void)child->wait();
            return fail(Exit::hook, fmt::format("{} ({}): timed out after {} s", name, hook.path, *hook.timeout));
        }
        if (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) {
            auto w = ::write(in_write.get(), rest.data(), rest.size());
            if (w > 0) rest.remove_prefix(static_cast<size_t>(w));
            else if (errno != EAGAIN && errno != EINTR) rest = {}; // the hook closed stdin: fine
        }
        if (fds[0].revents & POLLIN) break;
    }
    auto status = child->wait();
    if (!status) return fail(status.error().code, fmt::format("{}: {}", name, status.error().message));
    if (status->exec_errno)
        return fail(Exit::hook, fmt::format("{} ({}): cannot execute: {}", name, hook.path, std::strerror(status->exec_errno)));
    if (WIFSIGNALED(status->wait_status))
        return fail(Exit::hook, fmt::format("{} ({}): killed by signal {}", name, hook.path, WTERMSIG(status->wait_status)));
    if (WEXITSTATUS(status->wait_status) != 0)
        return fail(Exit::hook, fmt::format("{} ({}): exited with status {}", name, hook.path, WEXITSTATUS(status->wait_status)));
    return {};
}

} // namespace

Result<void> run_hooks(HookClass cls, const std::vector<Hook>& hooks, const std::string& state_json) {
    for (size_t i = 0; i < hooks.size(); i++) {
        auto name = fmt::format("hooks.{}[{}]", hook_class_name(cls), i);
        log::debug(fmt::format("running {} ({})", name, hooks[i].path));
        if (auto ok = run_hook(hooks[i], state_json, name); !ok) return ok;
    }
    return {};
}

void run_hooks_warn(HookClass cls, const std::vector<Hook>& hooks, const std::string& state_json) {
    for (size_t i = 0; i < hooks.size(); i++) {
        auto name = fmt::format("hooks.{}[{}]", hook_class_name(cls), i);
        if (auto ok = run_hook(hooks[i], state_json, name); !ok) log::warn(ok.error().message);
    }
}

} // namespace nabla::runnc

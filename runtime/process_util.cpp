#include "process_util.hpp"

#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nabla::runnc {

Child::Child(Child&& other) noexcept
    : pid(other.pid), pidfd(std::move(other.pidfd)), exec_error_(std::move(other.exec_error_)), waited_(other.waited_) {
    other.waited_ = true;
}

Child::~Child() {
    if (waited_) return;
    kill(SIGKILL);
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

void Child::kill(int sig) const {
    if (pidfd.valid()) ::syscall(SYS_pidfd_send_signal, pidfd.get(), sig, nullptr, 0);
}

Result<ChildStatus> Child::wait() {
    ChildStatus s;
    for (;;) {
        if (::waitpid(pid, &s.wait_status, 0) >= 0) break;
        if (errno != EINTR) return fail_os(fmt::format("waitpid {}", pid));
    }
    waited_ = true;
    if (exec_error_.valid()) {
        int e = 0;
        if (::read(exec_error_.get(), &e, sizeof e) == sizeof e) s.exec_errno = e;
    }
    return s;
}

int Child::exec_result() {
    int e = 0;
    for (;;) {
        auto n = ::read(exec_error_.get(), &e, sizeof e);
        if (n < 0 && errno == EINTR) continue;
        exec_error_.reset();
        return n == sizeof e ? e : 0;
    }
}

void reset_signals() {
    struct sigaction dfl{};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) ::sigaction(sig, &dfl, nullptr); // KILL, STOP: EINVAL, fine
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

void close_fds_except(std::vector<int> keep) {
    std::ranges::sort(keep);
    unsigned next = 0;
    for (int fd : keep) {
        if (fd < 0) continue;
        if (static_cast<unsigned>(fd) > next) ::syscall(SYS_close_range, next, static_cast<unsigned>(fd) - 1, 0);
        next = static_cast<unsigned>(fd) + 1;
    }
    ::syscall(SYS_close_range, next, ~0u, 0);
}

Result<Child> spawn(const std::function<int()>& child, unsigned long clone_flags) {
    int err[2];
    if (::pipe2(err, O_CLOEXEC) != 0) return fail_os("pipe");
    UniqueFd err_read(err[0]), err_write(err[1]);
    int pidfd = -1;
    // clone as fork, plus a pidfd; single-threaded, so the child may run
    // ordinary code before it execs.
    long pid = ::syscall(SYS_clone, clone_flags | CLONE_PIDFD | SIGCHLD, nullptr, &pidfd, nullptr, nullptr);
    if (pid < 0) return fail_os("clone");
    if (pid == 0) {
        reset_signals();
        ::syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC);
        int e = child();
        (void)!::write(err_write.get(), &e, sizeof e);
        ::_exit(127);
    }
    err_write.reset();
    return Child(static_cast<pid_t>(pid), UniqueFd(pidfd), std::move(err_read));
}

bool wait_for_exit(pid_t pid, int timeout_ms) {
    UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!fd.valid()) return errno == ESRCH;
    pollfd p{fd.get(), POLLIN, 0};
    for (;;) {
        int n = ::poll(&p, 1, timeout_ms);
        if (n < 0 && errno == EINTR) continue;
        return n > 0;
    }
}

} // namespace nabla::runnc

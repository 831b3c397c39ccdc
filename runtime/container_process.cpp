#include "container_process.hpp"

#include "hooks.hpp"
#include "log.hpp"
#include "privileges.hpp"
#include "state.hpp"

#include <charconv>
#include <csignal>
#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nabla::runnc {
namespace {

constexpr size_t max_message = 1 << 20;

Result<std::string> receive(int fd) {
    std::string buf(max_message, '\0');
    for (;;) {
        auto n = ::recv(fd, buf.data(), buf.size(), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail_os("sync socket");
        if (n == 0) return fail(Exit::os_error, "sync socket closed");
        buf.resize(static_cast<size_t>(n));
        return buf;
    }
}

// To the sync socket (MSG_NOSIGNAL: a runnc gone is an error, not SIGPIPE)
// or the start fifo (SIGPIPE is blocked by then).
bool send_all(int fd, std::string_view msg) {
    while (!msg.empty()) {
        auto n = ::send(fd, msg.data(), msg.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK) n = ::write(fd, msg.data(), msg.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        msg.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

// --- in the container process ------------------------------------------------

int exit_fd = -1; // for the signal handler below

// The record and status of a container process that a signal ended before
// the tender ran: what the default action would have done to a non-init.
void record_exit(int code, int sig) {
    char buf[32];
    const char* word = sig ? "signaled " : "exited ";
    int n = sig ? sig : code;
    size_t len = 0;
    for (const char* p = word; *p; p++) buf[len++] = *p;
    char digits[4];
    int d = 0;
    do digits[d++] = static_cast<char>('0' + n % 10);
    while ((n /= 10) && d < 3);
    while (d) buf[len++] = digits[--d];
    buf[len++] = '\n';
    if (exit_fd >= 0) (void)!::pwrite(exit_fd, buf, len, 0);
}

extern "C" void on_signal_while_created(int sig) {
    record_exit(0, sig);
    ::_exit(128 + sig);
}

// Signals whose default action ends a process: while created, pid 1 would
// ignore them, so it installs handlers that end it.
bool ends_process(int sig) {
    switch (sig) {
    case SIGKILL: case SIGSTOP: case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
    case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return false;
    default:
        return true; // every other one, real-time signals included
    }
}

void handle_signals_while_created() {
    struct sigaction sa{};
    sa.sa_handler = on_signal_while_created;
    sigfillset(&sa.sa_mask);
    for (int sig = 1; sig < NSIG; sig++)
        if (ends_process(sig)) ::sigaction(sig, &sa, nullptr);
}

[[noreturn]] void fail_step(int sync, const Error& e) {
    (void)send_all(sync, encode_result(std::unexpected(e)));
    ::_exit(1);
}

nlohmann::json state_with_status(const std::string& state_json, std::string_view status) {
    auto j = nlohmann::json::parse(state_json, nullptr, false);
    if (!j.is_discarded()) j["status"] = status;
    return j;
}

// Forwards every signal to the tender until it exits; then exits the same way.
[[noreturn]] void supervise(Child& tender) {
    sigset_t all;
    sigfillset(&all);
    for (;;) {
        siginfo_t info{};
        int sig = ::sigwaitinfo(&all, &info);
        if (sig < 0) continue;
        if (sig != SIGCHLD) {
            ::kill(tender.pid, sig);
            continue;
        }
        int status = 0;
        for (pid_t p; (p = ::waitpid(-1, &status, WNOHANG)) > 0;) {
            if (p != tender.pid) continue;
            tender.release();
            if (WIFSIGNALED(status)) {
                record_exit(0, WTERMSIG(status));
                ::_exit(128 + WTERMSIG(status));
            }
            record_exit(WEXITSTATUS(status), 0);
            ::_exit(WEXITSTATUS(status));
        }
    }
}

// Steps 4-6: after create, in the container process.
[[noreturn]] void run_when_started(const InitPlan& plan, const nlohmann::json& state) {
    int fifo;
    while ((fifo = ::open(plan.fifo_path.c_str(), O_WRONLY | O_CLOEXEC)) < 0)
        if (errno != EINTR) ::_exit(1); // the state dir is gone: deleted before start
    // From here on, signals wait for sigwaitinfo in supervise().
    sigset_t all;
    sigfillset(&all);
    ::sigprocmask(SIG_BLOCK, &all, nullptr);
    auto report_and_exit = [&](const Error& e) {
        (void)send_all(fifo, encode_result(std::unexpected(e)));
        ::_exit(127);
    };
    auto started = state_with_status(state.dump(), "created").dump();
    if (auto ok = run_hooks(HookClass::start_container, plan.start_container, started); !ok) report_and_exit(ok.error());
    if (auto ok = enter_container_root(plan.root_mount_point); !ok) report_and_exit(ok.error());
    if (auto ok = drop_privileges(plan.user); !ok) report_and_exit(ok.error());
    CStrings argv(plan.tender_argv), envp({});
    auto tender = spawn([&] {
        ::execve(plan.tender_argv[0].c_str(), argv.get(), envp.get());
        return errno;
    });
    if (!tender) report_and_exit(tender.error());
    if (int e = tender->exec_result(); e != 0)
        report_and_exit(Error{Exit::os_error, fmt::format("cannot execute nabla-run: {}", std::strerror(e))});
    (void)send_all(fifo, encode_result({}));
    ::close(fifo);
    supervise(*tender);
}

[[noreturn]] void container_main(const InitPlan& plan, int sync) {
    log::silence();
    std::vector<int> keep{0, 1, 2, sync};
    for (const auto& j : plan.namespaces.joins) keep.push_back(j.fd.get());
    for (const auto& f : plan.root_files) keep.push_back(f.tree);
    close_fds_except(keep); // runnc's own: the state dir's lock above all

    // 1. create has put us in the cgroups.
    if (!receive(sync)) ::_exit(1);
    // 2. namespaces, hostname, root.
    if (auto ok = enter_namespaces(plan.namespaces); !ok) fail_step(sync, ok.error());
    if (plan.hostname && ::sethostname(plan.hostname->data(), plan.hostname->size()) != 0)
        fail_step(sync, fail_os("hostname: sethostname").error());
    if (auto ok = build_container_root(plan.root_mount_point, plan.root_files); !ok) fail_step(sync, ok.error());
    if (!send_all(sync, encode_result({}))) ::_exit(1);
    // 3. createContainer hooks, with the state create sends.
    auto state_text = receive(sync);
    if (!state_text) ::_exit(1);
    auto state = state_with_status(*state_text, "creating");
    if (auto ok = run_hooks(HookClass::create_container, plan.create_container, state.dump()); !ok)
        fail_step(sync, ok.error());
    exit_fd = ::open(plan.exit_path.c_str(), O_WRONLY | O_CLOEXEC);
    if (exit_fd < 0) fail_step(sync, fail_os(fmt::format("cannot open {}", plan.exit_path)).error());
    handle_signals_while_created();
    if (!send_all(sync, encode_result({}))) ::_exit(1); // create is gone: so are we
    close_fds_except({0, 1, 2, exit_fd});
    run_when_started(plan, state);
}

} // namespace

std::string encode_result(const Result<void>& r) {
    if (r) return "ok";
    return fmt::format("err{}\n{}", static_cast<int>(r.error().code), r.error().message);
}

Result<void> decode_result(std::string_view message) {
    if (message == "ok") return {};
    auto nl = message.find('\n');
    int code = static_cast<int>(Exit::os_error);
    if (message.starts_with("err") && nl != std::string_view::npos)
        std::from_chars(message.data() + 3, message.data() + nl, code);
    auto text = nl == std::string_view::npos ? message : message.substr(nl + 1);
    return fail(static_cast<Exit>(code), std::string(text));
}

Result<ContainerProcess> ContainerProcess::spawn(const InitPlan& plan) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) return fail_os("socketpair");
    UniqueFd ours(pair[0]), theirs(pair[1]);
    auto child = nabla::runnc::spawn(
        [&]() -> int {
            ours.reset();
            container_main(plan, theirs.get());
        },
        plan.namespaces.clone_flags);
    if (!child) return std::unexpected(in_context("creating the container process", child.error()));
    return ContainerProcess(std::move(*child), std::move(ours));
}

Result<void> ContainerProcess::proceed(std::string_view payload) {
    std::string msg = payload.empty() ? std::string("go") : std::string(payload);
    if (!send_all(sync_.get(), msg)) return fail_os("the container process is gone");
    return {};
}

Result<void> ContainerProcess::await(std::string_view step) {
    auto msg = receive(sync_.get());
    if (msg) return decode_result(*msg);
    // It ended without a word: say how.
    auto status = child_.wait();
    if (!status) return std::unexpected(status.error());
    if (WIFSIGNALED(status->wait_status))
        return fail(Exit::os_error, fmt::format("{}: the container process was killed by signal {}", step,
                                                WTERMSIG(status->wait_status)));
    return fail(Exit::os_error, fmt::format("{}: the container process exited with status {}", step,
                                            WEXITSTATUS(status->wait_status)));
}

} // namespace nabla::runnc

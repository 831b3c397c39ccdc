#include "container.hpp"

#include "files.hpp"
#include "hooks.hpp"
#include "log.hpp"
#include "rootfs_image.hpp"
#include "tender_command.hpp"

#include <climits>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <memory>
#include <fmt/format.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nabla::runnc {
namespace {

std::string quoted(const std::string& id) { return fmt::format("\"{}\"", id); }

Result<std::string> real_directory(const std::string& path, std::string_view what) {
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf)) return fail_errno(Exit::no_input, fmt::format("{}: {}", what, path));
    struct stat st{};
    if (::stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(Exit::no_input, fmt::format("{}: {} is not a directory", what, path));
    return std::string(buf);
}

Result<void> set_rlimits(pid_t pid, const std::vector<Rlimit>& rlimits) {
    for (size_t i = 0; i < rlimits.size(); i++) {
        const auto& r = rlimits[i];
        rlimit lim{r.soft, r.hard};
        if (::prlimit(pid, static_cast<__rlimit_resource>(r.resource), &lim, nullptr) != 0)
            return fail_os(fmt::format("process.rlimits[{}] ({} {}/{})", i, r.name, r.soft, r.hard));
    }
    return {};
}

// Everything create makes, in the order it makes it: destroyed in reverse
// on failure, so the process is dead before its cgroups go, and they before
// the state directory.
struct Creation {
    std::optional<StateDir> state;
    std::optional<CgroupGuard> cgroups;
    std::optional<ContainerProcess> process;
    Record record;
    std::vector<Hook> poststop;
};

Result<void> create_steps(const GlobalOptions& g, const CreateRequest& req, Creation& c) {
    auto bundle = real_directory(req.bundle.empty() ? "." : req.bundle, "--bundle");
    if (!bundle) return std::unexpected(bundle.error());
    auto text = read_file(*bundle + "/config.json", 4 << 20);
    if (!text) return fail(text.error().code, fmt::format("bundle {}: {}", *bundle, text.error().message));
    auto config = parse_config(*text);
    if (!config) return std::unexpected(config.error());
    if (config->process.terminal)
        return fail(Exit::unsupported, "config.json: process.terminal: terminals are not supported yet (run without -t)");
    if (config->process.cwd != "/")
        return fail(Exit::unsupported, fmt::format("config.json: process.cwd: '{}': a nabla guest starts in / (nabla-run "
                                                   "has no working-directory option yet)",
                                                   config->process.cwd));
    auto root_path = config->root_path.starts_with('/') ? config->root_path : *bundle + "/" + config->root_path;
    auto rootfs = real_directory(root_path, "config.json: root.path");
    if (!rootfs) return std::unexpected(rootfs.error());
    auto kernel = find_kernel(*rootfs, config->process);
    if (!kernel) return std::unexpected(in_context("config.json", kernel.error()));
    auto tools = own_directory();
    if (!tools) return std::unexpected(tools.error());
    auto tender_path = *tools + "/nabla-run";
    UniqueFd tender_fd(::open(tender_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!tender_fd.valid()) return fail_errno(Exit::no_input, fmt::format("the tender {} (next to runnc)", tender_path));

    auto state = StateDir::create(g.root, req.id);
    if (!state) return std::unexpected(state.error());
    c.state.emplace(std::move(*state));
    auto& r = c.record;
    r.id = req.id;
    r.bundle = *bundle;
    r.rootfs = *rootfs;
    r.created = now_rfc3339();
    r.owner = ::getuid();
    r.annotations = config->annotations;
    r.creator = identify_process(::getpid()).value_or(ProcessId{});
    r.poststart = config->hooks.of(HookClass::poststart);
    r.poststop = c.poststop = config->hooks.of(HookClass::poststop);
    // From here a runnc killed mid-create leaves a record delete can clean up.
    if (auto ok = c.state->save(r); !ok) return ok;

    UniqueFd image_fd;
    if (kernel->wants_root_image) {
        auto image = cached_root_image(g.root + "/images", *rootfs, *tools + "/nabla-mkroot");
        if (!image) return std::unexpected(image.error());
        r.image = *image;
        image_fd = UniqueFd(::open(image->c_str(), O_RDONLY | O_CLOEXEC));
        if (!image_fd.valid()) return fail_os(fmt::format("cannot open {}", *image));
    }
    auto cgroups = create_cgroups(config->cgroups_path, req.id, config->resources);
    if (!cgroups) return std::unexpected(cgroups.error());
    c.cgroups.emplace(std::move(*cgroups));
    r.cgroups = c.cgroups->set();
    if (auto ok = c.state->save(r); !ok) return ok;

    auto fifo = c.state->file("start.fifo");
    if (::mkfifo(fifo.c_str(), 0600) != 0) return fail_os(fmt::format("cannot create {}", fifo));
    if (auto ok = write_file_atomic(c.state->file("exit"), "", 0600); !ok) return ok;
    auto mount_point = c.state->file("root");
    if (::mkdir(mount_point.c_str(), 0755) != 0) return fail_os(fmt::format("cannot create {}", mount_point));
    auto namespaces = plan_namespaces(config->namespaces);
    if (!namespaces) return std::unexpected(in_context("config.json", namespaces.error()));

    InitPlan plan;
    plan.namespaces = std::move(*namespaces);
    plan.hostname = config->hostname;
    plan.root_mount_point = mount_point;
    std::vector<UniqueFd> trees;
    auto bind = [&](int fd, std::string_view in_root) -> Result<void> {
        auto tree = detached_bind(fd, in_root);
        if (!tree) return std::unexpected(tree.error());
        plan.root_files.push_back({tree->get(), std::string(in_root)});
        trees.push_back(std::move(*tree));
        return {};
    };
    if (auto ok = bind(tender_fd.get(), root_tender_path); !ok) return ok;
    if (auto ok = bind(kernel->fd.get(), kernel->in_root); !ok) return ok;
    if (image_fd.valid())
        if (auto ok = bind(image_fd.get(), root_image_path); !ok) return ok;
    plan.tender_argv = tender_argv(*config, std::string(root_tender_path), kernel->in_root,
                                   image_fd.valid() ? std::string(root_image_path) : std::string());
    plan.user = config->process.user;
    plan.create_container = config->hooks.of(HookClass::create_container);
    plan.start_container = config->hooks.of(HookClass::start_container);
    plan.fifo_path = fifo;
    plan.exit_path = c.state->file("exit");
    {
        std::string line;
        for (const auto& a : plan.tender_argv) line += (line.empty() ? "" : " ") + a;
        log::debug(fmt::format("{}: tender: {}", req.id, line));
    }

    auto process = ContainerProcess::spawn(plan);
    if (!process) return std::unexpected(process.error());
    c.process.emplace(std::move(*process));
    pid_t pid = c.process->pid();
    if (auto ok = join_cgroups(c.cgroups->set(), pid); !ok) return ok;
    if (auto ok = set_rlimits(pid, config->process.rlimits); !ok) return ok;
    if (config->process.oom_score_adj)
        if (auto ok = write_control(fmt::format("/proc/{}/oom_score_adj", pid), std::to_string(*config->process.oom_score_adj));
            !ok)
            return fail(ok.error().code, "process.oomScoreAdj: " + ok.error().message);
    r.init = identify_process(pid).value_or(ProcessId{pid, 0});
    if (auto ok = c.state->save(r); !ok) return ok;

    if (auto ok = c.process->proceed(); !ok) return ok;
    if (auto ok = c.process->await("setting up the container"); !ok) return ok;
    auto state_json = oci_state_json(r, Status::creating);
    if (auto ok = run_hooks(HookClass::prestart, config->hooks.of(HookClass::prestart), state_json); !ok) return ok;
    if (auto ok = run_hooks(HookClass::create_runtime, config->hooks.of(HookClass::create_runtime), state_json); !ok)
        return ok;
    if (auto ok = c.process->proceed(state_json); !ok) return ok;
    if (auto ok = c.process->await("createContainer hooks"); !ok) return ok;

    r.creator = {};
    if (auto ok = c.state->save(r); !ok) return ok;
    if (!req.pid_file.empty())
        if (auto ok = write_file_atomic(req.pid_file, std::to_string(pid), 0644); !ok)
            return fail(ok.error().code, "--pid-file: " + ok.error().message);
    log::debug(fmt::format("{}: created, pid {}", req.id, pid));
    return {};
}

// The container's state, locked for a change.
struct Opened {
    StateDir dir;
    Record record;
    Status status;
};

Result<Opened> open_container(const GlobalOptions& g, const std::string& id, bool lock) {
    auto dir = StateDir::open(g.root, id, lock);
    if (!dir) return std::unexpected(dir.error());
    auto record = dir->load();
    if (!record) return std::unexpected(record.error());
    auto status = current_status(*record);
    return Opened{std::move(*dir), std::move(*record), status};
}

Result<void> signal_container(const Record& r, int sig, bool all) {
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, r.init.pid, 0)));
    // Opened first, checked second: the pid cannot be reused in between.
    if (pidfd.valid() && process_alive(r.init))
        if (::syscall(SYS_pidfd_send_signal, pidfd.get(), sig, nullptr, 0) != 0 && errno != ESRCH)
            return fail_os(fmt::format("cannot signal pid {}", r.init.pid));
    if (all) {
        auto pids = cgroup_pids(r.cgroups);
        if (!pids) return std::unexpected(pids.error());
        for (pid_t p : *pids) ::kill(p, sig);
    }
    return {};
}

// SIGKILL to everything of the container, and wait until it is gone.
Result<void> kill_everything(const Record& r) {
    if (auto ok = signal_container(r, SIGKILL, true); !ok) return ok;
    if (cgroups_frozen(r.cgroups)) (void)freeze_cgroups(r.cgroups, false); // a frozen task dies only once thawed
    if (r.init.pid > 0 && process_alive(r.init) && !wait_for_exit(r.init.pid, 5000))
        return fail(Exit::os_error, fmt::format("pid {} is still there 5 s after SIGKILL", r.init.pid));
    for (int i = 0; i < 5000; i++) {
        auto pids = cgroup_pids(r.cgroups);
        if (!pids || pids->empty()) return {};
        if (i % 100 == 0)
            for (pid_t p : *pids) ::kill(p, SIGKILL);
        ::usleep(1000);
    }
    return fail(Exit::os_error, "the container's processes are still there 5 s after SIGKILL");
}

} // namespace

Result<std::optional<ContainerProcess>> create_container(const GlobalOptions& g, const CreateRequest& req, bool keep) {
    auto c = std::make_unique<Creation>();
    if (auto ok = create_steps(g, req, *c); !ok) {
        bool spawned = c->process.has_value();
        auto state_json = oci_state_json(c->record, Status::stopped);
        auto poststop = c->poststop;
        c.reset(); // the process killed, then its cgroups and state dir removed
        if (spawned) run_hooks_warn(HookClass::poststop, poststop, state_json);
        return std::unexpected(ok.error());
    }
    c->state->commit();
    c->cgroups->release();
    if (!keep) {
        c->process->release();
        return std::nullopt;
    }
    return std::optional<ContainerProcess>(std::move(*c->process));
}

Result<void> start_container(const GlobalOptions& g, const std::string& id) {
    auto c = open_container(g, id, true);
    if (!c) return std::unexpected(c.error());
    auto& r = c->record;
    if (c->status != Status::created)
        return fail(Exit::state, fmt::format("container {} is {}: only a created container can be started", quoted(id),
                                             status_name(c->status)));
    auto fifo_path = c->dir.file("start.fifo");
    // Non-blocking: opening never waits, and a container process that died
    // meanwhile is noticed below rather than waited for forever.
    UniqueFd fifo(::open(fifo_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fifo.valid()) return fail_os(fmt::format("cannot open {}", fifo_path));
    std::string message;
    for (;;) {
        pollfd p{fifo.get(), POLLIN, 0};
        int n = ::poll(&p, 1, 100);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) {
            if (!process_alive(r.init)) break;
            continue;
        }
        char buf[4096];
        auto got = ::read(fifo.get(), buf, sizeof buf);
        if (got > 0) message.append(buf, static_cast<size_t>(got));
        else if (got == 0 && (p.revents & POLLHUP)) break;
        else if (got < 0 && errno != EAGAIN && errno != EINTR) return fail_os(fmt::format("cannot read {}", fifo_path));
    }
    ::unlink(fifo_path.c_str());
    if (message.empty()) {
        auto exit = c->dir.exit_status();
        return fail(Exit::state, fmt::format("container {}: the container process ended before the guest started{}",
                                             quoted(id), exit ? fmt::format(" (status {})", exit->code) : ""));
    }
    if (auto ok = decode_result(message); !ok) return fail(ok.error().code, "start: " + ok.error().message);
    r.started = true;
    if (auto ok = c->dir.save(r); !ok) return ok;
    log::debug(fmt::format("{}: started", id));
    run_hooks_warn(HookClass::poststart, r.poststart, oci_state_json(r, Status::running));
    return {};
}

Result<void> kill_container(const GlobalOptions& g, const std::string& id, int sig, bool all) {
    auto c = open_container(g, id, false);
    if (!c) return std::unexpected(c.error());
    // containerd and podman recognise "container not running".
    if (c->status == Status::stopped)
        return fail(Exit::state, fmt::format("container {} is stopped: container not running", quoted(id)));
    return signal_container(c->record, sig, all);
}

Result<void> delete_container(const GlobalOptions& g, const std::string& id, bool force) {
    auto c = open_container(g, id, true);
    if (!c) return std::unexpected(c.error());
    auto& r = c->record;
    if (c->status != Status::stopped) {
        if (!force)
            return fail(Exit::state, fmt::format("container {} is {}: it is not stopped (delete --force kills it first)",
                                                 quoted(id), status_name(c->status)));
        if (auto ok = kill_everything(r); !ok) return ok;
    }
    auto exit = c->dir.exit_status();
    if (auto ok = remove_cgroups(r.cgroups); !ok) return ok; // the state stays: delete can be tried again
    if (auto ok = c->dir.remove(); !ok) return ok;
    log::debug(fmt::format("{}: deleted", id));
    run_hooks_warn(HookClass::poststop, r.poststop, oci_state_json(r, Status::stopped, exit));
    return {};
}

Result<void> pause_container(const GlobalOptions& g, const std::string& id, bool pause) {
    auto c = open_container(g, id, true);
    if (!c) return std::unexpected(c.error());
    auto want = pause ? Status::running : Status::paused;
    if (c->status != want)
        return fail(Exit::state, fmt::format("container {} is {}: only a {} container can be {}", quoted(id),
                                             status_name(c->status), status_name(want), pause ? "paused" : "resumed"));
    return freeze_cgroups(c->record.cgroups, pause);
}

Result<void> update_container(const GlobalOptions& g, const std::string& id, const Resources& resources) {
    auto c = open_container(g, id, true);
    if (!c) return std::unexpected(c.error());
    if (c->status == Status::stopped)
        return fail(Exit::state, fmt::format("container {} is stopped: container not running", quoted(id)));
    // The guest's memory was fixed when it started (--mem): a new memory
    // limit changes what the cgroup allows, not what the guest sees.
    return apply_resources(c->record.cgroups, resources);
}

Result<std::string> container_state_json(const GlobalOptions& g, const std::string& id) {
    auto c = open_container(g, id, false);
    if (!c) return std::unexpected(c.error());
    return oci_state_json(c->record, c->status, c->dir.exit_status());
}

Result<std::vector<pid_t>> container_pids(const GlobalOptions& g, const std::string& id) {
    auto c = open_container(g, id, false);
    if (!c) return std::unexpected(c.error());
    if (c->status == Status::stopped) return std::vector<pid_t>{};
    return cgroup_pids(c->record.cgroups);
}

std::vector<Listed> list_containers(const GlobalOptions& g) {
    std::vector<Listed> out;
    for (const auto& id : list_ids(g.root)) {
        auto c = open_container(g, id, false);
        if (c) out.push_back({std::move(c->record), c->status});
    }
    return out;
}

Result<int> run_container(const GlobalOptions& g, const CreateRequest& req, bool detach) {
    // Signals for the container wait in a signalfd from the start; the
    // container process resets its mask.
    sigset_t forwarded;
    sigemptyset(&forwarded);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH}) sigaddset(&forwarded, sig);
    if (!detach) ::sigprocmask(SIG_BLOCK, &forwarded, nullptr);
    auto created = create_container(g, req, true);
    if (!created) return std::unexpected(created.error());
    auto& process = **created;
    if (auto ok = start_container(g, req.id); !ok) {
        process.child().kill(SIGKILL);
        (void)process.child().wait();
        (void)delete_container(g, req.id, true);
        return std::unexpected(ok.error());
    }
    if (detach) {
        process.release();
        return 0;
    }
    UniqueFd signals(::signalfd(-1, &forwarded, SFD_CLOEXEC));
    if (!signals.valid()) return fail_os("signalfd");
    for (;;) {
        pollfd p[2] = {{process.child().pidfd.get(), POLLIN, 0}, {signals.get(), POLLIN, 0}};
        if (::poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return fail_os("poll");
        }
        if (p[1].revents & POLLIN) {
            signalfd_siginfo info{};
            if (::read(signals.get(), &info, sizeof info) == sizeof info) process.child().kill(static_cast<int>(info.ssi_signo));
        }
        if (p[0].revents & POLLIN) break;
    }
    auto status = process.child().wait();
    if (!status) return std::unexpected(status.error());
    if (auto ok = delete_container(g, req.id, true); !ok) return std::unexpected(ok.error());
    if (WIFSIGNALED(status->wait_status)) return 128 + WTERMSIG(status->wait_status);
    return WEXITSTATUS(status->wait_status);
}

} // namespace nabla::runnc

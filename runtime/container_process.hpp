// The container process: pid 1 of the container's new pid namespace, and
// the pid runnc reports to engines.
//
// Why not the tender itself as pid 1: the kernel delivers to a namespace's
// init only the signals it has a handler for, and a nabla guest can have
// none, so `kill ID TERM` (podman stop, docker stop) would be ignored and
// every stop would wait for the engine's SIGKILL. So pid 1 is runnc's own
// small init: it forks the tender (pid 2), forwards every signal to it, and
// exits with the tender's status (its exit code, or 128 + the signal that
// killed it), which it also writes to the state dir for `state`.
//
// Steps, with runnc create on the other end of a socket pair:
//   1. wait until create has put it in the cgroups (and set rlimits, oom score)
//   2. join/create namespaces, set the hostname, build the container root →
//      create runs prestart and createRuntime hooks
//   3. run createContainer hooks → create records "created" and exits
//   4. block opening start.fifo for writing until runnc start opens it
//   5. run startContainer hooks, pivot_root, drop every privilege, fork and
//      exec the tender; report "ok" (or the error) through the fifo
//   6. forward signals until the tender exits; record its status; exit
#pragma once

#include "container_root.hpp"
#include "error.hpp"
#include "namespaces.hpp"
#include "oci_config.hpp"
#include "process_util.hpp"

#include <optional>
#include <string>
#include <vector>

namespace nabla::runnc {

struct InitPlan {
    NamespacePlan namespaces;
    std::optional<std::string> hostname;
    std::string root_mount_point;
    std::vector<RootFile> root_files;
    std::vector<std::string> tender_argv;
    User user;
    std::vector<Hook> create_container, start_container;
    std::string fifo_path, exit_path;
};

class ContainerProcess {
public:
    static Result<ContainerProcess> spawn(const InitPlan& plan);

    pid_t pid() const { return child_.pid; }
    Child& child() { return child_; }
    // Lets the container process take its next step, with `payload` (the
    // state JSON for its hooks).
    Result<void> proceed(std::string_view payload = {});
    // Waits for the step to be done; its error, or what became of the process.
    Result<void> await(std::string_view step);
    // create is done: the process lives on without runnc.
    void release() {
        sync_.reset();
        child_.release();
    }

private:
    ContainerProcess(Child child, UniqueFd sync) : child_(std::move(child)), sync_(std::move(sync)) {}
    Child child_;
    UniqueFd sync_;
};

// Messages on the sync socket and the start fifo: "ok", or "err" with the
// Error's code and message.
std::string encode_result(const Result<void>& r);
Result<void> decode_result(std::string_view message);

} // namespace nabla::runnc

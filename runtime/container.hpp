// The container lifecycle, one function per operation; the commands
// (commands/*.cpp) are thin over these. Every operation that changes a
// container holds its state directory's lock; `state`, `list`, `ps` and
// `kill` only read.
#pragma once

#include "cli.hpp"
#include "container_process.hpp"
#include "error.hpp"
#include "state.hpp"

#include <optional>
#include <string>
#include <vector>

namespace nabla::runnc {

struct CreateRequest {
    std::string id;
    std::string bundle;   // empty: the working directory
    std::string pid_file; // empty: none
};

// Creates the container; on failure nothing is left (state dir, cgroups,
// processes; mounts only ever exist in the container's own namespace). With
// `keep`, the container process stays runnc's child (for run), else it is
// left to whoever reaps orphans (an engine's subreaper).
Result<std::optional<ContainerProcess>> create_container(const GlobalOptions& g, const CreateRequest& req, bool keep);
Result<void> start_container(const GlobalOptions& g, const std::string& id);
Result<void> kill_container(const GlobalOptions& g, const std::string& id, int sig, bool all);
Result<void> delete_container(const GlobalOptions& g, const std::string& id, bool force);
Result<void> pause_container(const GlobalOptions& g, const std::string& id, bool pause);
Result<void> update_container(const GlobalOptions& g, const std::string& id, const Resources& resources);
Result<std::string> container_state_json(const GlobalOptions& g, const std::string& id);
Result<std::vector<pid_t>> container_pids(const GlobalOptions& g, const std::string& id);

struct Listed {
    Record record;
    Status status;
};
std::vector<Listed> list_containers(const GlobalOptions& g);

// create + start; unless detached, waits (forwarding signals), deletes, and
// returns the container's exit status.
Result<int> run_container(const GlobalOptions& g, const CreateRequest& req, bool detach);

} // namespace nabla::runnc

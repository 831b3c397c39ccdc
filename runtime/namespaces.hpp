// Which namespaces the container process gets. A nabla container always has
// its own mount, pid, ipc and uts namespaces (defence in depth under the
// tender's filter), whatever config.json lists; ipc, uts, network and cgroup
// namespaces given with a path are joined instead (a pod's shared ones). A
// network namespace listed without a path is created; without one listed,
// the container stays in runnc's (its guest has no net device yet).
#pragma once

#include "error.hpp"
#include "oci_config.hpp"
#include "unique_fd.hpp"

#include <vector>

namespace nabla::runnc {

struct NamespaceJoin {
    UniqueFd fd;
    int type; // CLONE_NEW*
    std::string what; // for errors: "linux.namespaces[2] (/var/run/netns/x)"
};

struct NamespacePlan {
    unsigned long clone_flags = 0;   // created by clone
    bool new_cgroup = false;         // unshared after joining the cgroups
    std::vector<NamespaceJoin> joins; // setns, in the container process
};

// Opens the namespaces to join (failing here, naming the entry, rather than
// in the container process) and works out the clone flags.
Result<NamespacePlan> plan_namespaces(const std::vector<Namespace>& namespaces);

// In the container process: joins, then the new cgroup namespace.
Result<void> enter_namespaces(const NamespacePlan& plan);

} // namespace nabla::runnc

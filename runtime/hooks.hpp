// OCI hooks: each runs as its own process with the container's state JSON on
// stdin, its own args and env, and an optional timeout. runnc create runs
// prestart and createRuntime (runtime namespaces), the container's init runs
// createContainer and startContainer (in the container's namespaces, before
// pivot_root: a nabla container's root holds no programs to run), runnc start
// runs poststart and runnc delete poststop.
#pragma once

#include "error.hpp"
#include "oci_config.hpp"

#include <string>
#include <vector>

namespace nabla::runnc {

// Runs the hooks of one class in order; the first failure ends the run with
// Exit::hook, naming the hook: `hooks.createRuntime[1] (/usr/bin/x): exited with status 3`.
Result<void> run_hooks(HookClass cls, const std::vector<Hook>& hooks, const std::string& state_json);

// For poststart and poststop, whose failures the spec makes warnings.
void run_hooks_warn(HookClass cls, const std::vector<Hook>& hooks, const std::string& state_json);

} // namespace nabla::runnc

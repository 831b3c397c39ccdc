// The container process gives up everything before the tender runs: it sets
// no_new_privs, locks root out of gaining capabilities by exec, empties the
// bounding, ambient, inheritable, permitted and effective sets, and takes
// process.user's ids. The tender then installs its own seven-call filter.
#pragma once

#include "error.hpp"
#include "oci_config.hpp"

namespace nabla::runnc {

Result<void> drop_privileges(const User& user);

} // namespace nabla::runnc

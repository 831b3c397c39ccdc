// The tender's steps from a parsed command line to a running guest.
#pragma once

#include "cli.hpp"
#include "error.hpp"

#include <string>

namespace nabla {

// Loads, attaches and checks everything, then jumps into the guest: returns
// only on failure. With --print-policy, prints the policy and returns success.
Result<std::string> run_tender(const Options& opts);

} // namespace nabla

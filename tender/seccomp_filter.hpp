// Compiles the policy (seccomp_policy.hpp) to a BPF program with libseccomp.
// The program is exported to plain memory so that installing it later needs
// no allocation and no library call.
#pragma once

#include "error.hpp"
#include "seccomp_policy.hpp"

#include <linux/filter.h>

#include <vector>

namespace nabla {

inline constexpr size_t bpf_max_instructions = 4096; // the kernel's BPF_MAXINSNS

Result<std::vector<sock_filter>> compile_filter(const std::vector<Rule>& rules);

} // namespace nabla

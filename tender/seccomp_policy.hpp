// The security boundary, as data: which system calls the guest may make,
// with which argument values, and why. Built from the attached devices;
// compiled to BPF by seccomp_filter.cpp and printed by --print-policy.
// A call that matches no rule kills the process.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nabla {

enum class Cmp { eq, le, masked_eq };

struct ArgCheck {
    unsigned arg;   // 0..5
    Cmp op;
    uint64_t value; // for masked_eq: (arg & mask) == value
    uint64_t mask = 0;
};

struct Rule {
    std::string syscall;
    int nr;
    std::vector<ArgCheck> checks; // all must hold
    std::string why;
};

struct PolicyBlock {
    std::string name;
    int fd;
    uint64_t capacity;
    uint32_t block_size;
    bool read_only;
    uint64_t max_request;
};

struct PolicyTap {
    std::string name;
    int fd;
};

struct PolicyInput {
    std::vector<int> console_fds; // stdout, stderr
    std::vector<PolicyTap> taps;
    std::vector<PolicyBlock> blocks;
    bool need_arch_prctl = false; // only on hosts without FSGSBASE
};

std::vector<Rule> build_policy(const PolicyInput& in);

// The order the filter should test syscalls in: the per-call cost of a
// seccomp filter grows with the instructions run before a match.
const std::vector<int>& syscalls_hottest_first();

// One line per rule: syscall, conditions, reason.
std::string format_policy(const std::vector<Rule>& rules);

} // namespace nabla

// Which system calls a stack of seccomp filters lets through. Each filter is
// run over every syscall number with the BPF interpreter; the arguments are
// searched: every argument word a filter reads is tried at the values the
// filters compare against (each constant, its neighbours, 0 and ~0), so a call
// the filter allows only for pinned arguments (an fd, a length) is found, and
// one it allows for no arguments is "never". Exact for filters that compare
// argument words with constants (libseccomp's, runc's, the tender's); for
// others the search is a lower bound. Pure.
#pragma once

#include "error.hpp"

#include <linux/filter.h>

#include <cstdint>
#include <span>
#include <vector>

namespace hap {

using BpfProgram = std::vector<sock_filter>;

enum class Reach {
    never,     // no arguments pass
    some_args, // some arguments pass: the filters read them
    any_args,  // passes without the filters reading an argument
    unknown,   // the search gave up (budget)
};

struct Verdict {
    int nr;       // without the x32 bit
    Reach reach;
};

// ABIs a filter can be asked about on an x86_64 host.
enum class Abi { x86_64, x32, i386 };

// Verdicts for numbers 0..max_nr of one ABI; filters in any order (the
// kernel's answer does not depend on it for pass/fail).
Result<std::vector<Verdict>> evaluate_filters(std::span<const BpfProgram> filters, Abi abi, int max_nr);

bool reaches(Reach r); // some_args or any_args

} // namespace hap

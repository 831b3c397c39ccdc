// A classic BPF interpreter for seccomp filters: runs a filter the kernel
// accepted over a seccomp_data record, as the kernel does, with the
// instruction set seccomp_check_filter() allows. Pure.
//
// Argument words may be left open: a load of one the caller has not fixed
// stops the run and names the word, so a search (allowed_surface.cpp) can try
// values for it.
#pragma once

#include "error.hpp"

#include <linux/filter.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

namespace hap {

inline constexpr uint32_t seccomp_data_size = 64; // nr, arch, instruction_pointer, args[6]

// What a filter load reads: the syscall number and arch are always known; the
// instruction pointer and the 12 argument words (args[i] low word at 16+8i,
// high word at 20+8i) come from the source and may be open.
struct SeccompInput {
    int32_t nr = 0;
    uint32_t arch = 0;
    // Offset 8..60 (a multiple of 4) -> the word, or nullopt when open.
    std::function<std::optional<uint32_t>(uint32_t offset)> word;
};

struct OpenWord {
    uint32_t offset; // the load that needs it
};

// The filter's return value, or the open word it needs.
using BpfOutcome = std::variant<uint32_t, OpenWord>;

Result<BpfOutcome> run_bpf(std::span<const sock_filter> prog, const SeccompInput& in);

// All words known: the return value (args as given, instruction pointer 0).
Result<uint32_t> run_bpf(std::span<const sock_filter> prog, int32_t nr, uint32_t arch,
                         const uint64_t (&args)[6]);

// Seccomp return values.
uint32_t seccomp_action(uint32_t ret);               // ret & SECCOMP_RET_ACTION_FULL
bool seccomp_passes(uint32_t ret);                   // ALLOW or LOG: the kernel runs the call
uint32_t seccomp_combine(uint32_t a, uint32_t b);    // what two stacked filters' answers come to
std::string_view seccomp_action_name(uint32_t ret);  // "allow", "kill_process", ...

} // namespace hap

#include "allowed_surface.hpp"

#include "bpf.hpp"

#include <linux/audit.h>
#include <linux/seccomp.h>

#include <algorithm>
#include <array>
#include <optional>

namespace hap {
namespace {

constexpr uint32_t x32_syscall_bit = 0x40000000;
constexpr size_t search_budget = 200000; // filter runs per syscall number

// Offsets 8..60 of seccomp_data: instruction pointer and argument words.
using Assignment = std::array<std::optional<uint32_t>, 16>;

std::vector<uint32_t> candidate_values(std::span<const BpfProgram> filters) {
    std::vector<uint32_t> values{0, 0xffffffffu};
    for (const auto& prog : filters)
        for (const auto& f : prog) {
            bool constant_operand = BPF_SRC(f.code) == BPF_K &&
                                    (BPF_CLASS(f.code) == BPF_JMP || BPF_CLASS(f.code) == BPF_ALU) &&
                                    BPF_OP(f.code) != BPF_JA;
            if (!constant_operand && BPF_CLASS(f.code) != BPF_LD && BPF_CLASS(f.code) != BPF_LDX) continue;
            if ((BPF_CLASS(f.code) == BPF_LD || BPF_CLASS(f.code) == BPF_LDX) && BPF_MODE(f.code) != BPF_IMM)
                continue;
            values.insert(values.end(), {f.k, f.k - 1, f.k + 1});
        }
    std::ranges::sort(values);
    auto dup = std::ranges::unique(values);
    values.erase(dup.begin(), dup.end());
    return values;
}

struct Search {
    std::span<const BpfProgram> filters;
    const std::vector<uint32_t>& candidates;
    int32_t nr;
    uint32_t arch;
    size_t runs = 0;

    // One pass of every filter: the combined answer, or the open word.
    Result<BpfOutcome> run_all(const Assignment& given) {
        SeccompInput in{nr, arch, [&](uint32_t off) { return given[off / 4 - 2]; }};
        uint32_t combined = SECCOMP_RET_ALLOW;
        for (const auto& prog : filters) {
            auto out = run_bpf(prog, in);
            if (!out) return out;
            if (std::holds_alternative<OpenWord>(*out)) return out;
            combined = seccomp_combine(combined, std::get<uint32_t>(*out));
        }
        return BpfOutcome{combined};
    }

    Result<Reach> reach() {
        std::vector<Assignment> stack{Assignment{}};
        while (!stack.empty()) {
            if (++runs > search_budget) return Reach::unknown;
            Assignment given = stack.back();
            stack.pop_back();
            auto out = run_all(given);
            if (!out) return std::unexpected(out.error());
            if (auto* open = std::get_if<OpenWord>(&*out)) {
                // Try every candidate, the first one first (pushed last).
                for (auto v = candidates.rbegin(); v != candidates.rend(); ++v) {
                    Assignment next = given;
                    next[open->offset / 4 - 2] = *v;
                    stack.push_back(next);
                }
                continue;
            }
            if (seccomp_passes(std::get<uint32_t>(*out))) {
                bool read_any = std::ranges::any_of(given, [](auto& w) { return w.has_value(); });
                return read_any ? Reach::some_args : Reach::any_args;
            }
        }
        return Reach::never;
    }
};

} // namespace

bool reaches(Reach r) { return r == Reach::some_args || r == Reach::any_args; }

Result<std::vector<Verdict>> evaluate_filters(std::span<const BpfProgram> filters, Abi abi, int max_nr) {
    auto candidates = candidate_values(filters);
    uint32_t arch = abi == Abi::i386 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
    uint32_t bit = abi == Abi::x32 ? x32_syscall_bit : 0;
    std::vector<Verdict> out;
    for (int nr = 0; nr <= max_nr; nr++) {
        Search s{filters, candidates, static_cast<int32_t>(static_cast<uint32_t>(nr) | bit), arch};
        auto r = s.reach();
        if (!r) return std::unexpected(r.error());
        out.push_back({nr, *r});
    }
    return out;
}

} // namespace hap

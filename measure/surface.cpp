#include "surface.hpp"

#include "syscall_table.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <ranges>

namespace hap {
namespace {

// SECCOMP_MODE_STRICT, as the kernel defines it (kernel/seccomp.c mode1_syscalls).
constexpr std::string_view strict_mode_syscalls[] = {"read", "write", "exit", "rt_sigreturn"};

bool same_stack(const std::vector<BpfProgram>& a, const std::vector<BpfProgram>& b) {
    return std::ranges::equal(a, b, [](const BpfProgram& x, const BpfProgram& y) {
        return std::ranges::equal(x, y, [](const sock_filter& p, const sock_filter& q) {
            return p.code == q.code && p.jt == q.jt && p.jf == q.jf && p.k == q.k;
        });
    });
}

int rank(Reach r) {
    switch (r) {
    case Reach::never: return 0;
    case Reach::unknown: return 1;
    case Reach::some_args: return 2;
    case Reach::any_args: return 3;
    }
    return 0;
}

int passing(const std::vector<Verdict>& v) {
    return static_cast<int>(std::ranges::count_if(v, [](const Verdict& x) { return reaches(x.reach); }));
}

Result<void> evaluate(FilterStack& s) {
    if (s.mode == 1) {
        for (int nr = 0; nr <= abi_max_nr; nr++) s.x86_64.push_back({nr, Reach::never});
        for (auto name : strict_mode_syscalls)
            if (auto nr = syscall_number(name)) s.x86_64[*nr].reach = Reach::any_args;
        return {};
    }
    auto x = evaluate_filters(s.filters, Abi::x86_64, abi_max_nr);
    if (!x) return std::unexpected(x.error());
    s.x86_64 = std::move(*x);
    auto i = evaluate_filters(s.filters, Abi::i386, abi_max_nr);
    if (!i) return std::unexpected(i.error());
    auto x32 = evaluate_filters(s.filters, Abi::x32, abi_max_nr);
    if (!x32) return std::unexpected(x32.error());
    s.i386_passing = passing(*i);
    s.x32_passing = passing(*x32);
    return {};
}

} // namespace

int AllowedSurface::allowed_named() const {
    return static_cast<int>(std::ranges::count_if(
        union_x86_64, [](const Verdict& v) { return reaches(v.reach) && syscall_name(v.nr).has_value(); }));
}

int AllowedSurface::allowed_unnamed() const {
    return static_cast<int>(std::ranges::count_if(
        union_x86_64, [](const Verdict& v) { return reaches(v.reach) && !syscall_name(v.nr).has_value(); }));
}

Result<AllowedSurface> summarize_surface(const std::vector<TaskSeccomp>& tasks) {
    AllowedSurface out;
    for (const auto& t : tasks) {
        if (!t.problem.empty()) {
            out.problems.push_back(fmt::format("{} ({}): {}", t.comm, t.tid, t.problem));
            continue;
        }
        if (t.status.mode == 0) {
            out.unfiltered.push_back(fmt::format("{} ({})", t.comm, t.tid));
            continue;
        }
        if (t.status.mode != 1 && t.status.mode != 2) {
            out.problems.push_back(fmt::format("{} ({}): Seccomp mode {} in /proc/{}/status is not one nabla-hap knows",
                                               t.comm, t.tid, t.status.mode, t.tid));
            continue;
        }
        auto it = std::ranges::find_if(out.stacks, [&](const FilterStack& s) {
            return s.mode == t.status.mode && same_stack(s.filters, t.filters);
        });
        if (it != out.stacks.end()) {
            it->tids.push_back(t.tid);
            continue;
        }
        FilterStack s{t.comm, {t.tid}, t.status.mode, t.filters, {}, 0, 0};
        if (auto ok = evaluate(s); !ok) return std::unexpected(ok.error());
        out.stacks.push_back(std::move(s));
    }
    for (int nr = 0; nr <= abi_max_nr; nr++) {
        Reach best = Reach::never;
        for (const auto& s : out.stacks)
            if (rank(s.x86_64[nr].reach) > rank(best)) best = s.x86_64[nr].reach;
        out.union_x86_64.push_back({nr, best});
    }
    for (const auto& s : out.stacks) {
        out.union_i386 = std::max(out.union_i386, s.i386_passing);
        out.union_x32 = std::max(out.union_x32, s.x32_passing);
    }
    return out;
}

} // namespace hap

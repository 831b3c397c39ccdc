#include "seccomp_policy.hpp"

#include <asm/prctl.h>
#include <sys/syscall.h>
#include <time.h>

#include <fmt/format.h>

namespace nabla {

std::vector<Rule> build_policy(const PolicyInput& in) {
    std::vector<Rule> rules;
    auto add = [&](std::string name, int nr, std::vector<ArgCheck> checks, std::string why) {
        rules.push_back({std::move(name), nr, std::move(checks), std::move(why)});
    };

    for (int fd : in.console_fds)
        add("write", SYS_write, {{0, Cmp::eq, uint64_t(fd)}},
            fmt::format("console ({})", fd == 1 ? "stdout" : fd == 2 ? "stderr" : "fd"));
    for (const auto& t : in.taps) {
        add("read", SYS_read, {{0, Cmp::eq, uint64_t(t.fd)}}, fmt::format("receive a frame on net '{}'", t.name));
        add("write", SYS_write, {{0, Cmp::eq, uint64_t(t.fd)}}, fmt::format("send a frame on net '{}'", t.name));
    }
    // BPF cannot add, so offset + length <= capacity is checked per length:
    // the guest splits requests into power-of-two block counts, each with
    // its own exact bound on the offset.
    for (const auto& b : in.blocks) {
        for (uint64_t len = b.block_size; len <= b.max_request && len <= b.capacity; len *= 2) {
            std::vector<ArgCheck> checks = {{0, Cmp::eq, uint64_t(b.fd)},
                                            {2, Cmp::eq, len},
                                            {3, Cmp::le, b.capacity - len}};
            add("pread64", SYS_pread64, checks, fmt::format("read {} blocks of block '{}'", len / b.block_size, b.name));
            if (!b.read_only)
                add("pwrite64", SYS_pwrite64, checks,
                    fmt::format("write {} blocks of block '{}'", len / b.block_size, b.name));
        }
    }
    add("ppoll", SYS_ppoll, {{3, Cmp::eq, 0}}, "wait for a deadline or a net frame (no signal mask)");
    add("clock_gettime", SYS_clock_gettime, {{0, Cmp::eq, CLOCK_MONOTONIC}}, "monotonic clock (vDSO fallback)");
    add("clock_gettime", SYS_clock_gettime, {{0, Cmp::eq, CLOCK_REALTIME}}, "wall clock (vDSO fallback)");
    add("exit_group", SYS_exit_group, {}, "the guest's exit");
    if (in.need_arch_prctl)
        add("arch_prctl", SYS_arch_prctl, {{0, Cmp::eq, ARCH_SET_FS}}, "set TLS: this host lacks FSGSBASE");
    return rules;
}

const std::vector<int>& syscalls_hottest_first() {
    // Data path first, then waiting, then the rare ones (clocks come from the vDSO).
    static const std::vector<int> order = {SYS_pread64, SYS_pwrite64, SYS_read,      SYS_write,
                                           SYS_ppoll,   SYS_clock_gettime, SYS_arch_prctl, SYS_exit_group};
    return order;
}

std::string format_policy(const std::vector<Rule>& rules) {
    static constexpr const char* arg_names[6] = {"arg0", "arg1", "arg2", "arg3", "arg4", "arg5"};
    std::string out = fmt::format("{:<14} {:<46} {}\n", "SYSCALL", "ALLOWED WHEN", "WHY");
    for (const auto& r : rules) {
        std::string cond;
        for (const auto& c : r.checks) {
            if (!cond.empty()) cond += " && ";
            const char* name = arg_names[c.arg];
            if (r.nr == SYS_write || r.nr == SYS_read || r.nr == SYS_pread64 || r.nr == SYS_pwrite64) {
                name = c.arg == 0 ? "fd" : c.arg == 2 ? "count" : c.arg == 3 ? "offset" : name;
            } else if (r.nr == SYS_ppoll && c.arg == 3) {
                name = "sigmask";
            } else if (r.nr == SYS_clock_gettime || r.nr == SYS_arch_prctl) {
                name = c.arg == 0 ? (r.nr == SYS_arch_prctl ? "code" : "clock") : name;
            }
            switch (c.op) {
            case Cmp::eq: cond += fmt::format("{} == {}", name, c.value); break;
            case Cmp::le: cond += fmt::format("{} <= {}", name, c.value); break;
            case Cmp::masked_eq: cond += fmt::format("({} & {:#x}) == {:#x}", name, c.mask, c.value); break;
            }
        }
        if (cond.empty()) cond = "always";
        out += fmt::format("{:<14} {:<46} {}\n", r.syscall, cond, r.why);
    }
    out += "anything else  kills the process (SIGSYS)\n";
    return out;
}

} // namespace nabla

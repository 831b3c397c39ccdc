// The BPF evaluator and the allowed-surface search, on filters whose answers
// are known: built with libseccomp, the tender's own policy, and by hand.
#include "allowed_surface.hpp"
#include "bpf.hpp"
#include "seccomp_filter.hpp"
#include "seccomp_policy.hpp"
#include "syscall_table.hpp"

#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>

namespace {

using hap::BpfProgram;
using hap::Reach;

struct CtxRelease {
    void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxRelease>;

BpfProgram export_bpf(void* ctx) {
    int fd = memfd_create("hap-test-bpf", MFD_CLOEXEC);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(seccomp_export_bpf(ctx, fd), 0);
    struct stat st {};
    fstat(fd, &st);
    BpfProgram prog(static_cast<size_t>(st.st_size) / sizeof(sock_filter));
    EXPECT_EQ(pread(fd, prog.data(), static_cast<size_t>(st.st_size), 0), st.st_size);
    close(fd);
    return prog;
}

uint32_t run(const BpfProgram& p, int nr, const uint64_t (&args)[6] = {}) {
    auto r = hap::run_bpf(p, nr, AUDIT_ARCH_X86_64, args);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r.value_or(0xdead);
}

std::set<std::string> allowed_names(std::span<const BpfProgram> filters) {
    auto v = hap::evaluate_filters(filters, hap::Abi::x86_64, hap::max_syscall_nr());
    EXPECT_TRUE(v.has_value()) << (v ? "" : v.error().message);
    std::set<std::string> names; // of the numbers the headers name
    for (const auto& x : *v)
        if (hap::reaches(x.reach) && hap::syscall_name(x.nr)) names.insert(hap::syscall_label(x.nr));
    return names;
}

Reach reach_of(std::span<const BpfProgram> filters, std::string_view name) {
    auto v = hap::evaluate_filters(filters, hap::Abi::x86_64, hap::max_syscall_nr());
    return (*v)[static_cast<size_t>(*hap::syscall_number(name))].reach;
}

TEST(Bpf, DefaultAllowWithOneErrnoRule) {
    Ctx ctx(seccomp_init(SCMP_ACT_ALLOW));
    ASSERT_EQ(seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(1), SCMP_SYS(getpid), 0), 0);
    auto p = export_bpf(ctx.get());
    EXPECT_EQ(run(p, SCMP_SYS(getpid)), SECCOMP_RET_ERRNO | 1);
    EXPECT_EQ(run(p, SCMP_SYS(write)), SECCOMP_RET_ALLOW);
    auto names = allowed_names(std::span(&p, 1));
    EXPECT_EQ(names.size(), hap::syscall_table().size() - 1);
    EXPECT_FALSE(names.contains("getpid"));
}

TEST(Bpf, ArgumentPinnedRuleIsSomeArgs) {
    Ctx ctx(seccomp_init(SCMP_ACT_KILL_PROCESS));
    ASSERT_EQ(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 1)), 0);
    ASSERT_EQ(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(pread64), 1, SCMP_A2(SCMP_CMP_LE, 4096)), 0);
    ASSERT_EQ(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0), 0);
    auto p = export_bpf(ctx.get());
    EXPECT_EQ(run(p, SCMP_SYS(write), {1}), SECCOMP_RET_ALLOW);
    EXPECT_EQ(run(p, SCMP_SYS(write), {2}), SECCOMP_RET_KILL_PROCESS);
    EXPECT_EQ(run(p, SCMP_SYS(write), {1ull | (1ull << 32)}), SECCOMP_RET_KILL_PROCESS);
    EXPECT_EQ(run(p, SCMP_SYS(pread64), {0, 0, 4096}), SECCOMP_RET_ALLOW);
    EXPECT_EQ(run(p, SCMP_SYS(pread64), {0, 0, 4097}), SECCOMP_RET_KILL_PROCESS);
    EXPECT_EQ(run(p, SCMP_SYS(pread64), {0, 0, 1ull << 32}), SECCOMP_RET_KILL_PROCESS);
    EXPECT_EQ(run(p, SCMP_SYS(getpid)), SECCOMP_RET_KILL_PROCESS);

    std::span<const BpfProgram> one(&p, 1);
    EXPECT_EQ(allowed_names(one), (std::set<std::string>{"write", "pread64", "exit_group"}));
    EXPECT_EQ(reach_of(one, "write"), Reach::some_args);
    EXPECT_EQ(reach_of(one, "exit_group"), Reach::any_args);
    EXPECT_EQ(reach_of(one, "getpid"), Reach::never);
}

TEST(Bpf, ArgumentRuleThatNeverMatchesZeroIsStillFound) {
    // Allowed only for fd 77: arguments zero would say "never"; the search must find 77.
    Ctx ctx(seccomp_init(SCMP_ACT_ERRNO(38)));
    ASSERT_EQ(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(close), 1, SCMP_A0(SCMP_CMP_EQ, 77)), 0);
    auto p = export_bpf(ctx.get());
    EXPECT_EQ(run(p, SCMP_SYS(close)), SECCOMP_RET_ERRNO | 38);
    EXPECT_EQ(allowed_names(std::span(&p, 1)), (std::set<std::string>{"close"}));
}

TEST(Bpf, OtherAbisAreClosedByLibseccompsArchCheck) {
    Ctx ctx(seccomp_init(SCMP_ACT_KILL_PROCESS));
    ASSERT_EQ(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0), 0);
    auto p = export_bpf(ctx.get());
    std::span<const BpfProgram> one(&p, 1);
    for (auto abi : {hap::Abi::i386, hap::Abi::x32}) {
        auto v = hap::evaluate_filters(one, abi, 511);
        ASSERT_TRUE(v.has_value());
        EXPECT_TRUE(std::ranges::none_of(*v, [](auto& x) { return hap::reaches(x.reach); }));
    }
}

TEST(Bpf, TheTendersPolicyAllowsExactlySeven) {
    nabla::PolicyInput in;
    in.console_fds = {1, 2};
    in.taps = {{"service", 5}};
    in.blocks = {{"storage", 6, 64ull << 20, 512, false, 256 * 1024}};
    auto prog = nabla::compile_filter(nabla::build_policy(in));
    ASSERT_TRUE(prog.has_value()) << prog.error().message;
    std::span<const BpfProgram> one(&*prog, 1);
    EXPECT_EQ(allowed_names(one), (std::set<std::string>{"read", "write", "pread64", "pwrite64", "ppoll",
                                                         "clock_gettime", "exit_group"}));
    EXPECT_EQ(reach_of(one, "write"), Reach::some_args);
    EXPECT_EQ(reach_of(one, "pread64"), Reach::some_args);
    EXPECT_EQ(run(*prog, SCMP_SYS(write), {1}), SECCOMP_RET_ALLOW);
    EXPECT_EQ(run(*prog, SCMP_SYS(write), {3}), SECCOMP_RET_KILL_PROCESS);
    EXPECT_EQ(run(*prog, SCMP_SYS(openat)), SECCOMP_RET_KILL_PROCESS);
}

TEST(Bpf, StackedFiltersTakeTheStrictestAnswer) {
    Ctx first(seccomp_init(SCMP_ACT_ALLOW));
    ASSERT_EQ(seccomp_rule_add(first.get(), SCMP_ACT_ERRNO(1), SCMP_SYS(getpid), 0), 0);
    Ctx second(seccomp_init(SCMP_ACT_KILL_PROCESS));
    ASSERT_EQ(seccomp_rule_add(second.get(), SCMP_ACT_ALLOW, SCMP_SYS(getpid), 0), 0);
    ASSERT_EQ(seccomp_rule_add(second.get(), SCMP_ACT_ALLOW, SCMP_SYS(write), 0), 0);
    std::vector<BpfProgram> both{export_bpf(first.get()), export_bpf(second.get())};
    EXPECT_EQ(allowed_names(both), (std::set<std::string>{"write"}));
    EXPECT_EQ(hap::seccomp_combine(SECCOMP_RET_ERRNO | 1, SECCOMP_RET_KILL_PROCESS), SECCOMP_RET_KILL_PROCESS);
    EXPECT_EQ(hap::seccomp_combine(SECCOMP_RET_ALLOW, SECCOMP_RET_LOG), SECCOMP_RET_LOG);
    EXPECT_EQ(hap::seccomp_combine(SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO | 5), SECCOMP_RET_TRAP);
    EXPECT_EQ(hap::seccomp_action_name(SECCOMP_RET_ERRNO | 5), "errno");
}

TEST(Bpf, HandWrittenInstructions) {
    // A = nr; M[0] = A; A = A * 2 + 1; X = A; A = M[0]; if (X == 2*39+1) ret A|ALLOW... by RET A.
    BpfProgram p = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
        BPF_STMT(BPF_ST, 0),
        BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 2),
        BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
        BPF_STMT(BPF_MISC | BPF_TAX, 0),
        BPF_STMT(BPF_LD | BPF_MEM, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 2),
        BPF_STMT(BPF_LD | BPF_IMM, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_A, 0),
        BPF_STMT(BPF_MISC | BPF_TXA, 0),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x100, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 7),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_THREAD),
    };
    EXPECT_EQ(run(p, 39), SECCOMP_RET_ALLOW);
    EXPECT_EQ(run(p, 0x80), SECCOMP_RET_ERRNO | 7);  // 0x101 has 0x100 set
    EXPECT_EQ(run(p, 1), SECCOMP_RET_KILL_THREAD);   // 3 has not
    // Division by zero (X = 0) ends the program with 0, as the kernel's converted program does.
    BpfProgram div = {BPF_STMT(BPF_LDX | BPF_IMM, 0), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
                      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    EXPECT_EQ(run(div, 1), 0u);
    EXPECT_EQ(run({BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_RET | BPF_A, 0)}, 1), 64u);
}

TEST(Bpf, BadProgramsAreErrors) {
    uint64_t args[6] = {};
    BpfProgram unaligned = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), BPF_STMT(BPF_RET | BPF_A, 0)};
    EXPECT_FALSE(hap::run_bpf(unaligned, 0, AUDIT_ARCH_X86_64, args).has_value());
    BpfProgram outside = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), BPF_STMT(BPF_RET | BPF_A, 0)};
    EXPECT_FALSE(hap::run_bpf(outside, 0, AUDIT_ARCH_X86_64, args).has_value());
    BpfProgram off_end = {BPF_STMT(BPF_LD | BPF_IMM, 1)};
    auto r = hap::run_bpf(off_end, 0, AUDIT_ARCH_X86_64, args);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("off its end"), std::string::npos);
    BpfProgram far_jump = {BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0), BPF_STMT(BPF_RET | BPF_K, 0)};
    EXPECT_FALSE(hap::run_bpf(far_jump, 0, AUDIT_ARCH_X86_64, args).has_value());
    BpfProgram packet_load = {BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0), BPF_STMT(BPF_RET | BPF_K, 0)};
    EXPECT_FALSE(hap::run_bpf(packet_load, 0, AUDIT_ARCH_X86_64, args).has_value());
    EXPECT_FALSE(hap::run_bpf(BpfProgram{}, 0, AUDIT_ARCH_X86_64, args).has_value());
}

} // namespace

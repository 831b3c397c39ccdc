// The security boundary: build_policy yields exactly the documented rules,
// format_policy prints them, and compile_filter's BPF program allows exactly
// those calls (checked with a small BPF interpreter and, once, by the kernel).
#include "seccomp_filter.hpp"
#include "seccomp_policy.hpp"
#include "test_support.hpp"

#include <asm/prctl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <map>
#include <set>

namespace nabla {
namespace {

using test::contains;

constexpr uint64_t max_request = NABLA_BLOCK_MAX_REQUEST;

// The seven calls of the architecture, and the eighth for hosts without FSGSBASE.
const std::map<std::string, int> allowed_syscalls = {
    {"read", SYS_read},   {"write", SYS_write},           {"pread64", SYS_pread64},      {"pwrite64", SYS_pwrite64},
    {"ppoll", SYS_ppoll}, {"clock_gettime", SYS_clock_gettime}, {"exit_group", SYS_exit_group},
};

PolicyInput console_only() {
    PolicyInput in;
    in.console_fds = {1, 2};
    return in;
}

// "write#1 a0==1": name, number and every check of a rule, for comparing lists.
std::string signature(const Rule& r) {
    std::string s = fmt::format("{}#{}", r.syscall, r.nr);
    for (const auto& c : r.checks) {
        const char* op = c.op == Cmp::eq ? "==" : c.op == Cmp::le ? "<=" : "&==";
        s += fmt::format(" a{}{}{}", c.arg, op, c.value);
    }
    return s;
}

std::vector<std::string> signatures(const std::vector<Rule>& rules) {
    std::vector<std::string> out;
    for (const auto& r : rules) out.push_back(signature(r));
    return out;
}

std::vector<std::string> signatures_of(const std::vector<Rule>& rules, int nr) {
    std::vector<std::string> out;
    for (const auto& r : rules)
        if (r.nr == nr) out.push_back(signature(r));
    return out;
}

// The rules one block device should get: for each power-of-two block count
// whose length fits both the request limit and the device, an exact length
// and an offset that keeps offset + length <= capacity.
std::vector<std::string> expected_block_rules(int nr, const char* name, int fd, uint64_t capacity, uint64_t block,
                                              uint64_t max) {
    std::vector<std::string> out;
    for (uint64_t len = block; len <= max && len <= capacity; len *= 2)
        out.push_back(fmt::format("{}#{} a0=={} a2=={} a3<={}", name, nr, fd, len, capacity - len));
    return out;
}

TEST(BuildPolicy, ConsoleOnlyIsExactlyTheBaseRules) {
    auto rules = build_policy(console_only());
    std::vector<std::string> expected = {
        fmt::format("write#{} a0==1", SYS_write),
        fmt::format("write#{} a0==2", SYS_write),
        fmt::format("ppoll#{} a3==0", SYS_ppoll), // no signal mask: sigprocmask stays out
        fmt::format("clock_gettime#{} a0=={}", SYS_clock_gettime, CLOCK_MONOTONIC),
        fmt::format("clock_gettime#{} a0=={}", SYS_clock_gettime, CLOCK_REALTIME),
        fmt::format("exit_group#{}", SYS_exit_group),
    };
    EXPECT_EQ(signatures(rules), expected);
    EXPECT_TRUE(signatures_of(rules, SYS_arch_prctl).empty());
    for (const auto& r : rules) EXPECT_FALSE(r.why.empty()) << signature(r) << " has no reason";
}

TEST(BuildPolicy, ArchPrctlOnlyWhenAskedAndOnlyForSetFs) {
    auto in = console_only();
    in.need_arch_prctl = true;
    auto rules = build_policy(in);
    EXPECT_EQ(rules.size(), build_policy(console_only()).size() + 1);
    EXPECT_EQ(signatures_of(rules, SYS_arch_prctl),
              std::vector<std::string>{fmt::format("arch_prctl#{} a0=={}", SYS_arch_prctl, ARCH_SET_FS)});
}

TEST(BuildPolicy, TapGetsReadAndWriteOnItsFdOnly) {
    auto in = console_only();
    in.taps = {{"net0", 7}};
    auto rules = build_policy(in);
    EXPECT_EQ(signatures_of(rules, SYS_read), std::vector<std::string>{fmt::format("read#{} a0==7", SYS_read)});
    auto writes = signatures_of(rules, SYS_write);
    EXPECT_EQ(writes.size(), 3u);
    EXPECT_EQ(std::count(writes.begin(), writes.end(), fmt::format("write#{} a0==7", SYS_write)), 1);
    EXPECT_EQ(rules.size(), build_policy(console_only()).size() + 2);
}

TEST(BuildPolicy, BlockLengthsAndOffsetsAreBoundedByCapacity) {
    struct Case {
        uint64_t capacity;
        uint32_t block;
        uint64_t max;
        size_t lengths; // how many power-of-two lengths fit
    };
    for (const auto& c : {Case{1 << 20, 512, max_request, 10},  // 512 .. 256 KiB
                          Case{512, 512, max_request, 1},       // a single block: offset 0 only
                          Case{3 * 512, 512, max_request, 2},   // 512, 1024
                          Case{uint64_t{8} << 30, 4096, max_request, 7}, // 4 KiB .. 256 KiB, offsets > 2^32
                          Case{1 << 20, 4096, 4096, 1}}) {
        SCOPED_TRACE(fmt::format("capacity {} block {} max {}", c.capacity, c.block, c.max));
        auto in = console_only();
        in.blocks = {{"disk", 9, c.capacity, c.block, false, c.max}};
        auto rules = build_policy(in);
        auto reads = expected_block_rules(SYS_pread64, "pread64", 9, c.capacity, c.block, c.max);
        EXPECT_EQ(reads.size(), c.lengths);
        EXPECT_EQ(signatures_of(rules, SYS_pread64), reads);
        EXPECT_EQ(signatures_of(rules, SYS_pwrite64),
                  expected_block_rules(SYS_pwrite64, "pwrite64", 9, c.capacity, c.block, c.max));
    }
}

TEST(BuildPolicy, ReadOnlyBlockGetsNoPwrite) {
    auto in = console_only();
    in.blocks = {{"root", 9, 1 << 20, 512, true, max_request}};
    auto rules = build_policy(in);
    EXPECT_EQ(signatures_of(rules, SYS_pread64).size(), 10u);
    EXPECT_TRUE(signatures_of(rules, SYS_pwrite64).empty());
}

// A policy with everything: 8 read-write block devices, 8 taps, arch_prctl.
PolicyInput big_input() {
    auto in = console_only();
    for (int i = 0; i < 8; i++) {
        in.taps.push_back({fmt::format("net{}", i), 10 + i});
        in.blocks.push_back({fmt::format("disk{}", i), 20 + i, uint64_t{64} << 30, 512, false, max_request});
    }
    in.need_arch_prctl = true;
    return in;
}

TEST(BuildPolicy, NeverMoreThanTheSevenSyscalls) {
    for (bool arch_prctl : {false, true}) {
        auto in = big_input();
        in.need_arch_prctl = arch_prctl;
        std::set<int> numbers;
        for (const auto& r : build_policy(in)) {
            numbers.insert(r.nr);
            if (r.nr == SYS_arch_prctl) {
                EXPECT_EQ(r.syscall, "arch_prctl");
                continue;
            }
            // Every name is one of the seven, with its own number.
            auto it = allowed_syscalls.find(r.syscall);
            ASSERT_NE(it, allowed_syscalls.end()) << r.syscall;
            EXPECT_EQ(r.nr, it->second) << r.syscall;
            EXPECT_FALSE(r.checks.empty() && r.nr != SYS_exit_group) << signature(r) << " has no argument check";
        }
        EXPECT_EQ(numbers.size(), 7u + (arch_prctl ? 1 : 0));
        EXPECT_EQ(numbers.count(SYS_arch_prctl), arch_prctl ? 1u : 0u);
    }
}

TEST(FormatPolicy, NamesEverySyscallAndTheDefault) {
    auto in = big_input();
    in.blocks.push_back({"root", 40, 1 << 20, 512, true, max_request});
    auto text = format_policy(build_policy(in));
    for (const char* name : {"read", "write", "pread64", "pwrite64", "ppoll", "clock_gettime", "exit_group", "arch_prctl"})
        EXPECT_TRUE(contains(text, std::string("\n") + name + " ")) << name;
    EXPECT_TRUE(contains(text, "anything else  kills the process (SIGSYS)"));
    EXPECT_TRUE(contains(text, "fd == 1"));
    EXPECT_TRUE(contains(text, "fd == 40 && count == 512 && offset <= 1048064"));
    EXPECT_TRUE(contains(text, "sigmask == 0"));
    EXPECT_TRUE(contains(text, fmt::format("clock == {}", CLOCK_MONOTONIC)));
    EXPECT_TRUE(contains(text, fmt::format("code == {}", ARCH_SET_FS)));
    EXPECT_TRUE(contains(text, "always"));
    EXPECT_TRUE(contains(text, "receive a frame on net 'net3'"));
    EXPECT_TRUE(contains(text, "write 512 blocks of block 'disk7'"));
}

// --- the compiled program ---------------------------------------------------

// A classic-BPF interpreter for seccomp programs: enough of the instruction
// set for libseccomp's output; anything else fails the test.
uint32_t run_bpf(const std::vector<sock_filter>& prog, const seccomp_data& data) {
    uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
    auto load = [&](uint32_t k) {
        uint32_t v = 0;
        if (k % 4 == 0 && k + 4 <= sizeof data) std::memcpy(&v, reinterpret_cast<const char*>(&data) + k, 4);
        else ADD_FAILURE() << "bad load offset " << k;
        return v;
    };
    for (size_t pc = 0; pc < prog.size(); pc++) {
        const auto& i = prog[pc];
        uint32_t src = BPF_SRC(i.code) == BPF_X ? x : i.k;
        switch (BPF_CLASS(i.code)) {
        case BPF_LD:
            if (BPF_MODE(i.code) == BPF_ABS && BPF_SIZE(i.code) == BPF_W) a = load(i.k);
            else if (BPF_MODE(i.code) == BPF_IMM) a = i.k;
            else if (BPF_MODE(i.code) == BPF_MEM) a = mem[i.k % BPF_MEMWORDS];
            else ADD_FAILURE() << "unsupported load " << i.code;
            break;
        case BPF_LDX:
            x = BPF_MODE(i.code) == BPF_MEM ? mem[i.k % BPF_MEMWORDS] : i.k;
            break;
        case BPF_ST: mem[i.k % BPF_MEMWORDS] = a; break;
        case BPF_STX: mem[i.k % BPF_MEMWORDS] = x; break;
        case BPF_ALU:
            switch (BPF_OP(i.code)) {
            case BPF_ADD: a += src; break;
            case BPF_SUB: a -= src; break;
            case BPF_AND: a &= src; break;
            case BPF_OR: a |= src; break;
            case BPF_XOR: a ^= src; break;
            case BPF_LSH: a <<= src; break;
            case BPF_RSH: a >>= src; break;
            case BPF_NEG: a = -a; break;
            default: ADD_FAILURE() << "unsupported alu " << i.code; return 0;
            }
            break;
        case BPF_JMP: {
            bool taken = false;
            switch (BPF_OP(i.code)) {
            case BPF_JA: pc += i.k; continue;
            case BPF_JEQ: taken = a == src; break;
            case BPF_JGT: taken = a > src; break;
            case BPF_JGE: taken = a >= src; break;
            case BPF_JSET: taken = (a & src) != 0; break;
            default: ADD_FAILURE() << "unsupported jump " << i.code; return 0;
            }
            pc += taken ? i.jt : i.jf;
            break;
        }
        case BPF_RET: return BPF_RVAL(i.code) == BPF_A ? a : i.k;
        case BPF_MISC:
            if (BPF_MISCOP(i.code) == BPF_TAX) x = a;
            else a = x;
            break;
        }
    }
    ADD_FAILURE() << "ran off the end of the program";
    return 0;
}

struct Call {
    long nr;
    std::array<uint64_t, 6> args{};
    uint32_t arch = AUDIT_ARCH_X86_64;
};

// What the filter does with a call: "allow", "kill" or the raw action.
std::string verdict(const std::vector<sock_filter>& prog, const Call& c) {
    seccomp_data d{};
    d.nr = static_cast<int>(c.nr);
    d.arch = c.arch;
    std::copy(c.args.begin(), c.args.end(), d.args);
    uint32_t action = run_bpf(prog, d) & SECCOMP_RET_ACTION_FULL;
    if (action == SECCOMP_RET_ALLOW) return "allow";
    if (action == SECCOMP_RET_KILL_PROCESS) return "kill";
    return fmt::format("action {:#x}", action);
}

TEST(CompileFilter, ConsoleOnlyFitsTheKernelLimit) {
    auto prog = compile_filter(build_policy(console_only()));
    ASSERT_TRUE(prog) << prog.error().message;
    EXPECT_GT(prog->size(), 0u);
    EXPECT_LT(prog->size(), bpf_max_instructions);
}

TEST(CompileFilter, EightBlocksAndEightTapsFitTheKernelLimit) {
    auto prog = compile_filter(build_policy(big_input()));
    ASSERT_TRUE(prog) << prog.error().message;
    EXPECT_LT(prog->size(), bpf_max_instructions);
    RecordProperty("bpf_instructions", static_cast<int>(prog->size()));
}

TEST(CompileFilter, TooLargeAPolicyIsRefusedWithAConfigError) {
    auto in = console_only();
    for (int i = 0; i < 63; i++) // the manifest's maximum, all read-write block devices
        in.blocks.push_back({fmt::format("d{}", i), 10 + i, uint64_t{1} << 40, 512, false, max_request});
    auto e = test::error_of(compile_filter(build_policy(in)));
    EXPECT_EQ(e.code, Exit::config);
    EXPECT_TRUE(contains(e.message, "BPF instructions, the kernel allows 4096: attach fewer devices"));
}

TEST(CompileFilter, ProgramAllowsExactlyThePolicy) {
    constexpr uint64_t small = 1 << 20;          // disk: fd 9, 512-byte blocks, read-write
    constexpr uint64_t large = uint64_t{8} << 30; // root: fd 10, 4096-byte blocks, read-only, > 2^32
    auto in = console_only();
    in.taps = {{"net0", 7}};
    in.blocks = {{"disk", 9, small, 512, false, max_request}, {"root", 10, large, 4096, true, max_request}};
    auto prog = compile_filter(build_policy(in));
    ASSERT_TRUE(prog) << prog.error().message;

    struct Case {
        const char* what;
        Call call;
        const char* expect;
    };
    const Case cases[] = {
        {"write stdout", {SYS_write, {1}}, "allow"},
        {"write stderr", {SYS_write, {2}}, "allow"},
        {"write tap", {SYS_write, {7}}, "allow"},
        {"read tap", {SYS_read, {7}}, "allow"},
        {"write stdin", {SYS_write, {0}}, "kill"},
        {"write block fd", {SYS_write, {9}}, "kill"},
        {"write fd 1 in the high word", {SYS_write, {(uint64_t{1} << 32) | 1}}, "kill"},
        {"read stdin", {SYS_read, {0}}, "kill"},
        {"pread first block", {SYS_pread64, {9, 0, 512, 0}}, "allow"},
        {"pread last block", {SYS_pread64, {9, 0, 512, small - 512}}, "allow"},
        {"pread past the end", {SYS_pread64, {9, 0, 512, small - 511}}, "kill"},
        {"pread max request at the end", {SYS_pread64, {9, 0, max_request, small - max_request}}, "allow"},
        {"pread max request past the end", {SYS_pread64, {9, 0, max_request, small - max_request + 512}}, "kill"},
        {"pread twice the max request", {SYS_pread64, {9, 0, 2 * max_request, 0}}, "kill"},
        {"pread not a power-of-two count", {SYS_pread64, {9, 0, 1536, 0}}, "kill"},
        {"pread partial block", {SYS_pread64, {9, 0, 100, 0}}, "kill"},
        {"pread negative offset", {SYS_pread64, {9, 0, 512, static_cast<uint64_t>(-512)}}, "kill"},
        {"pread offset in the high word", {SYS_pread64, {9, 0, 512, uint64_t{1} << 32}}, "kill"},
        {"pread on a tap", {SYS_pread64, {7, 0, 512, 0}}, "kill"},
        {"pwrite read-write disk", {SYS_pwrite64, {9, 0, 4096, 8192}}, "allow"},
        {"pread large disk near its end", {SYS_pread64, {10, 0, 4096, large - 4096}}, "allow"},
        {"pread large disk past its end", {SYS_pread64, {10, 0, 4096, large - 4095}}, "kill"},
        {"pread large disk, 512 bytes", {SYS_pread64, {10, 0, 512, 0}}, "kill"},
        {"pwrite read-only disk", {SYS_pwrite64, {10, 0, 4096, 0}}, "kill"},
        {"ppoll without mask", {SYS_ppoll, {0, 0, 0, 0}}, "allow"},
        {"ppoll with a mask", {SYS_ppoll, {0, 0, 0, 0x1000}}, "kill"},
        {"clock monotonic", {SYS_clock_gettime, {CLOCK_MONOTONIC}}, "allow"},
        {"clock realtime", {SYS_clock_gettime, {CLOCK_REALTIME}}, "allow"},
        {"clock process cputime", {SYS_clock_gettime, {CLOCK_PROCESS_CPUTIME_ID}}, "kill"},
        {"exit_group", {SYS_exit_group, {3}}, "allow"},
        {"exit (one thread)", {SYS_exit, {0}}, "kill"},
        {"arch_prctl not asked for", {SYS_arch_prctl, {ARCH_SET_FS}}, "kill"},
        {"getpid", {SYS_getpid}, "kill"},
        {"openat", {SYS_openat}, "kill"},
        {"mmap", {SYS_mmap}, "kill"},
        {"x32 write", {SYS_write | 0x40000000, {1}}, "kill"},
        {"i386 write (int 0x80)", {4, {1}, AUDIT_ARCH_I386}, "kill"},
    };
    for (const auto& c : cases) EXPECT_EQ(verdict(*prog, c.call), c.expect) << c.what;
}

TEST(CompileFilter, ArchPrctlAllowsOnlySetFs) {
    auto in = console_only();
    in.need_arch_prctl = true;
    auto prog = compile_filter(build_policy(in));
    ASSERT_TRUE(prog) << prog.error().message;
    EXPECT_EQ(verdict(*prog, {SYS_arch_prctl, {ARCH_SET_FS}}), "allow");
    EXPECT_EQ(verdict(*prog, {SYS_arch_prctl, {ARCH_SET_GS}}), "kill");
    EXPECT_EQ(verdict(*prog, {SYS_arch_prctl, {ARCH_GET_FS}}), "kill");
}

// The same program, installed for real in a child: the interpreter above is
// only trusted because the kernel agrees with it on these.
[[noreturn]] void install_then(const std::vector<sock_filter>& prog, long nr, long arg0) {
    sock_fprog fp{static_cast<unsigned short>(prog.size()), const_cast<sock_filter*>(prog.data())};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) != 0)
        ::_exit(99);
    ::syscall(nr, arg0, "", 0);
    ::syscall(SYS_exit_group, 42);
    __builtin_unreachable();
}

TEST(CompileFilterDeathTest, KernelKillsTheProcessOnADeniedCall) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    auto prog = compile_filter(build_policy(console_only()));
    ASSERT_TRUE(prog) << prog.error().message;
    EXPECT_EXIT(install_then(*prog, SYS_write, 2), ::testing::ExitedWithCode(42), "");
    EXPECT_EXIT(install_then(*prog, SYS_write, 0), ::testing::KilledBySignal(SIGSYS), "");
    EXPECT_EXIT(install_then(*prog, SYS_getppid, 0), ::testing::KilledBySignal(SIGSYS), "");
}

} // namespace
} // namespace nabla

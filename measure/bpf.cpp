#include "bpf.hpp"

#include <linux/seccomp.h>

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace hap {
namespace {

struct ActionName {
    uint32_t action;
    std::string_view name;
};

constexpr ActionName action_names[] = {
    {SECCOMP_RET_KILL_PROCESS, "kill_process"}, {SECCOMP_RET_KILL_THREAD, "kill_thread"},
    {SECCOMP_RET_TRAP, "trap"},                 {SECCOMP_RET_ERRNO, "errno"},
    {SECCOMP_RET_USER_NOTIF, "user_notif"},     {SECCOMP_RET_TRACE, "trace"},
    {SECCOMP_RET_LOG, "log"},                   {SECCOMP_RET_ALLOW, "allow"},
};

std::unexpected<Error> bad(size_t pc, std::string_view what) {
    return fail(Exit::os_error, fmt::format("BPF instruction {}: {}", pc, what));
}

} // namespace

Result<BpfOutcome> run_bpf(std::span<const sock_filter> prog, const SeccompInput& in) {
    if (prog.empty() || prog.size() > BPF_MAXINSNS)
        return fail(Exit::os_error, fmt::format("BPF program of {} instructions", prog.size()));
    uint32_t a = 0, x = 0;
    std::array<uint32_t, BPF_MEMWORDS> mem{};

    auto load = [&](uint32_t off) -> std::optional<std::optional<uint32_t>> {
        // outer nullopt: bad offset; inner nullopt: open word
        if (off % 4 != 0 || off >= seccomp_data_size) return std::nullopt;
        if (off == 0) return std::optional<uint32_t>(static_cast<uint32_t>(in.nr));
        if (off == 4) return std::optional<uint32_t>(in.arch);
        return in.word ? in.word(off) : std::optional<uint32_t>(0);
    };

    for (size_t pc = 0; pc < prog.size(); pc++) {
        const sock_filter& f = prog[pc];
        uint32_t k = f.k;
        auto jump = [&](bool taken) -> bool {
            size_t off = taken ? f.jt : f.jf;
            if (pc + 1 + off >= prog.size()) return false;
            pc += off;
            return true;
        };
        switch (f.code) {
        case BPF_LD | BPF_W | BPF_ABS: {
            auto w = load(k);
            if (!w) return bad(pc, fmt::format("load of offset {} outside seccomp_data", k));
            if (!*w) return BpfOutcome{OpenWord{k}};
            a = **w;
            break;
        }
        case BPF_LD | BPF_W | BPF_LEN: a = seccomp_data_size; break;
        case BPF_LDX | BPF_W | BPF_LEN: x = seccomp_data_size; break;
        case BPF_LD | BPF_IMM: a = k; break;
        case BPF_LDX | BPF_IMM: x = k; break;
        case BPF_LD | BPF_MEM:
        case BPF_LDX | BPF_MEM:
        case BPF_ST:
        case BPF_STX: {
            if (k >= BPF_MEMWORDS) return bad(pc, "scratch memory index out of range");
            if (f.code == (BPF_LD | BPF_MEM)) a = mem[k];
            else if (f.code == (BPF_LDX | BPF_MEM)) x = mem[k];
            else if (f.code == BPF_ST) mem[k] = a;
            else mem[k] = x;
            break;
        }
        case BPF_MISC | BPF_TAX: x = a; break;
        case BPF_MISC | BPF_TXA: a = x; break;
        case BPF_ALU | BPF_NEG: a = -a; break;
        case BPF_RET | BPF_K: return BpfOutcome{k};
        case BPF_RET | BPF_A: return BpfOutcome{a};
        case BPF_JMP | BPF_JA:
            if (pc + 1 + static_cast<size_t>(k) >= prog.size()) return bad(pc, "jump past the end");
            pc += k;
            break;
        default: {
            uint32_t operand = BPF_SRC(f.code) == BPF_X ? x : k;
            if (BPF_CLASS(f.code) == BPF_ALU) {
                switch (BPF_OP(f.code)) {
                case BPF_ADD: a += operand; break;
                case BPF_SUB: a -= operand; break;
                case BPF_MUL: a *= operand; break;
                case BPF_DIV:
                    // The kernel's converted program returns 0 on a division by zero.
                    if (operand == 0) return BpfOutcome{uint32_t{0}};
                    a /= operand;
                    break;
                case BPF_AND: a &= operand; break;
                case BPF_OR: a |= operand; break;
                case BPF_XOR: a ^= operand; break;
                case BPF_LSH: a = operand >= 32 ? 0 : a << operand; break;
                case BPF_RSH: a = operand >= 32 ? 0 : a >> operand; break;
                default: return bad(pc, fmt::format("ALU opcode {:#x} is not allowed in seccomp", f.code));
                }
                break;
            }
            if (BPF_CLASS(f.code) == BPF_JMP) {
                bool taken;
                switch (BPF_OP(f.code)) {
                case BPF_JEQ: taken = a == operand; break;
                case BPF_JGT: taken = a > operand; break;
                case BPF_JGE: taken = a >= operand; break;
                case BPF_JSET: taken = (a & operand) != 0; break;
                default: return bad(pc, fmt::format("jump opcode {:#x} is not allowed in seccomp", f.code));
                }
                if (!jump(taken)) return bad(pc, "jump past the end");
                break;
            }
            return bad(pc, fmt::format("opcode {:#x} is not allowed in seccomp", f.code));
        }
        }
    }
    return fail(Exit::os_error, "BPF program runs off its end without a return");
}

Result<uint32_t> run_bpf(std::span<const sock_filter> prog, int32_t nr, uint32_t arch, const uint64_t (&args)[6]) {
    SeccompInput in{nr, arch, [&](uint32_t off) -> std::optional<uint32_t> {
                        if (off < 16) return 0; // instruction pointer
                        uint64_t v = args[(off - 16) / 8];
                        return static_cast<uint32_t>(off % 8 == 0 ? v : v >> 32);
                    }};
    auto out = run_bpf(prog, in);
    if (!out) return std::unexpected(out.error());
    return std::get<uint32_t>(*out);
}

uint32_t seccomp_action(uint32_t ret) { return ret & SECCOMP_RET_ACTION_FULL; }

bool seccomp_passes(uint32_t ret) {
    uint32_t a = seccomp_action(ret);
    return a == SECCOMP_RET_ALLOW || a == SECCOMP_RET_LOG;
}

uint32_t seccomp_combine(uint32_t a, uint32_t b) {
    // The kernel keeps the answer whose action, as a signed number, is lowest
    // (kill_process is 0x80000000).
    return static_cast<int32_t>(seccomp_action(b)) < static_cast<int32_t>(seccomp_action(a)) ? b : a;
}

std::string_view seccomp_action_name(uint32_t ret) {
    auto it = std::ranges::find(action_names, seccomp_action(ret), &ActionName::action);
    return it == std::end(action_names) ? std::string_view("unknown") : it->name;
}

} // namespace hap

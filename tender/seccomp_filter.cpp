#include "seccomp_filter.hpp"

#include "unique_fd.hpp"

#include <seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <fmt/format.h>
#include <memory>

namespace nabla {
namespace {

struct CtxRelease {
    void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxRelease>;

scmp_compare to_scmp(Cmp op) {
    switch (op) {
    case Cmp::eq: return SCMP_CMP_EQ;
    case Cmp::le: return SCMP_CMP_LE;
    case Cmp::masked_eq: return SCMP_CMP_MASKED_EQ;
    }
    return SCMP_CMP_EQ;
}

} // namespace

Result<std::vector<sock_filter>> compile_filter(const std::vector<Rule>& rules) {
    // Default: kill the whole process, not just the thread.
    Ctx ctx(seccomp_init(SCMP_ACT_KILL_PROCESS));
    if (!ctx) return fail(Exit::os_error, "seccomp_init failed");
    // Only the native ABI: i386 (int 0x80) and x32 calls hit the bad-arch kill.
    if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); rc != 0)
        return fail(Exit::os_error, fmt::format("seccomp_attr_set: {}", std::strerror(-rc)));
    // A binary tree over syscall numbers, and the hot ones first.
    if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2); rc != 0)
        return fail(Exit::os_error, fmt::format("seccomp_attr_set(OPTIMIZE): {}", std::strerror(-rc)));
    const auto& hot = syscalls_hottest_first();
    for (size_t i = 0; i < hot.size(); i++)
        if (int rc = seccomp_syscall_priority(ctx.get(), hot[i], static_cast<uint8_t>(255 - i)); rc != 0)
            return fail(Exit::os_error, fmt::format("seccomp_syscall_priority: {}", std::strerror(-rc)));
    for (const auto& r : rules) {
        std::vector<scmp_arg_cmp> cmps;
        for (const auto& c : r.checks) {
            if (c.op == Cmp::masked_eq) cmps.push_back({c.arg, SCMP_CMP_MASKED_EQ, c.mask, c.value});
            else cmps.push_back({c.arg, to_scmp(c.op), c.value, 0});
        }
        int rc = seccomp_rule_add_exact_array(ctx.get(), SCMP_ACT_ALLOW, r.nr, static_cast<unsigned>(cmps.size()),
                                              cmps.data());
        if (rc != 0)
            return fail(Exit::os_error, fmt::format("seccomp rule for {} ({}): {}", r.syscall, r.why, std::strerror(-rc)));
    }
    UniqueFd mem(::memfd_create("nabla-bpf", MFD_CLOEXEC));
    if (!mem.valid()) return fail_errno(Exit::os_error, "memfd_create for the BPF program");
    if (int rc = seccomp_export_bpf(ctx.get(), mem.get()); rc != 0)
        return fail(Exit::os_error, fmt::format("seccomp_export_bpf: {}", std::strerror(-rc)));
    struct stat st;
    if (::fstat(mem.get(), &st) != 0) return fail_errno(Exit::os_error, "fstat of the BPF program");
    size_t count = static_cast<size_t>(st.st_size) / sizeof(sock_filter);
    if (count == 0 || count * sizeof(sock_filter) != static_cast<size_t>(st.st_size))
        return fail(Exit::os_error, fmt::format("BPF program has a bad size ({} bytes)", st.st_size));
    if (count > bpf_max_instructions)
        return fail(Exit::config, fmt::format("seccomp filter needs {} BPF instructions, the kernel allows {}: "
                                              "attach fewer devices", count, bpf_max_instructions));
    std::vector<sock_filter> prog(count);
    if (::pread(mem.get(), prog.data(), st.st_size, 0) != st.st_size)
        return fail_errno(Exit::os_error, "reading the BPF program back");
    return prog;
}

} // namespace nabla

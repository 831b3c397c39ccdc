#include "tender.hpp"

#include "boot_info.hpp"
#include "devices.hpp"
#include "elf_image.hpp"
#include "guest_memory.hpp"
#include "launch.hpp"
#include "manifest.hpp"
#include "seccomp_filter.hpp"
#include "seccomp_policy.hpp"
#include "unique_fd.hpp"
#include "vdso.hpp"

#include "nabla/abi.h"

#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fmt/format.h>
#include <vector>

namespace nabla {
namespace {

Result<std::vector<std::byte>> read_kernel(const std::string& path, uint64_t limit) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return fail_errno(Exit::no_input, fmt::format("kernel '{}': cannot open", path));
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return fail_errno(Exit::os_error, fmt::format("kernel '{}': fstat", path));
    if (!S_ISREG(st.st_mode)) return fail(Exit::no_input, fmt::format("kernel '{}': not a regular file", path));
    if (static_cast<uint64_t>(st.st_size) > limit)
        return fail(Exit::bad_kernel, fmt::format("kernel '{}': {} bytes is larger than guest memory", path, st.st_size));
    std::vector<std::byte> bytes(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::pread(fd.get(), bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail_errno(Exit::no_input, fmt::format("kernel '{}': read", path));
        done += static_cast<size_t>(n);
    }
    return bytes;
}

bool host_has_fsgsbase() {
    constexpr unsigned long hwcap2_fsgsbase = 1ul << 1; // HWCAP2_FSGSBASE
    return getauxval(AT_HWCAP2) & hwcap2_fsgsbase;
}

PolicyInput policy_input(const Devices& devs, bool fsgsbase) {
    PolicyInput in;
    in.console_fds = {1, 2};
    for (const auto& t : devs.taps) in.taps.push_back({t.name, t.fd.get()});
    for (const auto& b : devs.blocks)
        in.blocks.push_back({b.name, b.fd.get(), b.capacity, b.block_size, b.read_only, NABLA_BLOCK_MAX_REQUEST});
    in.need_arch_prctl = !fsgsbase;
    return in;
}

} // namespace

Result<std::string> run_tender(const Options& opts) {
    uint64_t mem_bytes = opts.mem_mib << 20;
    auto file = read_kernel(opts.kernel, mem_bytes);
    if (!file) return std::unexpected(file.error());
    auto image = parse_elf(*file);
    if (!image) return std::unexpected(image.error());
    auto manifest = parse_manifest(image->manifest);
    if (!manifest) return std::unexpected(manifest.error());
    if (auto ok = check_against_manifest(*manifest, opts); !ok) return std::unexpected(ok.error());

    auto devs = attach_devices(opts);
    if (!devs) return std::unexpected(devs.error());

    bool fsgsbase = host_has_fsgsbase();
    BootFacts facts{fsgsbase ? NABLA_HOST_FSGSBASE : 0u, opts.trace_syscalls ? NABLA_GUEST_TRACE_SYSCALLS : 0u,
                    find_vdso_clock_gettime(), {opts.kernel}, opts.env, opts.mounts,
                    static_cast<uint32_t>(opts.writable_mib)};
    facts.argv.insert(facts.argv.end(), opts.args.begin(), opts.args.end());

    auto mem = GuestMemory::reserve(*image, mem_bytes);
    if (!mem) return std::unexpected(mem.error());
    auto layout = plan_layout(*image, mem->mem_start(), mem_bytes, boot_info_bytes(*devs, facts));
    if (!layout) return std::unexpected(layout.error());
    if (auto ok = mem->load(*image, *file, *layout); !ok) return std::unexpected(ok.error());
    auto boot = write_boot_info(*mem, *layout, *image, *manifest, *devs, facts);
    if (!boot) return std::unexpected(boot.error());

    std::vector<int> keep = {1, 2}; // the fds the guest is handed; launch_guest closes the rest
    for (const auto& b : devs->blocks) keep.push_back(b.fd.get());
    for (const auto& t : devs->taps) keep.push_back(t.fd.get());
    std::ranges::sort(keep);

    // Last of all, so that nothing is allocated between building the filter and the jump.
    auto rules = build_policy(policy_input(*devs, fsgsbase));
    auto filter = compile_filter(rules);
    if (!filter) return std::unexpected(filter.error());
    if (opts.print_policy)
        return fmt::format("{}{} BPF instructions (limit {})\n", format_policy(rules), filter->size(),
                           bpf_max_instructions);
    if (!fsgsbase)
        std::fputs("nabla-run: this CPU or kernel lacks FSGSBASE: allowing arch_prctl(ARCH_SET_FS) for the guest's "
                   "TLS\n", stderr);

    std::fflush(nullptr);
    return std::unexpected(launch_guest(keep, *filter, {image->entry + layout->bias, layout->stack_top, *boot}));
}

} // namespace nabla

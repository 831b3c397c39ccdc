#include "boot_info.hpp"

#include "nabla/abi.h"

#include <sys/random.h>

#include <algorithm>
#include <cstring>
#include <fmt/format.h>

namespace nabla {
namespace {

// Hands out aligned pieces of the boot area; fails instead of overrunning it.
class BootArea {
public:
    BootArea(const GuestMemory& mem, uint64_t start, uint64_t end) : mem_(mem), next_(start), end_(end) {}

    template <typename T>
    std::pair<uint64_t, T*> take(uint64_t count = 1) {
        auto [addr, bytes] = take_bytes(sizeof(T) * count, alignof(T));
        return {addr, reinterpret_cast<T*>(bytes)};
    }
    uint64_t put_string(const std::string& s) {
        auto [addr, bytes] = take_bytes(s.size() + 1, 1);
        if (bytes) std::memcpy(bytes, s.c_str(), s.size() + 1);
        return addr;
    }
    bool overflowed() const { return overflow_; }

private:
    std::pair<uint64_t, std::byte*> take_bytes(uint64_t size, uint64_t align) {
        uint64_t at = (next_ + align - 1) & ~(align - 1);
        if (at > end_ || size > end_ - at) {
            overflow_ = true;
            return {0, nullptr};
        }
        next_ = at + size;
        return {at, mem_.bytes(at, size).data()};
    }
    const GuestMemory& mem_;
    uint64_t next_, end_;
    bool overflow_ = false;
};

void put_ip4_config(nabla_device& d, const Ip4Config& c) {
    if (c.address) {
        std::memcpy(d.u.net.ip4, c.address->addr.data(), 4);
        d.u.net.ip4_prefix = c.address->prefix;
    }
    if (c.gateway) std::memcpy(d.u.net.ip4_gateway, c.gateway->data(), 4);
    d.u.net.route_count = static_cast<uint32_t>(std::min<size_t>(c.routes.size(), NABLA_NET_MAX_ROUTES));
    for (uint32_t r = 0; r < d.u.net.route_count; r++) {
        std::memcpy(d.u.net.routes[r].dest, c.routes[r].dest.addr.data(), 4);
        d.u.net.routes[r].prefix = c.routes[r].dest.prefix;
        std::memcpy(d.u.net.routes[r].gateway, c.routes[r].gateway.data(), 4);
    }
}

} // namespace

uint64_t boot_info_bytes(const Devices& devs, const BootFacts& facts) {
    uint64_t n = sizeof(nabla_boot_info) + 64;
    n += (devs.blocks.size() + devs.taps.size()) * sizeof(nabla_device) + 8;
    n += (facts.argv.size() + facts.envp.size() + 2) * sizeof(uint64_t);
    n += facts.mounts.size() * sizeof(nabla_mount) + 8;
    for (const auto& s : facts.argv) n += s.size() + 1;
    for (const auto& s : facts.envp) n += s.size() + 1;
    return n;
}

Result<uint64_t> write_boot_info(const GuestMemory& mem, const GuestLayout& l, const ElfImage& image,
                                 const Manifest& manifest, const Devices& devs, const BootFacts& facts) {
    BootArea area(mem, l.boot_start, l.heap_start);
    auto [bi_addr, bi] = area.take<nabla_boot_info>();
    auto [dev_addr, dev] = area.take<nabla_device>(devs.blocks.size() + devs.taps.size());
    auto [argv_addr, argv] = area.take<uint64_t>(facts.argv.size() + 1);
    auto [envp_addr, envp] = area.take<uint64_t>(facts.envp.size() + 1);
    auto [mounts_addr, mounts] = area.take<nabla_mount>(facts.mounts.size());
    if (area.overflowed()) return fail(Exit::os_error, "boot data does not fit its area");
    for (size_t i = 0; i < facts.argv.size(); i++) argv[i] = area.put_string(facts.argv[i]);
    argv[facts.argv.size()] = 0;
    for (size_t i = 0; i < facts.envp.size(); i++) envp[i] = area.put_string(facts.envp[i]);
    envp[facts.envp.size()] = 0;
    if (area.overflowed()) return fail(Exit::os_error, "boot data does not fit its area");

    *bi = nabla_boot_info{};
    bi->abi_version = NABLA_ABI_VERSION;
    bi->host_flags = facts.host_flags;
    bi->guest_flags = facts.guest_flags;
    bi->load_bias = l.bias;
    bi->mem_start = l.mem_start;
    bi->mem_end = l.mem_end;
    bi->heap_start = l.heap_start;
    bi->heap_end = l.heap_end;
    bi->stack_low = l.stack_low;
    bi->stack_top = l.stack_top;
    bi->vdso_clock_gettime = facts.vdso_clock_gettime;
    bi->phdr = image.phnum ? image.phdr_vaddr + l.bias : 0;
    bi->phnum = image.phnum;
    bi->argc = static_cast<uint32_t>(facts.argv.size());
    bi->argv = argv_addr;
    bi->envp = envp_addr;
    bi->console_fd = 1;
    bi->console_err_fd = 2;
    bi->device_count = static_cast<uint32_t>(devs.blocks.size() + devs.taps.size());
    bi->devices = dev_addr;
    bi->mounts = mounts_addr;
    bi->mount_count = static_cast<uint32_t>(facts.mounts.size());
    bi->writable_mib = facts.writable_mib;
    for (size_t m = 0; m < facts.mounts.size(); m++) {
        mounts[m] = nabla_mount{};
        std::strncpy(mounts[m].path, facts.mounts[m].path.c_str(), NABLA_MOUNT_PATH_MAX);
        std::strncpy(mounts[m].device, facts.mounts[m].device.c_str(), NABLA_DEVICE_NAME_MAX);
        mounts[m].kind = facts.mounts[m].root ? NABLA_MOUNT_ROOT_TAR : NABLA_MOUNT_BLOCK_FILE;
    }

    size_t i = 0;
    for (const auto& entry : manifest.devices) {
        nabla_device& d = dev[i++] = nabla_device{};
        std::strncpy(d.name, entry.name.c_str(), NABLA_DEVICE_NAME_MAX);
        auto block = std::ranges::find(devs.blocks, entry.name, &BlockDevice::name);
        auto tap = std::ranges::find(devs.taps, entry.name, &TapDevice::name);
        if (block != devs.blocks.end()) {
            d.kind = NABLA_DEVICE_BLOCK;
            d.host_fd = block->fd.get();
            d.u.block.capacity = block->capacity;
            d.u.block.block_size = block->block_size;
            d.u.block.read_only = block->read_only;
            d.u.block.max_request = NABLA_BLOCK_MAX_REQUEST;
        } else if (tap != devs.taps.end()) {
            d.kind = NABLA_DEVICE_NET;
            d.host_fd = tap->fd.get();
            std::memcpy(d.u.net.mac, tap->mac.data(), 6);
            d.u.net.mtu = tap->mtu;
            put_ip4_config(d, tap->ip4);
        } else {
            return fail(Exit::config, fmt::format("device '{}' is declared but not attached", entry.name));
        }
    }

    // Seeds the guest's stack protector and getrandom().
    if (::getrandom(bi->entropy, sizeof bi->entropy, 0) != static_cast<ssize_t>(sizeof bi->entropy))
        return fail_errno(Exit::os_error, "getrandom for the guest's entropy");
    return bi_addr;
}

} // namespace nabla

#include "devices.hpp"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstring>
#include <fmt/format.h>

namespace nabla {
namespace {

Result<uint32_t> interface_mtu(const std::string& iface) {
    UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock.valid()) return fail_errno(Exit::os_error, "socket for SIOCGIFMTU");
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, iface.c_str(), IFNAMSIZ - 1);
    if (::ioctl(sock.get(), SIOCGIFMTU, &ifr) != 0)
        return fail_errno(Exit::unavailable, fmt::format("tap '{}': cannot read its MTU", iface));
    return static_cast<uint32_t>(ifr.ifr_mtu);
}

} // namespace

Mac derive_mac(std::string_view device, std::string_view iface) {
    uint64_t h = 0xcbf29ce484222325ull; // FNV-1a
    auto mix = [&](std::string_view s) {
        for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
        h = (h ^ 0xff) * 0x100000001b3ull;
    };
    mix(device);
    mix(iface);
    Mac mac;
    for (size_t i = 0; i < 6; i++) mac[i] = static_cast<uint8_t>(h >> (8 * i));
    mac[0] = static_cast<uint8_t>((mac[0] & 0xfe) | 0x02); // unicast, locally administered
    return mac;
}

Result<TapDevice> open_tap(const NetOption& opt) {
    TapDevice tap{opt.name, opt.iface, UniqueFd{}, {}, 0, opt.ip4};
    ifreq ifr{};
    if (opt.fd >= 0) {
        auto where = fmt::format("--net:{}=@{}", opt.name, opt.fd);
        if (::fcntl(opt.fd, F_GETFD) < 0) return fail_errno(Exit::unavailable, fmt::format("{}: fd is not open", where));
        if (::ioctl(opt.fd, TUNGETIFF, &ifr) != 0)
            return fail_errno(Exit::unavailable, fmt::format("{}: not a tap device", where));
        if (!(ifr.ifr_flags & IFF_TAP) || !(ifr.ifr_flags & IFF_NO_PI))
            return fail(Exit::unavailable, fmt::format("{}: not a tap device opened with IFF_TAP|IFF_NO_PI", where));
        tap.fd = UniqueFd(opt.fd);
        tap.iface = ifr.ifr_name;
    } else {
        auto where = fmt::format("--net:{}={}", opt.name, opt.iface);
        // Refuse to create a tap by accident: a typo would give a dead link.
        if (::if_nametoindex(opt.iface.c_str()) == 0)
            return fail(Exit::unavailable, fmt::format("{}: no such interface (create it first: ip tuntap add {} mode tap)",
                                                       where, opt.iface));
        tap.fd = UniqueFd(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
        if (!tap.fd.valid()) return fail_errno(Exit::unavailable, fmt::format("{}: cannot open /dev/net/tun", where));
        std::strncpy(ifr.ifr_name, opt.iface.c_str(), IFNAMSIZ - 1);
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
        if (::ioctl(tap.fd.get(), TUNSETIFF, &ifr) != 0) {
            if (errno == EBUSY)
                return fail(Exit::unavailable, fmt::format("{}: tap is in use by another process", where));
            if (errno == EINVAL)
                return fail(Exit::unavailable, fmt::format("{}: interface is not a tap device", where));
            return fail_errno(Exit::unavailable, fmt::format("{}: TUNSETIFF", where));
        }
    }
    int flags = ::fcntl(tap.fd.get(), F_GETFL);
    if (flags < 0 || ::fcntl(tap.fd.get(), F_SETFL, flags | O_NONBLOCK) != 0)
        return fail_errno(Exit::os_error, fmt::format("tap '{}': cannot set O_NONBLOCK", tap.iface));
    if (opt.mtu) {
        tap.mtu = *opt.mtu;
    } else {
        auto mtu = interface_mtu(tap.iface);
        if (!mtu) return std::unexpected(mtu.error());
        tap.mtu = *mtu;
    }
    tap.mac = opt.mac.value_or(derive_mac(opt.name, tap.iface));
    return tap;
}

} // namespace nabla

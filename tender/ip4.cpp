#include "ip4.hpp"

#include <charconv>
#include <fmt/format.h>

namespace nabla {
namespace {

// A decimal number up to max: digits only, no sign, no leading zero.
std::optional<uint32_t> parse_decimal(std::string_view text, uint32_t max) {
    if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
    uint32_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || v > max) return std::nullopt;
    return v;
}

uint32_t to_u32(const Ip4& a) {
    return uint32_t{a[0]} << 24 | uint32_t{a[1]} << 16 | uint32_t{a[2]} << 8 | a[3];
}

Ip4 from_u32(uint32_t v) {
    return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
            static_cast<uint8_t>(v)};
}

uint32_t mask_of(uint32_t prefix) { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }

} // namespace

Result<Ip4> parse_ip4(std::string_view text) {
    Ip4 a{};
    std::string_view rest = text;
    for (size_t i = 0; i < 4; i++) {
        auto dot = rest.find('.');
        if ((i < 3) == (dot == std::string_view::npos)) break;
        auto part = parse_decimal(rest.substr(0, dot), 255);
        if (!part) break;
        a[i] = static_cast<uint8_t>(*part);
        if (i == 3) return a;
        rest.remove_prefix(dot + 1);
    }
    return fail(Exit::usage, fmt::format("'{}' is not an IPv4 address (a.b.c.d)", text));
}

Result<Ip4Net> parse_ip4_net(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos)
        return fail(Exit::usage, fmt::format("'{}' is not ADDR/PREFIX", text));
    auto addr = parse_ip4(text.substr(0, slash));
    if (!addr) return std::unexpected(addr.error());
    auto prefix = parse_decimal(text.substr(slash + 1), 32);
    if (!prefix) return fail(Exit::usage, fmt::format("'{}': the prefix length is not 0..32", text));
    return Ip4Net{*addr, *prefix};
}

std::string format_ip4(const Ip4& a) { return fmt::format("{}.{}.{}.{}", a[0], a[1], a[2], a[3]); }
std::string format_ip4(const Ip4Net& n) { return fmt::format("{}/{}", format_ip4(n.addr), n.prefix); }

Ip4 network_of(const Ip4& a, uint32_t prefix) { return from_u32(to_u32(a) & mask_of(prefix)); }
Ip4 broadcast_of(const Ip4& a, uint32_t prefix) { return from_u32(to_u32(a) | ~mask_of(prefix)); }

const char* unicast_problem(const Ip4& a) {
    if (a[0] == 0) return "is in 0.0.0.0/8, not a host address";
    if (a[0] == 127) return "is a loopback address";
    if (a[0] >= 224 && a[0] < 240) return "is a multicast address";
    if (a[0] >= 240) return "is a reserved or the broadcast address";
    return nullptr;
}

} // namespace nabla

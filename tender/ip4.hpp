// IPv4 addresses and prefixes as nabla-run's command line writes them
// (10.0.0.2, 10.0.0.0/24): strict dotted quads, without inet_aton's octal
// and short forms, so what the user sees is what the guest gets.
#pragma once

#include "error.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nabla {

using Ip4 = std::array<uint8_t, 4>; // network order: 10.0.0.1 is {10, 0, 0, 1}

struct Ip4Net {
    Ip4 addr;
    uint32_t prefix; // 0..32
    bool operator==(const Ip4Net&) const = default;
};

// A route of a net device: destinations in dest reached through gateway.
struct Ip4Route {
    Ip4Net dest; // host bits zero
    Ip4 gateway;
    bool operator==(const Ip4Route&) const = default;
};

// A net device's IPv4 set-up, each part optional.
struct Ip4Config {
    std::optional<Ip4Net> address;
    std::optional<Ip4> gateway;
    std::vector<Ip4Route> routes;
};

// Errors carry Exit::usage and say what is wrong with text, quoting it.
Result<Ip4> parse_ip4(std::string_view text);
Result<Ip4Net> parse_ip4_net(std::string_view text); // ADDR/PREFIX

std::string format_ip4(const Ip4& a);
std::string format_ip4(const Ip4Net& n);

// Host bits of a under prefix cleared: the network it belongs to.
Ip4 network_of(const Ip4& a, uint32_t prefix);
// Host bits set: the subnet's broadcast address.
Ip4 broadcast_of(const Ip4& a, uint32_t prefix);

// What a device's own address or a gateway may be: not 0.0.0.0/8, loopback,
// multicast or reserved (240/4, which holds the broadcast address). Null
// when fine, else why not.
const char* unicast_problem(const Ip4& a);

} // namespace nabla

#include "cli.hpp"

#include "manifest.hpp"
#include "nabla/abi.h"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <functional>
#include <string_view>

namespace nabla {
namespace {

// One flag: "--NAME" or "--NAME:DEVICE"; value after '='.
struct Flag {
    std::string_view name;
    bool per_device;    // --name:DEVICE=VALUE
    bool takes_value;
    std::string_view value_help;
    std::string_view help;
    std::function<Result<void>(Options&, std::string_view device, std::string_view value)> apply;
};

Result<uint64_t> parse_number(std::string_view text, std::string_view flag) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
        return fail(Exit::usage, fmt::format("{}: '{}' is not a number", flag, text));
    return value;
}

Result<void> check_new_device(const Options& o, std::string_view device, std::string_view flag) {
    if (!valid_device_name(device))
        return fail(Exit::usage, fmt::format("{}: device name '{}' is not [A-Za-z0-9_]{{1,67}}", flag, device));
    bool taken = std::ranges::any_of(o.nets, [&](auto& n) { return n.name == device; }) ||
                 std::ranges::any_of(o.blocks, [&](auto& b) { return b.name == device; });
    if (taken) return fail(Exit::usage, fmt::format("{}: device '{}' is given twice", flag, device));
    return {};
}

Result<void> add_block(Options& o, std::string_view device, std::string_view path, bool ro,
                       std::string_view flag) {
    if (auto ok = check_new_device(o, device, flag); !ok) return ok;
    if (path.empty()) return fail(Exit::usage, fmt::format("{}:{} needs a file", flag, device));
    o.blocks.push_back({std::string(device), std::string(path), ro, 512});
    return {};
}

// The --net:DEVICE a per-device net flag refers to, given before it.
Result<NetOption*> net_given_before(Options& o, std::string_view device, std::string_view flag) {
    auto it = std::ranges::find_if(o.nets, [&](auto& n) { return n.name == device; });
    if (it == o.nets.end())
        return fail(Exit::usage, fmt::format("--{}:{}: no --net:{} given before it", flag, device, device));
    return &*it;
}

// An address the guest itself or a gateway may have.
Result<Ip4> parse_unicast(std::string_view text, std::string_view where) {
    auto a = parse_ip4(text);
    if (!a) return fail(Exit::usage, fmt::format("{}: {}", where, a.error().message));
    if (auto why = unicast_problem(*a)) return fail(Exit::usage, fmt::format("{}: {} {}", where, text, why));
    return a;
}

Result<void> set_net_ip(Options& o, std::string_view dev, std::string_view v) {
    auto net = net_given_before(o, dev, "net-ip");
    if (!net) return std::unexpected(net.error());
    auto where = fmt::format("--net-ip:{}", dev);
    if ((*net)->ip4.address) return fail(Exit::usage, fmt::format("{} is given twice", where));
    auto n = parse_ip4_net(v);
    if (!n) return fail(Exit::usage, fmt::format("{}: {}", where, n.error().message));
    if (auto why = unicast_problem(n->addr))
        return fail(Exit::usage, fmt::format("{}: {} {}", where, format_ip4(n->addr), why));
    // In a subnet of more than two addresses, the all-zeros and all-ones
    // hosts are the network and its broadcast, not an address of its own.
    if (n->prefix <= 30) {
        Ip4 network = network_of(n->addr, n->prefix);
        if (n->addr == network || n->addr == broadcast_of(n->addr, n->prefix))
            return fail(Exit::usage, fmt::format("{}: {} is the {} address of {}/{}", where, format_ip4(n->addr),
                                                 n->addr == network ? "network" : "broadcast", format_ip4(network),
                                                 n->prefix));
    }
    (*net)->ip4.address = *n;
    return {};
}

Result<void> set_net_gw(Options& o, std::string_view dev, std::string_view v) {
    auto net = net_given_before(o, dev, "net-gw");
    if (!net) return std::unexpected(net.error());
    auto where = fmt::format("--net-gw:{}", dev);
    if ((*net)->ip4.gateway) return fail(Exit::usage, fmt::format("{} is given twice", where));
    auto gw = parse_unicast(v, where);
    if (!gw) return std::unexpected(gw.error());
    (*net)->ip4.gateway = *gw;
    return {};
}

Result<void> set_net_mtu(Options& o, std::string_view dev, std::string_view v) {
    auto net = net_given_before(o, dev, "net-mtu");
    if (!net) return std::unexpected(net.error());
    auto where = fmt::format("--net-mtu:{}", dev);
    auto n = parse_number(v, where);
    if (!n) return std::unexpected(n.error());
    if (*n < min_net_mtu || *n > max_net_mtu)
        return fail(Exit::usage, fmt::format("{}: {} is not in {}..{}", where, *n, min_net_mtu, max_net_mtu));
    (*net)->mtu = static_cast<uint32_t>(*n);
    return {};
}

Result<void> add_net_route(Options& o, std::string_view dev, std::string_view v) {
    auto net = net_given_before(o, dev, "net-route");
    if (!net) return std::unexpected(net.error());
    auto where = fmt::format("--net-route:{}", dev);
    auto at = v.find('@');
    if (at == std::string_view::npos)
        return fail(Exit::usage, fmt::format("{}: '{}' is not DEST/PREFIX@GATEWAY", where, v));
    auto dest = parse_ip4_net(v.substr(0, at));
    if (!dest) return fail(Exit::usage, fmt::format("{}: {}", where, dest.error().message));
    if (network_of(dest->addr, dest->prefix) != dest->addr)
        return fail(Exit::usage, fmt::format("{}: {} has host bits set (the network is {}/{})", where,
                                             format_ip4(*dest), format_ip4(network_of(dest->addr, dest->prefix)),
                                             dest->prefix));
    auto gw = parse_unicast(v.substr(at + 1), where);
    if (!gw) return std::unexpected(gw.error());
    auto& routes = (*net)->ip4.routes;
    if (std::ranges::any_of(routes, [&](auto& r) { return r.dest == *dest; }))
        return fail(Exit::usage, fmt::format("{}: {} is routed twice", where, format_ip4(*dest)));
    if (routes.size() >= NABLA_NET_MAX_ROUTES)
        return fail(Exit::usage, fmt::format("{}: more than {} routes", where, NABLA_NET_MAX_ROUTES));
    routes.push_back({*dest, *gw});
    return {};
}

// What only the whole command line shows: a gateway or route needs the
// device's own address, and is not that address.
Result<void> check_ip4_configs(const Options& o) {
    for (const auto& n : o.nets) {
        const auto& c = n.ip4;
        bool routed = c.gateway || !c.routes.empty();
        if (routed && !c.address)
            return fail(Exit::usage, fmt::format("--{}:{} needs --net-ip:{} (the device's own address)",
                                                 c.gateway ? "net-gw" : "net-route", n.name, n.name));
        if (!c.address) continue;
        if (c.gateway == c.address->addr)
            return fail(Exit::usage, fmt::format("--net-gw:{}: {} is the device's own address", n.name,
                                                 format_ip4(*c.gateway)));
        for (const auto& r : c.routes)
            if (r.gateway == c.address->addr)
                return fail(Exit::usage, fmt::format("--net-route:{}: gateway {} is the device's own address",
                                                     n.name, format_ip4(r.gateway)));
    }
    return {};
}

const std::vector<Flag>& flags() {
    static const std::vector<Flag> table = {
        {"mem", false, true, "MiB", "guest memory, lazily backed (default 512)",
         [](Options& o, auto, std::string_view v) -> Result<void> {
             auto n = parse_number(v, "--mem");
             if (!n) return std::unexpected(n.error());
             if (*n < min_mem_mib || *n > max_mem_mib)
                 return fail(Exit::usage, fmt::format("--mem: {} MiB is not in {}..{}", *n, min_mem_mib, max_mem_mib));
             o.mem_mib = *n;
             return {};
         }},
        {"net", true, true, "IFACE|@FD", "attach tap interface IFACE (or inherited tap fd FD) as device NAME",
         [](Options& o, std::string_view dev, std::string_view v) -> Result<void> {
             if (auto ok = check_new_device(o, dev, "--net"); !ok) return ok;
             NetOption net{std::string(dev), {}, -1, {}};
             if (v.starts_with('@')) {
                 auto fd = parse_number(v.substr(1), "--net");
                 if (!fd) return std::unexpected(fd.error());
                 if (*fd < 3 || *fd > 65535)
                     return fail(Exit::usage, fmt::format("--net:{}: fd {} is not an inheritable fd (3..65535)", dev, *fd));
                 auto owner = std::ranges::find(o.nets, static_cast<int>(*fd), &NetOption::fd);
                 if (owner != o.nets.end())
                     return fail(Exit::usage, fmt::format("--net:{}: fd {} is already used by --net:{}", dev, *fd,
                                                          owner->name));
                 net.fd = static_cast<int>(*fd);
             } else {
                 if (v.empty() || v.size() >= 16)
                     return fail(Exit::usage, fmt::format("--net:{}: interface name '{}' is not 1..15 characters", dev, v));
                 net.iface = v;
             }
             o.nets.push_back(std::move(net));
             return {};
         }},
        {"net-mac", true, true, "MAC", "MAC address of net device NAME (default: derived from its name)",
         [](Options& o, std::string_view dev, std::string_view v) -> Result<void> {
             auto it = std::ranges::find_if(o.nets, [&](auto& n) { return n.name == dev; });
             if (it == o.nets.end())
                 return fail(Exit::usage, fmt::format("--net-mac:{}: no --net:{} given before it", dev, dev));
             auto mac = parse_mac(v);
             if (!mac) return fail(Exit::usage, fmt::format("--net-mac:{}: {}", dev, mac.error().message));
             it->mac = *mac;
             return {};
         }},
        {"net-ip", true, true, "ADDR/PREFIX", "IPv4 address of net device NAME, e.g. 10.0.0.2/24 or a /32",
         set_net_ip},
        {"net-gw", true, true, "ADDR", "default gateway through NAME; may be off the link (with a /32)",
         set_net_gw},
        {"net-route", true, true, "DEST/PREFIX@GW", "route DEST/PREFIX through gateway GW on NAME (repeatable)",
         add_net_route},
        {"net-mtu", true, true, "N", "MTU of net device NAME, 68..65535 (default: the tap's)", set_net_mtu},
        {"block", true, true, "FILE", "attach FILE as block device NAME, read-write",
         [](Options& o, std::string_view dev, std::string_view v) { return add_block(o, dev, v, false, "--block"); }},
        {"block-ro", true, true, "FILE", "attach FILE as block device NAME, read-only",
         [](Options& o, std::string_view dev, std::string_view v) { return add_block(o, dev, v, true, "--block-ro"); }},
        {"block-size", true, true, "512|4096", "block size of device NAME (default 512)",
         [](Options& o, std::string_view dev, std::string_view v) -> Result<void> {
             auto it = std::ranges::find_if(o.blocks, [&](auto& b) { return b.name == dev; });
             if (it == o.blocks.end())
                 return fail(Exit::usage, fmt::format("--block-size:{}: no --block:{} given before it", dev, dev));
             if (v != "512" && v != "4096")
                 return fail(Exit::usage, fmt::format("--block-size:{}: '{}' is neither 512 nor 4096", dev, v));
             it->block_size = v == "512" ? 512 : 4096;
             return {};
         }},
        {"env", false, true, "KEY=VALUE", "set KEY in the guest's environment (repeatable)",
         [](Options& o, auto, std::string_view v) -> Result<void> {
             auto eq = v.find('=');
             if (eq == 0 || eq == std::string_view::npos)
                 return fail(Exit::usage, fmt::format("--env: '{}' is not KEY=VALUE", v));
             o.env.emplace_back(v);
             return {};
         }},
        {"root", false, true, "DEVICE", "block device DEVICE holds a tar image: the guest's root, read-only",
         [](Options& o, auto, std::string_view v) -> Result<void> {
             if (!valid_device_name(v)) return fail(Exit::usage, fmt::format("--root: '{}' is not a device name", v));
             if (std::ranges::any_of(o.mounts, &MountOption::root))
                 return fail(Exit::usage, "--root is given twice");
             o.mounts.push_back({std::string(v), "/", true});
             return {};
         }},
        {"mount", true, true, "PATH", "block device NAME appears in the guest as the file PATH",
         [](Options& o, std::string_view dev, std::string_view v) -> Result<void> {
             if (!v.starts_with('/') || v.size() > 255 || v == "/" || v.find("/../") != std::string_view::npos ||
                 v.ends_with("/..") || v.ends_with('/'))
                 return fail(Exit::usage, fmt::format("--mount:{}: '{}' is not an absolute file path", dev, v));
             if (std::ranges::any_of(o.mounts, [&](auto& m) { return m.path == v; }))
                 return fail(Exit::usage, fmt::format("--mount:{}: '{}' is mounted twice", dev, v));
             o.mounts.push_back({std::string(dev), std::string(v), false});
             return {};
         }},
        {"writable", false, true, "MiB", "size of the guest's in-memory writable layer (default 64)",
         [](Options& o, auto, std::string_view v) -> Result<void> {
             auto n = parse_number(v, "--writable");
             if (!n) return std::unexpected(n.error());
             if (*n > max_mem_mib) return fail(Exit::usage, fmt::format("--writable: {} MiB is too large", *n));
             o.writable_mib = *n;
             return {};
         }},
        {"trace-syscalls", false, false, "", "the library OS logs every system call the guest makes, to stderr",
         [](Options& o, auto, auto) -> Result<void> { o.trace_syscalls = true; return {}; }},
        {"print-policy", false, false, "", "print the seccomp policy KERNEL would get with these devices, and exit",
         [](Options& o, auto, auto) -> Result<void> { o.print_policy = true; return {}; }},
        {"help", false, false, "", "show this help",
         [](Options& o, auto, auto) -> Result<void> { o.help = true; return {}; }},
        {"version", false, false, "", "show the version and the guest ABI version",
         [](Options& o, auto, auto) -> Result<void> { o.version = true; return {}; }},
    };
    return table;
}

} // namespace

Result<Mac> parse_mac(std::string_view text) {
    Mac mac{};
    if (text.size() != 17) return fail(Exit::usage, fmt::format("'{}' is not a MAC address (xx:xx:xx:xx:xx:xx)", text));
    for (size_t i = 0; i < 6; i++) {
        auto part = text.substr(i * 3, 2);
        if (i < 5 && text[i * 3 + 2] != ':')
            return fail(Exit::usage, fmt::format("'{}' is not a MAC address (xx:xx:xx:xx:xx:xx)", text));
        auto [end, ec] = std::from_chars(part.data(), part.data() + 2, mac[i], 16);
        if (ec != std::errc{} || end != part.data() + 2)
            return fail(Exit::usage, fmt::format("'{}' is not a MAC address (xx:xx:xx:xx:xx:xx)", text));
    }
    if (mac[0] & 1) return fail(Exit::usage, fmt::format("'{}' is a multicast MAC address", text));
    if (mac == Mac{}) return fail(Exit::usage, fmt::format("'{}' is the all-zero MAC address", text));
    return mac;
}

Result<Options> parse_cli(const std::vector<std::string>& argv) {
    Options o;
    size_t i = 1;
    for (; i < argv.size(); i++) {
        std::string_view arg = argv[i];
        if (arg == "--") { i++; break; }
        if (!arg.starts_with("--")) break; // KERNEL
        arg.remove_prefix(2);
        auto eq = arg.find('=');
        std::string_view key = arg.substr(0, eq);
        std::optional<std::string_view> value;
        if (eq != std::string_view::npos) value = arg.substr(eq + 1);
        std::string_view device;
        if (auto colon = key.find(':'); colon != std::string_view::npos) {
            device = key.substr(colon + 1);
            key = key.substr(0, colon);
        }
        auto flag = std::ranges::find_if(flags(), [&](const Flag& f) { return f.name == key; });
        if (flag == flags().end())
            return fail(Exit::usage, fmt::format("unknown option '{}' (see nabla-run --help)", argv[i]));
        if (flag->per_device && device.empty())
            return fail(Exit::usage, fmt::format("--{} needs a device name: --{}:NAME={}", key, key, flag->value_help));
        if (!flag->per_device && !device.empty())
            return fail(Exit::usage, fmt::format("--{} takes no device name", key));
        if (flag->takes_value && !value)
            return fail(Exit::usage, fmt::format("--{} needs a value: --{}{}={}", key, key,
                                                 flag->per_device ? ":NAME" : "", flag->value_help));
        if (!flag->takes_value && value) return fail(Exit::usage, fmt::format("--{} takes no value", key));
        if (auto ok = flag->apply(o, device, value.value_or("")); !ok) return std::unexpected(ok.error());
    }
    if (o.help || o.version) return o;
    if (auto ok = check_ip4_configs(o); !ok) return std::unexpected(ok.error());
    if (i >= argv.size()) return fail(Exit::usage, "no KERNEL given (see nabla-run --help)");
    o.kernel = argv[i];
    o.args.assign(argv.begin() + static_cast<long>(i) + 1, argv.end());
    return o;
}

std::string usage_text() {
    std::string out =
        "usage: nabla-run [OPTIONS] KERNEL [ARGS...]\n"
        "Runs the nabla unikernel KERNEL as one process that may make only seven system calls.\n\n"
        "options:\n";
    for (const auto& f : flags()) {
        std::string left = fmt::format("  --{}{}{}{}", f.name, f.per_device ? ":NAME" : "",
                                       f.takes_value ? "=" : "", f.value_help);
        out += fmt::format("{:<34} {}\n", left, f.help);
    }
    out += "\nexit status: the guest's own exit code; 134 if the guest aborted; death by SIGSYS\n"
           "(shell status 159) if it broke the seccomp policy. Before the guest runs:\n"
           "64 usage, 65 malformed unikernel, 66 file not found, 69 tap unavailable,\n"
           "71 host error, 76 guest ABI version mismatch, 78 devices do not match the manifest.\n";
    return out;
}

} // namespace nabla

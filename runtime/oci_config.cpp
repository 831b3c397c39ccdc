#include "oci_config.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

namespace nabla::runnc {
namespace {

using json = nlohmann::json;

std::unexpected<Error> bad(const std::string& path, std::string_view what) {
    return fail(Exit::config, fmt::format("{}: {}", path, what));
}
std::unexpected<Error> refuse(const std::string& path, std::string_view what) {
    return fail(Exit::unsupported, fmt::format("{}: {}", path, what));
}

std::string at(const std::string& path, std::string_view key) { return path.empty() ? std::string(key) : path + "." + std::string(key); }
std::string at(const std::string& path, size_t i) { return fmt::format("{}[{}]", path, i); }

// Each helper reads one optional field of `obj`: absent (or null) leaves the
// target alone; a value of the wrong type is an error naming the field.
Result<void> read_bool(const json& obj, std::string_view key, const std::string& path, bool& out) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return {};
    if (!it->is_boolean()) return bad(at(path, key), "must be true or false");
    out = it->get<bool>();
    return {};
}

Result<void> read_string(const json& obj, std::string_view key, const std::string& path, std::string& out) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return {};
    if (!it->is_string()) return bad(at(path, key), "must be a string");
    out = it->get<std::string>();
    return {};
}

Result<std::vector<std::string>> string_array(const json& v, const std::string& path, std::string_view what) {
    if (!v.is_array()) return bad(path, what);
    std::vector<std::string> out;
    for (const auto& e : v) {
        if (!e.is_string()) return bad(path, what);
        out.push_back(e.get<std::string>());
    }
    return out;
}

// An integer in [lo, hi]; JSON numbers that are not integers are refused.
template <typename T>
Result<std::optional<T>> read_int(const json& obj, std::string_view key, const std::string& path,
                                  T lo = std::numeric_limits<T>::min(), T hi = std::numeric_limits<T>::max()) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::optional<T>{};
    auto where = at(path, key);
    auto range = fmt::format("must be an integer in {}..{}", lo, hi);
    if (it->is_number_unsigned()) {
        auto v = it->get<uint64_t>();
        if (v > static_cast<uint64_t>(hi) || (lo > 0 && v < static_cast<uint64_t>(lo))) return bad(where, range);
        return std::optional<T>(static_cast<T>(v));
    }
    if (it->is_number_integer()) {
        auto v = it->get<int64_t>();
        if constexpr (std::is_unsigned_v<T>) {
            if (v < 0) return bad(where, range);
            if (static_cast<uint64_t>(v) > hi || static_cast<uint64_t>(v) < lo) return bad(where, range);
        } else {
            if (v < lo || v > hi) return bad(where, range);
        }
        return std::optional<T>(static_cast<T>(v));
    }
    return bad(where, range);
}

bool absolute(std::string_view p) { return p.starts_with('/'); }

// --- process ---------------------------------------------------------------

struct RlimitName {
    std::string_view name;
    int resource;
};
constexpr RlimitName rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},       {"RLIMIT_FSIZE", RLIMIT_FSIZE},       {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},   {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

Result<void> parse_user(const json& j, const std::string& path, User& user) {
    if (!j.is_object()) return bad(path, "must be an object");
    auto uid = read_int<uint32_t>(j, "uid", path);
    if (!uid) return std::unexpected(uid.error());
    auto gid = read_int<uint32_t>(j, "gid", path);
    if (!gid) return std::unexpected(gid.error());
    user.uid = uid->value_or(0);
    user.gid = gid->value_or(0);
    if (auto it = j.find("additionalGids"); it != j.end() && !it->is_null()) {
        auto where = at(path, "additionalGids");
        if (!it->is_array()) return bad(where, "must be an array of group ids");
        for (const auto& g : *it) {
            if (!g.is_number_integer() || g.get<int64_t>() < 0 || g.get<int64_t>() > UINT32_MAX)
                return bad(where, "must be an array of group ids");
            user.additional_gids.push_back(static_cast<uint32_t>(g.get<int64_t>()));
        }
    }
    return {};
}

Result<void> parse_rlimits(const json& j, const std::string& path, std::vector<Rlimit>& out) {
    if (!j.is_array()) return bad(path, "must be an array");
    for (size_t i = 0; i < j.size(); i++) {
        auto where = at(path, i);
        const auto& r = j[i];
        if (!r.is_object()) return bad(where, "must be an object with type, soft and hard");
        std::string type;
        if (auto ok = read_string(r, "type", where, type); !ok) return ok;
        auto name = std::ranges::find(rlimit_names, type, &RlimitName::name);
        if (name == std::end(rlimit_names)) return bad(at(where, "type"), fmt::format("'{}' is not an RLIMIT_ name", type));
        auto soft = read_int<uint64_t>(r, "soft", where);
        if (!soft) return std::unexpected(soft.error());
        auto hard = read_int<uint64_t>(r, "hard", where);
        if (!hard) return std::unexpected(hard.error());
        if (!*soft || !*hard) return bad(where, "needs both soft and hard");
        if (**soft > **hard) return bad(where, fmt::format("soft limit {} is above the hard limit {}", **soft, **hard));
        if (std::ranges::any_of(out, [&](auto& o) { return o.name == type; }))
            return bad(where, fmt::format("{} is given twice", type));
        out.push_back({name->resource, type, **soft, **hard});
    }
    return {};
}

Result<void> parse_process(const json& j, Process& p) {
    const std::string path = "process";
    if (!j.is_object()) return bad(path, "must be an object");
    if (auto ok = read_bool(j, "terminal", path, p.terminal); !ok) return ok;
    auto args = j.find("args");
    constexpr std::string_view args_what = "must be a non-empty array of strings";
    if (args == j.end()) return bad("process.args", args_what);
    auto a = string_array(*args, "process.args", args_what);
    if (!a) return std::unexpected(a.error());
    if (a->empty() || (*a)[0].empty()) return bad("process.args", args_what);
    p.args = std::move(*a);
    if (auto it = j.find("env"); it != j.end() && !it->is_null()) {
        auto e = string_array(*it, "process.env", "must be an array of \"KEY=VALUE\" strings");
        if (!e) return std::unexpected(e.error());
        for (size_t i = 0; i < e->size(); i++) {
            auto eq = (*e)[i].find('=');
            if (eq == 0 || eq == std::string::npos)
                return bad(at("process.env", i), fmt::format("'{}' is not KEY=VALUE", (*e)[i]));
        }
        p.env = std::move(*e);
    }
    if (auto ok = read_string(j, "cwd", path, p.cwd); !ok) return ok;
    if (!absolute(p.cwd)) return bad("process.cwd", fmt::format("'{}' is not an absolute path", p.cwd));
    if (auto it = j.find("user"); it != j.end() && !it->is_null())
        if (auto ok = parse_user(*it, "process.user", p.user); !ok) return ok;
    if (auto it = j.find("rlimits"); it != j.end() && !it->is_null())
        if (auto ok = parse_rlimits(*it, "process.rlimits", p.rlimits); !ok) return ok;
    auto oom = read_int<int>(j, "oomScoreAdj", path, -1000, 1000);
    if (!oom) return std::unexpected(oom.error());
    p.oom_score_adj = *oom;
    // capabilities, noNewPrivileges, apparmorProfile, selinuxLabel: the
    // container process drops every capability and sets no_new_privs always.
    return {};
}

// --- mounts ----------------------------------------------------------------

// Destinations whose file systems the library OS gives every guest itself
// (its own /proc/self, /dev/null ...): the engine's mount is not needed.
constexpr std::string_view provided_by_guest[] = {"/proc", "/dev", "/dev/pts", "/dev/shm",
                                                  "/dev/mqueue", "/sys", "/sys/fs/cgroup"};

// tmpfs size= as mount(8) reads it: bytes, or k/m/g suffixed.
std::optional<uint64_t> parse_size(std::string_view s) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || end == s.data()) return {};
    std::string_view suffix(end, static_cast<size_t>(s.data() + s.size() - end));
    uint64_t unit = suffix.empty()                    ? 1
                    : suffix == "k" || suffix == "K" ? 1ull << 10
                    : suffix == "m" || suffix == "M" ? 1ull << 20
                    : suffix == "g" || suffix == "G" ? 1ull << 30
                                                     : 0;
    if (unit == 0 || n > UINT64_MAX / unit) return {};
    return n * unit;
}

Result<void> parse_mounts(const json& j, std::vector<TmpfsMount>& out) {
    const std::string path = "mounts";
    if (!j.is_array()) return bad(path, "must be an array");
    for (size_t i = 0; i < j.size(); i++) {
        auto where = at(path, i);
        const auto& m = j[i];
        if (!m.is_object()) return bad(where, "must be an object");
        std::string dest, type, source;
        if (auto ok = read_string(m, "destination", where, dest); !ok) return ok;
        if (auto ok = read_string(m, "type", where, type); !ok) return ok;
        if (auto ok = read_string(m, "source", where, source); !ok) return ok;
        if (!absolute(dest)) return bad(at(where, "destination"), fmt::format("'{}' is not an absolute path", dest));
        std::vector<std::string> options;
        if (auto it = m.find("options"); it != m.end() && !it->is_null()) {
            auto o = string_array(*it, at(where, "options"), "must be an array of strings");
            if (!o) return std::unexpected(o.error());
            options = std::move(*o);
        }
        while (dest.size() > 1 && dest.ends_with('/')) dest.pop_back();
        bool bind = type == "bind" || std::ranges::any_of(options, [](auto& o) { return o == "bind" || o == "rbind"; });
        if (bind)
            return refuse(where, fmt::format("bind mount of {} at {}: volumes are not supported yet", source, dest));
        if (std::ranges::find(provided_by_guest, dest) != std::end(provided_by_guest)) continue;
        if (type != "tmpfs")
            return refuse(where, fmt::format("{} mount at {}: only tmpfs mounts are supported", type.empty() ? "untyped" : type, dest));
        TmpfsMount t{dest, {}};
        for (const auto& o : options) {
            if (!o.starts_with("size=")) continue;
            auto size = parse_size(std::string_view(o).substr(5));
            if (!size) return bad(at(where, "options"), fmt::format("'{}' is not a size (bytes, or with k, m, g)", o));
            t.size_bytes = size;
        }
        out.push_back(std::move(t));
    }
    return {};
}

// --- hooks -----------------------------------------------------------------

struct HookClassName {
    HookClass cls;
    std::string_view name;
};
constexpr HookClassName hook_class_names[] = {
    {HookClass::prestart, "prestart"},
    {HookClass::create_runtime, "createRuntime"},
    {HookClass::create_container, "createContainer"},
    {HookClass::start_container, "startContainer"},
    {HookClass::poststart, "poststart"},
    {HookClass::poststop, "poststop"},
};

Result<Hook> parse_hook(const json& j, const std::string& where) {
    if (!j.is_object()) return bad(where, "must be an object with a path");
    Hook h;
    if (auto ok = read_string(j, "path", where, h.path); !ok) return std::unexpected(ok.error());
    if (!absolute(h.path)) return bad(at(where, "path"), fmt::format("'{}' is not an absolute path", h.path));
    if (auto it = j.find("args"); it != j.end() && !it->is_null()) {
        auto a = string_array(*it, at(where, "args"), "must be an array of strings");
        if (!a) return std::unexpected(a.error());
        h.args = std::move(*a);
    }
    if (auto it = j.find("env"); it != j.end() && !it->is_null()) {
        auto e = string_array(*it, at(where, "env"), "must be an array of \"KEY=VALUE\" strings");
        if (!e) return std::unexpected(e.error());
        h.env = std::move(*e);
    }
    auto timeout = read_int<int>(j, "timeout", where, 1, 3600);
    if (!timeout) return std::unexpected(timeout.error());
    h.timeout = *timeout;
    return h;
}

Result<void> parse_hooks(const json& j, Hooks& hooks) {
    if (!j.is_object()) return bad("hooks", "must be an object");
    for (const auto& [cls, name] : hook_class_names) {
        auto it = j.find(name);
        if (it == j.end() || it->is_null()) continue;
        auto path = at("hooks", name);
        if (!it->is_array()) return bad(path, "must be an array of hooks");
        for (size_t i = 0; i < it->size(); i++) {
            auto h = parse_hook((*it)[i], at(path, i));
            if (!h) return std::unexpected(h.error());
            hooks.by_class[cls].push_back(std::move(*h));
        }
    }
    return {};
}

// --- linux -----------------------------------------------------------------

struct NamespaceName {
    NamespaceKind kind;
    std::string_view name;
};
constexpr NamespaceName namespace_names[] = {
    {NamespaceKind::pid, "pid"},         {NamespaceKind::mount, "mount"},   {NamespaceKind::ipc, "ipc"},
    {NamespaceKind::uts, "uts"},         {NamespaceKind::network, "network"}, {NamespaceKind::cgroup, "cgroup"},
    {NamespaceKind::user, "user"},       {NamespaceKind::time, "time"},
};

Result<void> parse_namespaces(const json& j, std::vector<Namespace>& out) {
    const std::string path = "linux.namespaces";
    if (!j.is_array()) return bad(path, "must be an array");
    for (size_t i = 0; i < j.size(); i++) {
        auto where = at(path, i);
        if (!j[i].is_object()) return bad(where, "must be an object with a type");
        std::string type, ns_path;
        if (auto ok = read_string(j[i], "type", where, type); !ok) return ok;
        if (auto ok = read_string(j[i], "path", where, ns_path); !ok) return ok;
        auto name = std::ranges::find(namespace_names, type, &NamespaceName::name);
        if (name == std::end(namespace_names)) return bad(at(where, "type"), fmt::format("'{}' is not a namespace type", type));
        if (std::ranges::any_of(out, [&](auto& n) { return n.kind == name->kind; }))
            return bad(where, fmt::format("the {} namespace is given twice", type));
        if (!ns_path.empty() && !absolute(ns_path))
            return bad(at(where, "path"), fmt::format("'{}' is not an absolute path", ns_path));
        // A nabla container's pid and mount namespaces are its own: the
        // tender is the only program in them, under a root that holds only it.
        if (name->kind == NamespaceKind::user || name->kind == NamespaceKind::time)
            return refuse(where, fmt::format("{} namespaces are not supported yet", type));
        if (!ns_path.empty() && (name->kind == NamespaceKind::pid || name->kind == NamespaceKind::mount))
            return refuse(at(where, "path"), fmt::format("joining a {} namespace is not supported", type));
        out.push_back({name->kind, std::move(ns_path)});
    }
    return {};
}

// A JSON value that asks for something: not null, false, 0, "", [] or {}.
bool asks(const json& v) {
    if (v.is_null()) return false;
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number()) return v.get<double>() != 0;
    if (v.is_string()) return !v.get_ref<const std::string&>().empty();
    if (v.is_array() || v.is_object()) return !v.empty();
    return true;
}

Result<void> refuse_asked(const json& obj, std::initializer_list<std::string_view> keys, const std::string& path,
                          std::string_view why) {
    for (auto key : keys)
        if (auto it = obj.find(key); it != obj.end() && asks(*it)) return refuse(at(path, key), why);
    return {};
}

Result<Resources> parse_resources_json(const json& j, const std::string& path) {
    Resources r;
    if (!j.is_object()) return bad(path, "must be an object");
    if (auto it = j.find("memory"); it != j.end() && !it->is_null()) {
        auto where = at(path, "memory");
        if (!it->is_object()) return bad(where, "must be an object");
        auto limit = read_int<int64_t>(*it, "limit", where, -1);
        if (!limit) return std::unexpected(limit.error());
        if (*limit && **limit != -1 && **limit < min_memory_bytes)
            return bad(at(where, "limit"), fmt::format("{} bytes is below the {} MiB a nabla guest needs at least",
                                                       **limit, min_memory_bytes >> 20));
        r.memory_limit = *limit;
        auto reservation = read_int<int64_t>(*it, "reservation", where, -1);
        if (!reservation) return std::unexpected(reservation.error());
        r.memory_reservation = *reservation;
        auto swap = read_int<int64_t>(*it, "swap", where, -1);
        if (!swap) return std::unexpected(swap.error());
        r.memory_swap = *swap;
        if (auto ok = refuse_asked(*it, {"kernel", "kernelTCP", "swappiness", "disableOOMKiller", "useHierarchy",
                                         "checkBeforeUpdate"}, where, "not supported yet");
            !ok)
            return std::unexpected(ok.error());
    }
    if (auto it = j.find("cpu"); it != j.end() && !it->is_null()) {
        auto where = at(path, "cpu");
        if (!it->is_object()) return bad(where, "must be an object");
        auto shares = read_int<uint64_t>(*it, "shares", where, 0, 262144);
        if (!shares) return std::unexpected(shares.error());
        r.cpu_shares = *shares;
        auto quota = read_int<int64_t>(*it, "quota", where, -1);
        if (!quota) return std::unexpected(quota.error());
        r.cpu_quota = *quota;
        auto period = read_int<uint64_t>(*it, "period", where, 0, 1000000);
        if (!period) return std::unexpected(period.error());
        if (*period && **period != 0 && **period < 1000)
            return bad(at(where, "period"), "must be 1000..1000000 microseconds");
        r.cpu_period = *period;
        // One guest runs on one host thread: pinning and realtime can come later.
        if (auto ok = refuse_asked(*it, {"cpus", "mems", "realtimeRuntime", "realtimePeriod", "idle", "burst"}, where,
                                   "not supported yet");
            !ok)
            return std::unexpected(ok.error());
    }
    if (auto it = j.find("pids"); it != j.end() && !it->is_null()) {
        auto where = at(path, "pids");
        if (!it->is_object()) return bad(where, "must be an object");
        auto limit = read_int<int64_t>(*it, "limit", where, -1);
        if (!limit) return std::unexpected(limit.error());
        r.pids_limit = *limit;
    }
    // devices: a nabla container has no device nodes; the rules are moot.
    if (auto ok = refuse_asked(j, {"blockIO", "hugepageLimits", "network", "rdma", "unified"}, path, "not supported yet");
        !ok)
        return std::unexpected(ok.error());
    return r;
}

Result<void> parse_linux(const json& j, Config& c) {
    const std::string path = "linux";
    if (!j.is_object()) return bad(path, "must be an object");
    if (auto it = j.find("namespaces"); it != j.end() && !it->is_null())
        if (auto ok = parse_namespaces(*it, c.namespaces); !ok) return ok;
    if (auto it = j.find("resources"); it != j.end() && !it->is_null()) {
        auto r = parse_resources_json(*it, "linux.resources");
        if (!r) return std::unexpected(r.error());
        c.resources = *r;
    }
    if (auto ok = read_string(j, "cgroupsPath", path, c.cgroups_path); !ok) return ok;
    if (c.cgroups_path.find(':') != std::string::npos)
        return refuse("linux.cgroupsPath", fmt::format("'{}' is a systemd slice path; runnc manages cgroups itself "
                                                       "(configure the engine's cgroup manager as cgroupfs)",
                                                       c.cgroups_path));
    for (std::string_view part : {"/../", "/.."})
        if (c.cgroups_path.find(part) != std::string::npos || c.cgroups_path.starts_with(".."))
            return bad("linux.cgroupsPath", fmt::format("'{}' leaves the cgroup hierarchy", c.cgroups_path));
    if (auto ok = refuse_asked(j, {"uidMappings", "gidMappings"}, path, "user namespaces are not supported yet"); !ok)
        return ok;
    if (auto ok = refuse_asked(j, {"sysctl"}, path, "sysctls are not supported yet"); !ok) return ok;
    // seccomp, devices, maskedPaths, readonlyPaths, mountLabel,
    // rootfsPropagation: moot in a root that holds only the unikernel, under
    // the tender's own seven-call filter.
    return {};
}

Result<Config> parse(const json& j) {
    Config c;
    if (!j.is_object()) return bad("(top level)", "must be an object");
    if (auto ok = read_string(j, "ociVersion", "", c.oci_version); !ok) return std::unexpected(ok.error());
    if (c.oci_version.empty()) return bad("ociVersion", "must be the runtime-spec version, e.g. \"1.0.2\"");
    if (!c.oci_version.starts_with("1."))
        return refuse("ociVersion", fmt::format("'{}': runnc speaks runtime-spec 1.x", c.oci_version));
    auto proc = j.find("process");
    if (proc == j.end() || proc->is_null()) return bad("process", "is missing (runnc runs process.args[0])");
    if (auto ok = parse_process(*proc, c.process); !ok) return std::unexpected(ok.error());
    auto root = j.find("root");
    if (root == j.end() || !root->is_object()) return bad("root", "must be an object with a path");
    if (auto ok = read_string(*root, "path", "root", c.root_path); !ok) return std::unexpected(ok.error());
    if (c.root_path.empty()) return bad("root.path", "must name the rootfs directory");
    if (auto ok = read_bool(*root, "readonly", "root", c.root_readonly); !ok) return std::unexpected(ok.error());
    if (auto it = j.find("hostname"); it != j.end() && !it->is_null()) {
        if (!it->is_string() || it->get<std::string>().size() > 64)
            return bad("hostname", "must be a string of at most 64 characters");
        c.hostname = it->get<std::string>();
    }
    if (auto it = j.find("mounts"); it != j.end() && !it->is_null())
        if (auto ok = parse_mounts(*it, c.tmpfs); !ok) return std::unexpected(ok.error());
    if (auto it = j.find("hooks"); it != j.end() && !it->is_null())
        if (auto ok = parse_hooks(*it, c.hooks); !ok) return std::unexpected(ok.error());
    if (auto it = j.find("annotations"); it != j.end() && !it->is_null()) {
        if (!it->is_object()) return bad("annotations", "must be an object of strings");
        for (const auto& [k, v] : it->items()) {
            if (!v.is_string()) return bad(at("annotations", k), "must be a string");
            c.annotations[k] = v.get<std::string>();
        }
    }
    if (auto it = j.find("linux"); it != j.end() && !it->is_null())
        if (auto ok = parse_linux(*it, c); !ok) return std::unexpected(ok.error());
    return c;
}

Result<json> parse_json(std::string_view text, std::string_view where) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        // e.what() reads "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
        std::string what = e.what();
        if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
        return fail(Exit::config, fmt::format("{}: not valid JSON: {}", where, what));
    }
}

} // namespace

std::string_view hook_class_name(HookClass c) {
    return std::ranges::find(hook_class_names, c, &HookClassName::cls)->name;
}

std::string_view namespace_name(NamespaceKind k) {
    return std::ranges::find(namespace_names, k, &NamespaceName::kind)->name;
}

const std::vector<Hook>& Hooks::of(HookClass c) const {
    static const std::vector<Hook> none;
    auto it = by_class.find(c);
    return it == by_class.end() ? none : it->second;
}

bool Resources::empty() const {
    return !memory_limit && !memory_reservation && !memory_swap && !cpu_shares && !cpu_quota && !cpu_period &&
           !pids_limit;
}

Result<Config> parse_config(std::string_view json_text) {
    auto j = parse_json(json_text, "config.json");
    if (!j) return std::unexpected(j.error());
    auto c = parse(*j);
    if (!c) return std::unexpected(in_context("config.json", c.error()));
    return c;
}

Result<Resources> parse_resources(std::string_view json_text, std::string_view where) {
    auto j = parse_json(json_text, where);
    if (!j) return std::unexpected(j.error());
    auto r = parse_resources_json(*j, "");
    if (!r) {
        auto e = r.error();
        e.message = fmt::format("{}: {}", where, e.message.starts_with(": ") ? e.message.substr(2) : e.message);
        return std::unexpected(e);
    }
    return r;
}

} // namespace nabla::runnc

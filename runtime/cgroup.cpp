#include "cgroup.hpp"

#include "files.hpp"
#include "log.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace nabla::runnc {
namespace {

// The controllers runnc drives. The freezer is a controller in v1 and part
// of cgroup2's core (cgroup.freeze).
constexpr std::string_view used_controllers[] = {"memory", "pids", "cpu", "freezer"};

struct Hierarchies {
    std::string v2;                                     // mount point, empty if none
    std::vector<std::string> v2_controllers;            // its cgroup.controllers
    std::vector<std::pair<std::string, std::string>> v1; // controller → mount point
    std::vector<std::pair<std::string, std::string>> own; // "" (v2) or controller → runnc's own cgroup
};

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        auto end = s.find(sep, start);
        if (end == std::string_view::npos) end = s.size();
        if (end > start) out.emplace_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

Result<Hierarchies> discover() {
    Hierarchies h;
    auto mountinfo = read_file("/proc/self/mountinfo");
    if (!mountinfo) return std::unexpected(mountinfo.error());
    std::istringstream lines(*mountinfo);
    for (std::string line; std::getline(lines, line);) {
        auto dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        auto pre = split(std::string_view(line).substr(0, dash), ' ');
        auto post = split(std::string_view(line).substr(dash + 3), ' ');
        if (pre.size() < 5 || post.size() < 3) continue;
        const auto& mount_point = pre[4];
        if (post[0] == "cgroup2") {
            if (h.v2.empty()) h.v2 = mount_point;
        } else if (post[0] == "cgroup") {
            for (const auto& opt : split(post[2], ','))
                if (std::ranges::find(used_controllers, opt) != std::end(used_controllers) &&
                    std::ranges::find(h.v1, opt, &std::pair<std::string, std::string>::first) == h.v1.end())
                    h.v1.emplace_back(opt, mount_point);
        }
    }
    if (!h.v2.empty()) {
        auto controllers = read_file(h.v2 + "/cgroup.controllers");
        if (controllers) {
            std::istringstream words(*controllers);
            for (std::string w; words >> w;) h.v2_controllers.push_back(w);
        }
    }
    // /proc/self/cgroup: "ID:controllers:path"; "0::path" is cgroup2.
    auto own = read_file("/proc/self/cgroup");
    if (!own) return std::unexpected(own.error());
    std::istringstream own_lines(*own);
    for (std::string line; std::getline(own_lines, line);) {
        auto a = line.find(':'), b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        auto controllers = line.substr(a + 1, b - a - 1);
        auto path = line.substr(b + 1);
        if (controllers.empty()) h.own.emplace_back("", path);
        for (const auto& c : split(controllers, ',')) h.own.emplace_back(c, path);
    }
    return h;
}

std::string own_cgroup(const Hierarchies& h, const std::string& controller) {
    auto it = std::ranges::find(h.own, controller, &std::pair<std::string, std::string>::first);
    return it == h.own.end() ? "/" : it->second;
}

// Where `cgroups_path` lands in one hierarchy.
std::string place(const std::string& mount, const std::string& own, std::string_view cgroups_path) {
    std::string rel(cgroups_path);
    if (!rel.starts_with('/')) rel = (own == "/" ? "" : own) + "/" + rel;
    while (rel.ends_with('/')) rel.pop_back();
    return mount + rel;
}

bool has(const CgroupDir& d, std::string_view controller) {
    return std::ranges::find(d.controllers, controller) != d.controllers.end();
}

const CgroupDir* dir_with(const CgroupSet& set, std::string_view controller) {
    for (const auto& d : set.dirs)
        if (has(d, controller)) return &d;
    return nullptr;
}

// cgroup2 passes a controller down only where each ancestor's
// cgroup.subtree_control enables it.
Result<void> enable_v2_controllers(const std::string& mount, const std::string& leaf,
                                   const std::vector<std::string>& controllers) {
    if (controllers.empty()) return {};
    std::string enable;
    for (const auto& c : controllers) enable += (enable.empty() ? "+" : " +") + c;
    std::string dir = mount;
    auto rest = leaf.substr(mount.size());
    for (const auto& part : split(rest, '/')) {
        auto file = dir + "/cgroup.subtree_control";
        auto current = read_file(file);
        std::vector<std::string> on;
        if (current) {
            std::istringstream words(*current);
            for (std::string w; words >> w;) on.push_back(w);
        }
        bool all_on = std::ranges::all_of(controllers, [&](auto& c) { return std::ranges::find(on, c) != on.end(); });
        if (!all_on)
            if (auto ok = write_control(file, enable); !ok) return ok;
        dir += "/" + part;
    }
    return {};
}

std::string limit_or(int64_t v, std::string_view unlimited) { return v < 0 ? std::string(unlimited) : std::to_string(v); }

struct Knob {
    std::string_view controller;
    std::string file;
    std::string value;
    std::string_view field; // for errors: the config.json field
};

// The files resources turn into, for a directory of either kind.
std::vector<Knob> knobs_for(const Resources& r, bool v2) {
    std::vector<Knob> k;
    if (r.memory_limit) {
        if (v2) k.push_back({"memory", "memory.max", limit_or(*r.memory_limit, "max"), "memory.limit"});
        else k.push_back({"memory", "memory.limit_in_bytes", limit_or(*r.memory_limit, "-1"), "memory.limit"});
    }
    if (r.memory_swap) {
        if (v2) {
            // cgroup2 limits swap alone; OCI's swap is memory plus swap.
            int64_t swap = *r.memory_swap < 0 ? -1 : *r.memory_swap - r.memory_limit.value_or(0);
            k.push_back({"memory", "memory.swap.max", limit_or(std::max<int64_t>(swap, swap < 0 ? -1 : 0), "max"),
                         "memory.swap"});
        } else {
            k.push_back({"memory", "memory.memsw.limit_in_bytes", limit_or(*r.memory_swap, "-1"), "memory.swap"});
        }
    }
    if (r.memory_reservation)
        k.push_back({"memory", v2 ? "memory.low" : "memory.soft_limit_in_bytes",
                     limit_or(*r.memory_reservation, v2 ? "max" : "-1"), "memory.reservation"});
    if (r.pids_limit)
        k.push_back({"pids", "pids.max", *r.pids_limit <= 0 ? "max" : std::to_string(*r.pids_limit), "pids.limit"});
    if (r.cpu_shares && *r.cpu_shares != 0) {
        if (v2) k.push_back({"cpu", "cpu.weight", std::to_string(shares_to_weight(*r.cpu_shares)), "cpu.shares"});
        else k.push_back({"cpu", "cpu.shares", std::to_string(*r.cpu_shares), "cpu.shares"});
    }
    if (r.cpu_quota || r.cpu_period) {
        if (v2) {
            auto quota = r.cpu_quota && *r.cpu_quota > 0 ? std::to_string(*r.cpu_quota) : std::string("max");
            k.push_back({"cpu", "cpu.max", fmt::format("{} {}", quota, r.cpu_period.value_or(100000)), "cpu.quota"});
        } else {
            if (r.cpu_period && *r.cpu_period)
                k.push_back({"cpu", "cpu.cfs_period_us", std::to_string(*r.cpu_period), "cpu.period"});
            if (r.cpu_quota)
                k.push_back({"cpu", "cpu.cfs_quota_us", limit_or(*r.cpu_quota > 0 ? *r.cpu_quota : -1, "-1"), "cpu.quota"});
        }
    }
    return k;
}

} // namespace

uint64_t shares_to_weight(uint64_t shares) {
    if (shares == 0) return 100;
    shares = std::clamp<uint64_t>(shares, 2, 262144);
    return 1 + ((shares - 2) * 9999) / 262142;
}

Result<CgroupSet> create_cgroups(std::string_view cgroups_path, std::string_view id, const Resources& resources) {
    auto h = discover();
    if (!h) return std::unexpected(h.error());
    bool default_path = cgroups_path.empty();
    std::string path = default_path ? fmt::format("/runnc/{}", id) : std::string(cgroups_path);

    CgroupSet set;
    std::vector<std::string> v2_used;
    if (!h->v2.empty()) {
        for (auto c : used_controllers)
            if (std::ranges::find(h->v2_controllers, c) != h->v2_controllers.end()) v2_used.emplace_back(c);
        if (std::ranges::find(h->v1, std::string("freezer"), &std::pair<std::string, std::string>::first) == h->v1.end())
            v2_used.emplace_back("freezer"); // cgroup.freeze
        set.dirs.push_back({place(h->v2, own_cgroup(*h, ""), path), true, v2_used});
    }
    for (auto c : used_controllers) {
        if (std::ranges::find(v2_used, c) != v2_used.end()) continue;
        auto m = std::ranges::find(h->v1, std::string(c), &std::pair<std::string, std::string>::first);
        if (m == h->v1.end()) continue;
        auto dir = place(m->second, own_cgroup(*h, std::string(c)), path);
        auto same = std::ranges::find(set.dirs, dir, &CgroupDir::path);
        if (same != set.dirs.end()) same->controllers.emplace_back(c); // co-mounted (cpu,cpuacct)
        else set.dirs.push_back({dir, false, {std::string(c)}});
    }
    if (set.dirs.empty()) return fail(Exit::unsupported, "no cgroup hierarchy is mounted (cgroup2 or v1)");
    // A limit asked for needs the controller somewhere.
    for (const auto& knob : knobs_for(resources, false))
        if (!dir_with(set, knob.controller))
            return fail(Exit::unsupported, fmt::format("linux.resources.{}: no cgroup hierarchy has the {} controller",
                                                       knob.field, knob.controller));

    CgroupSet made;
    for (const auto& d : set.dirs) {
        auto parent = d.path.substr(0, d.path.rfind('/'));
        // Another container's delete may prune the shared parent between our
        // mkdir -p and our mkdir: try again.
        for (int attempt = 0;; attempt++) {
            auto parents = make_dirs(parent, 0755);
            if (!parents) {
                (void)remove_cgroups(made);
                return std::unexpected(parents.error());
            }
            if (::mkdir(d.path.c_str(), 0755) == 0) break;
            if (errno == ENOENT && attempt < 5) continue;
            auto e = errno == EEXIST ? fail(Exit::exists, fmt::format("cgroup {} exists already", d.path))
                                     : fail_os(fmt::format("cannot create cgroup {}", d.path));
            (void)remove_cgroups(made);
            return e;
        }
        made.dirs.push_back(d);
        if (d.v2) {
            auto mount = h->v2;
            std::vector<std::string> real; // controllers proper (not the freezer)
            for (const auto& c : d.controllers)
                if (c != "freezer") real.push_back(c);
            if (auto ok = enable_v2_controllers(mount, d.path, real); !ok) {
                (void)remove_cgroups(made);
                return std::unexpected(ok.error());
            }
        }
    }
    // runnc's own /runnc goes with its last container, whichever made it.
    if (default_path)
        for (const auto& d : made.dirs) made.prune.push_back(d.path.substr(0, d.path.rfind('/')));
    if (auto ok = apply_resources(made, resources); !ok) {
        (void)remove_cgroups(made);
        return std::unexpected(ok.error());
    }
    log::debug(fmt::format("cgroups: {}", [&] {
        std::string s;
        for (auto& d : made.dirs) s += (s.empty() ? "" : ", ") + d.path;
        return s;
    }()));
    return made;
}

Result<void> apply_resources(const CgroupSet& set, const Resources& resources) {
    for (const auto& d : set.dirs) {
        auto knobs = knobs_for(resources, d.v2);
        // v1 refuses a memory limit above memory+swap: when raising, the
        // memsw file must go first, when lowering, last.
        for (int pass = 0; pass < 2; pass++) {
            bool retry = false;
            for (const auto& k : knobs) {
                if (!has(d, k.controller)) continue;
                auto file = d.path + "/" + k.file;
                if (auto ok = write_control(file, k.value); !ok) {
                    if (pass == 0 && !d.v2 && k.controller == "memory" && errno == EINVAL) {
                        retry = true;
                        continue;
                    }
                    return fail(ok.error().code, fmt::format("linux.resources.{}: {}", k.field, ok.error().message));
                }
            }
            if (!retry) break;
            std::ranges::reverse(knobs);
        }
    }
    return {};
}

Result<void> join_cgroups(const CgroupSet& set, pid_t pid) {
    for (const auto& d : set.dirs)
        if (auto ok = write_control(d.path + "/cgroup.procs", std::to_string(pid)); !ok) return ok;
    return {};
}

Result<std::vector<pid_t>> cgroup_pids(const CgroupSet& set) {
    if (set.dirs.empty()) return std::vector<pid_t>{};
    auto text = read_file(set.dirs.front().path + "/cgroup.procs");
    if (!text) return std::unexpected(text.error());
    std::vector<pid_t> pids;
    std::istringstream in(*text);
    for (pid_t p; in >> p;) pids.push_back(p);
    return pids;
}

Result<void> freeze_cgroups(const CgroupSet& set, bool frozen) {
    auto d = dir_with(set, "freezer");
    if (!d) return fail(Exit::unsupported, "no cgroup hierarchy has the freezer");
    auto file = d->path + (d->v2 ? "/cgroup.freeze" : "/freezer.state");
    if (auto ok = write_control(file, d->v2 ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED")); !ok) return ok;
    for (int i = 0; i < 1000; i++) {
        if (cgroups_frozen(set) == frozen) return {};
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return fail(Exit::os_error, fmt::format("{}: the container did not {} within a second", file,
                                            frozen ? "freeze" : "thaw"));
}

bool cgroups_frozen(const CgroupSet& set) {
    auto d = dir_with(set, "freezer");
    if (!d) return false;
    if (d->v2) {
        auto events = read_file(d->path + "/cgroup.events");
        return events && events->find("frozen 1") != std::string::npos;
    }
    auto state = read_file(d->path + "/freezer.state");
    return state && state->starts_with("FROZEN");
}

Result<void> remove_cgroups(const CgroupSet& set, int wait_ms) {
    std::optional<Error> first;
    for (const auto& d : set.dirs) {
        for (int waited = 0;; waited++) {
            if (::rmdir(d.path.c_str()) == 0 || errno == ENOENT) break;
            if (errno == EBUSY && waited < wait_ms) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                continue;
            }
            if (!first) first = fail_os(fmt::format("cannot remove cgroup {}", d.path)).error();
            break;
        }
    }
    for (const auto& p : set.prune) (void)::rmdir(p.c_str()); // still used by another container: kept
    if (first) return std::unexpected(*first);
    return {};
}

Result<std::string> read_cgroup_value(const CgroupSet& set, std::string_view v1_file, std::string_view v2_file) {
    auto controller = v1_file.substr(0, v1_file.find('.'));
    auto d = dir_with(set, controller);
    if (!d) return fail(Exit::unsupported, fmt::format("no cgroup hierarchy has the {} controller", controller));
    auto text = read_file(d->path + "/" + std::string(d->v2 ? v2_file : v1_file));
    if (!text) return text;
    while (!text->empty() && text->back() == '\n') text->pop_back();
    return text;
}

void to_json(nlohmann::json& j, const CgroupSet& set) {
    j = nlohmann::json::object();
    j["dirs"] = nlohmann::json::array();
    for (const auto& d : set.dirs) j["dirs"].push_back({{"path", d.path}, {"v2", d.v2}, {"controllers", d.controllers}});
    j["prune"] = set.prune;
}

void from_json(const nlohmann::json& j, CgroupSet& set) {
    set = {};
    for (const auto& d : j.at("dirs"))
        set.dirs.push_back({d.at("path").get<std::string>(), d.at("v2").get<bool>(),
                            d.at("controllers").get<std::vector<std::string>>()});
    set.prune = j.at("prune").get<std::vector<std::string>>();
}

} // namespace nabla::runnc

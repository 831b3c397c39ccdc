// The parts of an OCI bundle's config.json that runnc honours, parsed and
// checked in one place (oci_config.cpp). Pure: text in, a checked Config out,
// and every error names the field (`process.args: must be ...`). Settings a
// nabla container makes moot (capabilities, seccomp, devices, masked paths:
// the tender's filter is far narrower) are accepted and ignored; settings it
// cannot honour yet are refused with Exit::unsupported, naming the field.
#pragma once

#include "error.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nabla::runnc {

struct Hook {
    std::string path;              // absolute
    std::vector<std::string> args; // argv, args[0] included (may be empty: then path)
    std::vector<std::string> env;
    std::optional<int> timeout;    // seconds, > 0
};

// The six hook classes, in the order the lifecycle runs them.
enum class HookClass { prestart, create_runtime, create_container, start_container, poststart, poststop };
inline constexpr HookClass all_hook_classes[] = {HookClass::prestart, HookClass::create_runtime,
                                                 HookClass::create_container, HookClass::start_container,
                                                 HookClass::poststart, HookClass::poststop};
std::string_view hook_class_name(HookClass c); // as config.json spells it: "createRuntime"

struct Hooks {
    std::map<HookClass, std::vector<Hook>> by_class;
    const std::vector<Hook>& of(HookClass c) const;
};

struct Rlimit {
    int resource; // RLIMIT_*
    std::string name;
    uint64_t soft, hard;
};

struct User {
    uint32_t uid = 0, gid = 0;
    std::vector<uint32_t> additional_gids;
};

struct Process {
    bool terminal = false;
    std::vector<std::string> args;
    std::vector<std::string> env; // KEY=VALUE, checked
    std::string cwd = "/";
    User user;
    std::vector<Rlimit> rlimits;
    std::optional<int> oom_score_adj;
};

// A mount the library OS provides itself (proc, sysfs, /dev ...) is dropped;
// a tmpfs is the guest's in-memory layer; anything else is refused for now.
struct TmpfsMount {
    std::string destination;
    std::optional<uint64_t> size_bytes;
};

enum class NamespaceKind { pid, mount, ipc, uts, network, cgroup, user, time };
struct Namespace {
    NamespaceKind kind;
    std::string path; // join this one; empty: create
};
std::string_view namespace_name(NamespaceKind k); // as config.json spells it

struct Resources {
    std::optional<int64_t> memory_limit;       // bytes; -1 unlimited
    std::optional<int64_t> memory_reservation; // bytes
    std::optional<int64_t> memory_swap;        // bytes, memory + swap; -1 unlimited
    std::optional<uint64_t> cpu_shares;
    std::optional<int64_t> cpu_quota;          // microseconds per period; -1 unlimited
    std::optional<uint64_t> cpu_period;        // microseconds
    std::optional<int64_t> pids_limit;         // -1 or 0: unlimited
    bool empty() const;
};

struct Config {
    std::string oci_version;
    Process process;
    std::string root_path; // as written: relative to the bundle or absolute
    bool root_readonly = false;
    std::optional<std::string> hostname;
    std::vector<TmpfsMount> tmpfs;
    Hooks hooks;
    std::map<std::string, std::string> annotations;
    std::vector<Namespace> namespaces;
    Resources resources;
    std::string cgroups_path; // empty: runnc's default
};

// The whole file.
Result<Config> parse_config(std::string_view json_text);

// `linux.resources` alone, for `runnc update --resources FILE`; `where` names
// the source in errors.
Result<Resources> parse_resources(std::string_view json_text, std::string_view where);

// The smallest memory a nabla guest runs in (nabla-run's --mem minimum).
inline constexpr int64_t min_memory_bytes = 4 << 20;

} // namespace nabla::runnc

#include "commands.hpp"

#include "files.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#ifndef NABLA_VERSION
#define NABLA_VERSION "0.0.0"
#endif

namespace nabla::runnc {

using json = nlohmann::json;

std::string spec_template() {
    // runc's template, for a nabla guest: args[0] is a unikernel in the
    // rootfs; no terminal; the engine's usual mounts, which the library OS
    // provides itself.
    json mounts = json::array({
        {{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
        {{"destination", "/dev"}, {"type", "tmpfs"}, {"source", "tmpfs"},
         {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}},
        {{"destination", "/dev/pts"}, {"type", "devpts"}, {"source", "devpts"},
         {"options", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}}},
        {{"destination", "/dev/shm"}, {"type", "tmpfs"}, {"source", "shm"},
         {"options", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}}},
        {{"destination", "/sys"}, {"type", "sysfs"}, {"source", "sysfs"}, {"options", {"nosuid", "noexec", "nodev", "ro"}}},
    });
    json config = {
        {"ociVersion", "1.0.2"},
        {"process",
         {{"terminal", false},
          {"user", {{"uid", 0}, {"gid", 0}}},
          {"args", {"/app.nabla"}},
          {"env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
          {"cwd", "/"},
          {"noNewPrivileges", true}}},
        {"root", {{"path", "rootfs"}, {"readonly", false}}},
        {"hostname", "nabla"},
        {"mounts", mounts},
        {"linux",
         {{"namespaces",
           {{{"type", "pid"}}, {{"type", "network"}}, {{"type", "ipc"}}, {{"type", "uts"}}, {{"type", "mount"}}}}}},
    };
    return config.dump(4) + "\n";
}

Result<Outcome> cmd_spec(const Invocation& inv) {
    auto dir = inv.options.bundle.empty() ? std::string(".") : inv.options.bundle;
    auto path = dir + "/config.json";
    if (path_exists(path)) return fail(Exit::exists, fmt::format("spec: {} exists already", path));
    if (auto ok = write_file_atomic(path, spec_template(), 0644); !ok) return std::unexpected(in_context("spec", ok.error()));
    return Outcome{};
}

Result<Outcome> cmd_features(const Invocation&) {
    json features = {
        {"ociVersionMin", "1.0.0"},
        {"ociVersionMax", "1.1.0"},
        {"hooks", {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}},
        {"mountOptions", {"size"}}, // of tmpfs; the guest's own /proc, /dev, /sys replace the rest
        {"linux",
         {{"namespaces", {"cgroup", "ipc", "mount", "network", "pid", "uts"}},
          {"capabilities", json::array()}, // every one is dropped
          {"cgroup", {{"v1", true}, {"v2", true}, {"systemd", false}, {"systemdUser", false}}},
          {"seccomp", {{"enabled", false}}}, // the tender installs its own seven-call filter
          {"apparmor", {{"enabled", false}}},
          {"selinux", {{"enabled", false}}}}},
        {"annotations",
         {{"io.github.nabla.runnc.version", NABLA_VERSION},
          {"io.github.nabla.runnc.exec", "unsupported: one unikernel per container"},
          {"io.github.nabla.runnc.network", "not yet"},
          {"io.github.nabla.runnc.terminal", "not yet"}}},
    };
    return Outcome{features.dump(4) + "\n"};
}

} // namespace nabla::runnc

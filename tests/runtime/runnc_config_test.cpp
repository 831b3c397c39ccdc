// config.json → Config, and Config → nabla-run's command line: each error
// names its field; settings a nabla container makes moot are accepted;
// settings it cannot honour yet are refused as unsupported.
#include "oci_config.hpp"
#include "tender_command.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

using namespace nabla::runnc;
using json = nlohmann::json;

namespace {

json minimal() {
    return {{"ociVersion", "1.0.2"},
            {"process", {{"args", {"/app.nabla"}}, {"cwd", "/"}}},
            {"root", {{"path", "rootfs"}}}};
}

Config parse_ok(const json& j) {
    auto c = parse_config(j.dump());
    EXPECT_TRUE(c) << c.error().message;
    return c ? *c : Config{};
}

void expect_error(const json& j, Exit code, const std::string& message) {
    auto c = parse_config(j.dump());
    ASSERT_FALSE(c) << "accepted: " << j.dump();
    EXPECT_EQ(c.error().code, code) << c.error().message;
    EXPECT_EQ(c.error().message, message);
}

json with(json j, const json::json_pointer& at, json value) {
    j[at] = std::move(value);
    return j;
}

} // namespace

TEST(OciConfig, Minimal) {
    auto c = parse_ok(minimal());
    EXPECT_EQ(c.process.args, std::vector<std::string>{"/app.nabla"});
    EXPECT_EQ(c.root_path, "rootfs");
    EXPECT_FALSE(c.root_readonly);
    EXPECT_TRUE(c.resources.empty());
    EXPECT_TRUE(c.namespaces.empty());
}

TEST(OciConfig, EverythingRunncReads) {
    json j = minimal();
    j["process"] = {{"terminal", false},
                    {"args", {"/bin/app.nabla", "a b", "\"q\""}},
                    {"env", {"A=1", "B=x=y", "C="}},
                    {"cwd", "/"},
                    {"user", {{"uid", 1000}, {"gid", 100}, {"additionalGids", {5, 6}}}},
                    {"rlimits", {{{"type", "RLIMIT_NOFILE"}, {"soft", 1024}, {"hard", 4096}}}},
                    {"oomScoreAdj", 100},
                    {"capabilities", {{"bounding", {"CAP_KILL"}}}},
                    {"noNewPrivileges", true}};
    j["root"] = {{"path", "/abs/rootfs"}, {"readonly", true}};
    j["hostname"] = "box";
    j["mounts"] = {{{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
                   {{"destination", "/dev/shm"}, {"type", "tmpfs"}, {"source", "shm"}},
                   {{"destination", "/tmp"}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", {"size=16m"}}}};
    j["hooks"] = {{"prestart", {{{"path", "/bin/a"}}}},
                  {"createRuntime", {{{"path", "/bin/b"}, {"args", {"b", "x"}}, {"env", {"K=V"}}, {"timeout", 5}}}},
                  {"poststop", {{{"path", "/bin/c"}}}}};
    j["annotations"] = {{"org.example/key", "value"}};
    j["linux"] = {{"namespaces", {{{"type", "pid"}}, {{"type", "network"}, {"path", "/var/run/netns/x"}}}},
                  {"resources",
                   {{"memory", {{"limit", 64 << 20}, {"reservation", 32 << 20}}},
                    {"cpu", {{"shares", 512}, {"quota", 50000}, {"period", 100000}}},
                    {"pids", {{"limit", 32}}},
                    {"devices", {{{"allow", false}, {"access", "rwm"}}}}}},
                  {"cgroupsPath", "/engine/box"},
                  {"seccomp", {{"defaultAction", "SCMP_ACT_ERRNO"}}},
                  {"maskedPaths", {"/proc/kcore"}}};
    auto c = parse_ok(j);
    EXPECT_EQ(c.process.args[1], "a b");
    EXPECT_EQ(c.process.env, (std::vector<std::string>{"A=1", "B=x=y", "C="}));
    EXPECT_EQ(c.process.user.uid, 1000u);
    EXPECT_EQ(c.process.user.gid, 100u);
    EXPECT_EQ(c.process.user.additional_gids, (std::vector<uint32_t>{5, 6}));
    ASSERT_EQ(c.process.rlimits.size(), 1u);
    EXPECT_EQ(c.process.rlimits[0].resource, RLIMIT_NOFILE);
    EXPECT_EQ(c.process.rlimits[0].soft, 1024u);
    EXPECT_EQ(c.process.oom_score_adj, 100);
    EXPECT_TRUE(c.root_readonly);
    EXPECT_EQ(c.hostname, "box");
    ASSERT_EQ(c.tmpfs.size(), 1u); // /proc and /dev/shm: the guest has its own
    EXPECT_EQ(c.tmpfs[0].destination, "/tmp");
    EXPECT_EQ(c.tmpfs[0].size_bytes, 16u << 20);
    EXPECT_EQ(c.hooks.of(HookClass::prestart).size(), 1u);
    ASSERT_EQ(c.hooks.of(HookClass::create_runtime).size(), 1u);
    EXPECT_EQ(c.hooks.of(HookClass::create_runtime)[0].args, (std::vector<std::string>{"b", "x"}));
    EXPECT_EQ(c.hooks.of(HookClass::create_runtime)[0].timeout, 5);
    EXPECT_TRUE(c.hooks.of(HookClass::start_container).empty());
    EXPECT_EQ(c.annotations.at("org.example/key"), "value");
    ASSERT_EQ(c.namespaces.size(), 2u);
    EXPECT_EQ(c.namespaces[1].path, "/var/run/netns/x");
    EXPECT_EQ(c.resources.memory_limit, 64 << 20);
    EXPECT_EQ(c.resources.memory_reservation, 32 << 20);
    EXPECT_EQ(c.resources.cpu_shares, 512u);
    EXPECT_EQ(c.resources.cpu_quota, 50000);
    EXPECT_EQ(c.resources.cpu_period, 100000u);
    EXPECT_EQ(c.resources.pids_limit, 32);
    EXPECT_EQ(c.cgroups_path, "/engine/box");
}

TEST(OciConfig, ErrorsNameTheField) {
    using P = json::json_pointer;
    auto bad = Exit::config;
    expect_error(with(minimal(), P("/process/args"), json::array()), bad,
                 "config.json: process.args: must be a non-empty array of strings");
    expect_error(with(minimal(), P("/process/args"), {"/a", 3}), bad,
                 "config.json: process.args: must be a non-empty array of strings");
    expect_error(with(minimal(), P("/process/args"), "/app.nabla"), bad,
                 "config.json: process.args: must be a non-empty array of strings");
    auto no_args = minimal();
    no_args["process"].erase("args");
    expect_error(no_args, bad, "config.json: process.args: must be a non-empty array of strings");
    expect_error(with(minimal(), P("/process/env"), {"NOEQUALS"}), bad,
                 "config.json: process.env[0]: 'NOEQUALS' is not KEY=VALUE");
    expect_error(with(minimal(), P("/process/env"), {"A=1", "=x"}), bad, "config.json: process.env[1]: '=x' is not KEY=VALUE");
    expect_error(with(minimal(), P("/process/cwd"), "relative"), bad, "config.json: process.cwd: 'relative' is not an absolute path");
    expect_error(with(minimal(), P("/process/terminal"), "yes"), bad, "config.json: process.terminal: must be true or false");
    expect_error(with(minimal(), P("/process/user/uid"), -1), bad,
                 "config.json: process.user.uid: must be an integer in 0..4294967295");
    expect_error(with(minimal(), P("/process/oomScoreAdj"), 2000), bad,
                 "config.json: process.oomScoreAdj: must be an integer in -1000..1000");
    expect_error(with(minimal(), P("/process/rlimits"), {{{"type", "RLIMIT_BOGUS"}, {"soft", 1}, {"hard", 1}}}), bad,
                 "config.json: process.rlimits[0].type: 'RLIMIT_BOGUS' is not an RLIMIT_ name");
    expect_error(with(minimal(), P("/process/rlimits"), {{{"type", "RLIMIT_NOFILE"}, {"soft", 9}, {"hard", 1}}}), bad,
                 "config.json: process.rlimits[0]: soft limit 9 is above the hard limit 1");
    auto no_root = minimal();
    no_root.erase("root");
    expect_error(no_root, bad, "config.json: root: must be an object with a path");
    expect_error(with(minimal(), P("/root/path"), ""), bad, "config.json: root.path: must name the rootfs directory");
    expect_error(with(minimal(), P("/root/readonly"), 1), bad, "config.json: root.readonly: must be true or false");
    expect_error(with(minimal(), P("/hostname"), 7), bad, "config.json: hostname: must be a string of at most 64 characters");
    expect_error(with(minimal(), P("/mounts"), {{{"destination", "tmp"}, {"type", "tmpfs"}}}), bad,
                 "config.json: mounts[0].destination: 'tmp' is not an absolute path");
    expect_error(with(minimal(), P("/mounts"), {{{"destination", "/t"}, {"type", "tmpfs"}, {"options", {"size=lots"}}}}), bad,
                 "config.json: mounts[0].options: 'size=lots' is not a size (bytes, or with k, m, g)");
    expect_error(with(minimal(), P("/hooks/poststart"), {{{"path", "rel"}}}), bad,
                 "config.json: hooks.poststart[0].path: 'rel' is not an absolute path");
    expect_error(with(minimal(), P("/hooks/prestart"), {{{"path", "/x"}, {"timeout", 0}}}), bad,
                 "config.json: hooks.prestart[0].timeout: must be an integer in 1..3600");
    expect_error(with(minimal(), P("/annotations"), {{"k", 1}}), bad, "config.json: annotations.k: must be a string");
    expect_error(with(minimal(), P("/linux/namespaces"), {{{"type", "pidd"}}}), bad,
                 "config.json: linux.namespaces[0].type: 'pidd' is not a namespace type");
    expect_error(with(minimal(), P("/linux/namespaces"), {{{"type", "ipc"}}, {{"type", "ipc"}}}), bad,
                 "config.json: linux.namespaces[1]: the ipc namespace is given twice");
    expect_error(with(minimal(), P("/linux/resources/memory/limit"), 1 << 20), bad,
                 "config.json: linux.resources.memory.limit: 1048576 bytes is below the 4 MiB a nabla guest needs at least");
    expect_error(with(minimal(), P("/linux/resources/memory/limit"), "64m"), bad,
                 "config.json: linux.resources.memory.limit: must be an integer in -1..9223372036854775807");
    expect_error(with(minimal(), P("/linux/resources/pids/limit"), 1.5), bad,
                 "config.json: linux.resources.pids.limit: must be an integer in -1..9223372036854775807");
    expect_error(with(minimal(), P("/ociVersion"), ""), bad,
                 "config.json: ociVersion: must be the runtime-spec version, e.g. \"1.0.2\"");
}

TEST(OciConfig, BrokenJsonSaysWhere) {
    auto c = parse_config("{\"ociVersion\": \"1.0.2\",\n \"process\": {\"args\": [\"/a\",]}}");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, Exit::config);
    EXPECT_TRUE(c.error().message.starts_with("config.json: not valid JSON: parse error at line 2")) << c.error().message;
    auto empty = parse_config("");
    ASSERT_FALSE(empty);
    EXPECT_TRUE(empty.error().message.starts_with("config.json: not valid JSON")) << empty.error().message;
    auto array = parse_config("[]");
    ASSERT_FALSE(array);
    EXPECT_EQ(array.error().message, "config.json: (top level): must be an object");
}

TEST(OciConfig, WhatIsNotSupportedYetIsRefused) {
    using P = json::json_pointer;
    auto no = Exit::unsupported;
    expect_error(with(minimal(), P("/mounts"), {{{"destination", "/data"}, {"type", "bind"}, {"source", "/srv"}}}), no,
                 "config.json: mounts[0]: bind mount of /srv at /data: volumes are not supported yet");
    expect_error(with(minimal(), P("/mounts"),
                      {{{"destination", "/data"}, {"type", "none"}, {"source", "/srv"}, {"options", {"rbind", "ro"}}}}),
                 no, "config.json: mounts[0]: bind mount of /srv at /data: volumes are not supported yet");
    expect_error(with(minimal(), P("/mounts"), {{{"destination", "/mnt"}, {"type", "nfs"}, {"source", "x:/y"}}}), no,
                 "config.json: mounts[0]: nfs mount at /mnt: only tmpfs mounts are supported");
    expect_error(with(minimal(), P("/linux/namespaces"), {{{"type", "user"}}}), no,
                 "config.json: linux.namespaces[0]: user namespaces are not supported yet");
    expect_error(with(minimal(), P("/linux/namespaces"), {{{"type", "pid"}, {"path", "/proc/1/ns/pid"}}}), no,
                 "config.json: linux.namespaces[0].path: joining a pid namespace is not supported");
    expect_error(with(minimal(), P("/linux/cgroupsPath"), "machine.slice:libpod:abc"), no,
                 "config.json: linux.cgroupsPath: 'machine.slice:libpod:abc' is a systemd slice path; runnc manages "
                 "cgroups itself (configure the engine's cgroup manager as cgroupfs)");
    expect_error(with(minimal(), P("/linux/resources/cpu/cpus"), "0-1"), no,
                 "config.json: linux.resources.cpu.cpus: not supported yet");
    expect_error(with(minimal(), P("/linux/sysctl"), {{"net.ipv4.ip_forward", "1"}}), no,
                 "config.json: linux.sysctl: sysctls are not supported yet");
    expect_error(with(minimal(), P("/ociVersion"), "2.0.0"), no, "config.json: ociVersion: '2.0.0': runnc speaks runtime-spec 1.x");
    // Asked for nothing: accepted (engines send empty objects and zeros).
    parse_ok(with(minimal(), P("/linux/resources/cpu"), {{"cpus", ""}, {"mems", ""}}));
    parse_ok(with(minimal(), P("/linux/resources/blockIO"), json::object()));
    parse_ok(with(minimal(), P("/linux/sysctl"), json::object()));
}

TEST(OciConfig, ResourcesAlone) {
    auto r = parse_resources(R"({"memory": {"limit": 134217728}, "pids": {"limit": 10}})", "--resources f");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->memory_limit, 134217728);
    EXPECT_EQ(r->pids_limit, 10);
    auto bad = parse_resources(R"({"memory": {"limit": "x"}})", "--resources f");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "--resources f: memory.limit: must be an integer in -1..9223372036854775807");
}

// --- config → nabla-run ------------------------------------------------------

TEST(TenderCommand, Minimal) {
    auto c = parse_ok(minimal());
    EXPECT_EQ(tender_argv(c, "/.runnc/nabla-run", "/app.nabla", ""),
              (std::vector<std::string>{"/.runnc/nabla-run", "/app.nabla"}));
}

TEST(TenderCommand, MemoryEnvImageAndArgsVerbatim) {
    auto j = minimal();
    j["process"]["args"] = {"/bin/app.nabla", "two words", "--mem=1", "'single' \"double\"", ""};
    j["process"]["env"] = {"A=x y", "Q=\"z\""};
    j["linux"]["resources"]["memory"]["limit"] = (96 << 20) + 12345; // rounded down to MiB
    auto argv = tender_argv(parse_ok(j), "/.runnc/nabla-run", "/bin/app.nabla", "/.runnc/rootfs.img");
    EXPECT_EQ(argv, (std::vector<std::string>{"/.runnc/nabla-run", "--mem=96", "--env=A=x y", "--env=Q=\"z\"",
                                               "--block-ro:rootfs=/.runnc/rootfs.img", "--root=rootfs", "/bin/app.nabla",
                                               "two words", "--mem=1", "'single' \"double\"", ""}));
}

TEST(TenderCommand, WritableLayer) {
    auto j = minimal();
    j["root"]["readonly"] = true;
    EXPECT_EQ(tender_argv(parse_ok(j), "/t", "/k", "")[1], "--writable=0");
    j["mounts"] = {{{"destination", "/tmp"}, {"type", "tmpfs"}, {"options", {"size=8m"}}}};
    EXPECT_EQ(tender_argv(parse_ok(j), "/t", "/k", "")[1], "--writable=8");
    j["root"]["readonly"] = false;
    j["mounts"] = {{{"destination", "/tmp"}, {"type", "tmpfs"}, {"options", {"size=200m"}}}};
    EXPECT_EQ(tender_argv(parse_ok(j), "/t", "/k", "")[1], "--writable=200");
    j["mounts"] = {{{"destination", "/tmp"}, {"type", "tmpfs"}, {"options", {"size=1m"}}}};
    EXPECT_EQ(tender_argv(parse_ok(j), "/t", "/k", "").size(), 2u); // the default 64 MiB already covers it
}

// runnc driven as engines drive it (podman: create --bundle --pid-file,
// start, kill, delete --force; containerd's shim: --root --log --log-format
// json), with real unikernels under the real nabla-run: what the guest
// prints, exit statuses, state transitions, namespaces and privileges, the
// cgroup, hooks, and that nothing is left behind, after errors too.
#include "runnc_harness.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace runnc_test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string ns_of(const std::string& pid, const std::string& ns) {
    return fs::read_symlink("/proc/" + pid + "/ns/" + ns).string();
}

// The tender: the container process's one child.
pid_t tender_of(pid_t init) {
    for (int i = 0; i < 2000; i++) {
        auto kids = children_of(init);
        if (!kids.empty()) return kids[0];
        std::this_thread::sleep_for(1ms);
    }
    return 0;
}

void expect_error_line(const Ran& r, int status, const std::string& says) {
    EXPECT_EQ(r.status, status) << describe(r);
    EXPECT_TRUE(r.err.starts_with("runnc: ")) << describe(r);
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << "expected '" << says << "' in: " << r.err;
}

// What a guest prints under nabla-run itself.
std::string nabla_run_output(std::vector<std::string> args) {
    args.insert(args.begin(), bin("nabla-run"));
    std::string cmd;
    for (const auto& a : args) cmd += "'" + a + "' ";
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[256];
        for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

std::string cgroup_file(const std::string& hierarchy, const std::string& id, const std::string& file) {
    auto text = read_text("/sys/fs/cgroup/" + hierarchy + "/runnc/" + id + "/" + file);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

} // namespace

TEST(Runnc, SpecWritesATemplateOnce) {
    Sandbox sb;
    auto r = sb.runnc({"spec", "--bundle", sb.dir()}, 10s, "", false);
    ASSERT_EQ(r.status, 0) << describe(r);
    auto config = json::parse(read_text(sb.dir() + "/config.json"));
    EXPECT_EQ(config["process"]["args"][0], "/app.nabla");
    EXPECT_EQ(config["root"]["path"], "rootfs");
    expect_error_line(sb.runnc({"spec", "--bundle", sb.dir()}, 10s, "", false), 73, "exists already");
}

TEST(Runnc, RunInTheForegroundAsAUserWould) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "hello.nabla", {"it works"});
    auto id = sb.id("run");
    auto r = sb.runnc({"run", "--bundle", bundle, id});
    EXPECT_EQ(r.status, 0) << describe(r);
    EXPECT_NE(r.out.find("it works"), std::string::npos) << describe(r);
    EXPECT_EQ(leftovers(sb.root(), id), "");
}

TEST(Runnc, ExitStatusOfTheGuest) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "runnc-probe.nabla", {"exit", "7"});
    auto id = sb.id("exit");
    EXPECT_EQ(sb.runnc({"run", "--bundle", bundle, id}).status, 7);
    EXPECT_EQ(leftovers(sb.root(), id), "");
    // Created and started, it ends by itself: stopped, with the status.
    auto id2 = sb.id("exit");
    ASSERT_EQ(sb.runnc({"create", "--bundle", bundle, id2}).status, 0);
    ASSERT_EQ(sb.runnc({"start", id2}).status, 0);
    ASSERT_TRUE(sb.wait_for(id2, "stopped"));
    EXPECT_EQ(sb.state(id2)["exitStatus"], 7);
    EXPECT_EQ(sb.runnc({"delete", id2}).status, 0);
    EXPECT_EQ(leftovers(sb.root(), id2), "");
}

TEST(Runnc, CreateStartStateDeleteAsPodmanDoes) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "runnc-probe.nabla", {"sleep", "1", "exit", "0"},
                            [](json& c) { c["annotations"] = {{"org.example/who", "test"}}; });
    auto id = sb.id("life");
    auto out = sb.dir() + "/container.out";
    auto pid_file = bundle + "/pidfile";
    auto created = sb.runnc({"create", "--bundle", bundle, "--pid-file", pid_file, id}, 20s, out);
    ASSERT_EQ(created.status, 0) << describe(created);
    auto pid = std::stoi(read_text(pid_file));
    auto s = sb.state(id);
    EXPECT_EQ(s["ociVersion"], "1.0.2");
    EXPECT_EQ(s["id"], id);
    EXPECT_EQ(s["status"], "created");
    EXPECT_EQ(s["pid"], pid);
    EXPECT_EQ(s["bundle"], bundle);
    EXPECT_EQ(s["annotations"]["org.example/who"], "test");
    EXPECT_TRUE(alive(pid));
    EXPECT_EQ(read_text(out), ""); // nothing runs before start
    ASSERT_EQ(sb.runnc({"start", id}).status, 0);
    EXPECT_EQ(sb.state(id)["status"], "running");
    expect_error_line(sb.runnc({"start", id}), 1, "only a created container can be started");
    ASSERT_TRUE(sb.wait_for(id, "stopped"));
    EXPECT_EQ(sb.state(id)["exitStatus"], 0);
    EXPECT_FALSE(alive(pid));
    ASSERT_EQ(sb.runnc({"delete", id}).status, 0);
    expect_error_line(sb.runnc({"state", id}), 67, "container \"" + id + "\" does not exist");
    EXPECT_EQ(leftovers(sb.root(), id, pid), "");
}

TEST(Runnc, ArgsAndEnvReachTheGuestExactly) {
    Sandbox sb;
    std::vector<std::string> args = {"two words", "\"double\" 'single'", "", "back\\slash", "--mem=1", "tab\there",
                                     "ünï", "$HOME `x` ;|&"};
    std::vector<std::string> env = {"A=x y", "QUOTES=\"q\" 'r'", "EQ=a=b", "EMPTY="};
    auto bundle = sb.bundle("b", "libc-args.nabla", args, [&](json& c) { c["process"]["env"] = env; });
    auto r = sb.runnc({"run", "--bundle", bundle, sb.id("args")});
    ASSERT_EQ(r.status, 0) << describe(r);
    std::string want = "arg[/app.nabla]\n";
    for (const auto& a : args) want += "arg[" + a + "]\n";
    for (const auto& e : env) want += "env[" + e + "]\n";
    EXPECT_EQ(r.out, want);
}

TEST(Runnc, Args0WithoutASlashIsFoundThroughPath) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "libc-args.nabla", {"x"}, [](json& c) {
        c["process"]["args"][0] = "app.nabla";
        c["process"]["env"] = {"PATH=/nowhere:/usr/bin"};
    });
    fs::create_directories(bundle + "/rootfs/usr/bin");
    fs::rename(bundle + "/rootfs/app.nabla", bundle + "/rootfs/usr/bin/app.nabla");
    auto r = sb.runnc({"run", "--bundle", bundle, sb.id("path")});
    EXPECT_EQ(r.status, 0) << describe(r);
    EXPECT_EQ(r.out, "arg[/usr/bin/app.nabla]\narg[x]\nenv[PATH=/nowhere:/usr/bin]\n");
}

TEST(Runnc, MemoryLimitInTheGuestAndTheCgroup) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "runnc-probe.nabla", {"mem", "sleep", "30"},
                            [](json& c) { c["linux"]["resources"] = {{"memory", {{"limit", 96 << 20}}}, {"pids", {{"limit", 16}}}}; });
    auto id = sb.id("mem");
    auto out = sb.dir() + "/mem.out";
    ASSERT_EQ(sb.runnc({"create", "--bundle", bundle, id}, 20s, out).status, 0);
    EXPECT_EQ(cgroup_file("memory", id, "memory.limit_in_bytes"), std::to_string(96 << 20));
    EXPECT_EQ(cgroup_file("pids", id, "pids.max"), "16");
    ASSERT_EQ(sb.runnc({"start", id}).status, 0);
    for (int i = 0; i < 2000 && read_text(out).empty(); i++) std::this_thread::sleep_for(1ms);
    // The guest's memory is the limit: it sees what nabla-run --mem=96 gives it.
    EXPECT_EQ(read_text(out), nabla_run_output({"--mem=96", bin("runnc-probe.nabla"), "mem"}));
    EXPECT_NE(read_text(out), nabla_run_output({bin("runnc-probe.nabla"), "mem"})); // not the default 512
    auto pid = sb.state(id)["pid"].get<int>();
    // Both container processes are in the container's cgroups.
    auto procs = read_text("/sys/fs/cgroup/memory/runnc/" + id + "/cgroup.procs");
    EXPECT_NE(procs.find(std::to_string(pid)), std::string::npos) << procs;
    EXPECT_NE(procs.find(std::to_string(tender_of(pid))), std::string::npos) << procs;
    // update changes the cgroup.
    ASSERT_EQ(sb.runnc({"update", "--memory", "128m", "--pids-limit", "8", id}).status, 0);
    EXPECT_EQ(cgroup_file("memory", id, "memory.limit_in_bytes"), std::to_string(128 << 20));
    EXPECT_EQ(cgroup_file("pids", id, "pids.max"), "8");
    ASSERT_EQ(sb.runnc({"delete", "--force", id}).status, 0);
    EXPECT_EQ(leftovers(sb.root(), id, pid), "");
}

TEST(Runnc, TheContainerProcessIsConfined) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "runnc-probe.nabla", {"sleep", "30"}, [](json& c) { c["hostname"] = "nabla-box"; });
    auto id = sb.id("confined");
    ASSERT_EQ(sb.runnc({"create", "--bundle", bundle, id}).status, 0);
    ASSERT_EQ(sb.runnc({"start", id}).status, 0);
    auto init = sb.state(id)["pid"].get<int>();
    auto tender = tender_of(init);
    ASSERT_GT(tender, 0);
    // pid 1 and 2 of their own pid namespace.
    EXPECT_EQ(proc_status(init, "NSpid"), std::to_string(init) + "\t1");
    EXPECT_EQ(proc_status(tender, "NSpid"), std::to_string(tender) + "\t2");
    EXPECT_EQ(read_text("/proc/" + std::to_string(tender) + "/comm"), "nabla-run\n");
    for (const auto& ns : {"mnt", "pid", "ipc", "uts", "net"})
        EXPECT_NE(ns_of(std::to_string(tender), ns), ns_of("self", ns)) << ns;
    for (pid_t p : {init, tender}) {
        for (const auto& caps : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
            EXPECT_EQ(proc_status(p, caps), "0000000000000000") << caps << " of " << p;
        EXPECT_EQ(proc_status(p, "NoNewPrivs"), "1");
    }
    EXPECT_EQ(proc_status(tender, "Seccomp"), "2"); // the tender's own filter
    // Its root holds the tender and the unikernel, nothing else.
    std::vector<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator("/proc/" + std::to_string(tender) + "/root"))
        names.push_back(e.path().string().substr(("/proc/" + std::to_string(tender) + "/root").size()));
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"/.runnc", "/.runnc/nabla-run", "/app.nabla"}));
    // pause and resume: the cgroup freezer.
    ASSERT_EQ(sb.runnc({"pause", id}).status, 0);
    EXPECT_EQ(sb.state(id)["status"], "paused");
    EXPECT_EQ(cgroup_file("freezer", id, "freezer.state"), "FROZEN");
    ASSERT_EQ(sb.runnc({"resume", id}).status, 0);
    EXPECT_EQ(sb.state(id)["status"], "running");
    // ps lists both processes.
    auto ps = sb.runnc({"ps", "--format", "json", id});
    ASSERT_EQ(ps.status, 0) << describe(ps);
    auto pids = json::parse(ps.out).get<std::vector<int>>();
    std::sort(pids.begin(), pids.end());
    EXPECT_EQ(pids, (std::vector<int>{std::min(init, tender), std::max(init, tender)}));
    ASSERT_EQ(sb.runnc({"kill", id, "KILL"}).status, 0);
    ASSERT_TRUE(sb.wait_for(id, "stopped"));
    ASSERT_EQ(sb.runnc({"delete", id}).status, 0);
    EXPECT_EQ(leftovers(sb.root(), id, init), "");
}

TEST(Runnc, KillTermStopsARunningGuestAtOnce) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "runnc-probe.nabla", {"sleep", "30"});
    auto id = sb.id("term");
    ASSERT_EQ(sb.runnc({"create", "--bundle", bundle, id}).status, 0);
    ASSERT_EQ(sb.runnc({"start", id}).status, 0);
    auto begin = std::chrono::steady_clock::now();
    ASSERT_EQ(sb.runnc({"kill", id}).status, 0); // TERM, as podman stop sends first
    ASSERT_TRUE(sb.wait_for(id, "stopped", 3s));
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);
    EXPECT_EQ(sb.state(id)["exitStatus"], 128 + SIGTERM);
    expect_error_line(sb.runnc({"kill", id}), 1, "container not running");
    ASSERT_EQ(sb.runnc({"delete", id}).status, 0);
    EXPECT_EQ(leftovers(sb.root(), id), "");
}

TEST(Runnc, KillOfACreatedContainer) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "hello.nabla", {});
    auto id = sb.id("killcreated");
    ASSERT_EQ(sb.runnc({"create", "--bundle", bundle, id}).status, 0);
    auto pid = sb.state(id)["pid"].get<int>();
    ASSERT_EQ(sb.runnc({"kill", id, "TERM"}).status, 0);
    ASSERT_TRUE(sb.wait_for(id, "stopped", 3s));
    EXPECT_EQ(sb.state(id)["exitStatus"], 128 + SIGTERM);
    expect_error_line(sb.runnc({"start", id}), 1, "is stopped: only a created container can be started");
    ASSERT_EQ(sb.runnc({"delete", id}).status, 0);
    EXPECT_EQ(leftovers(sb.root(), id, pid), "");
}

TEST(Runnc, DeleteOfARunningContainerNeedsForce) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "runnc-probe.nabla", {"sleep", "30"});
    auto id = sb.id("del");
    ASSERT_EQ(sb.runnc({"create", "--bundle", bundle, id}).status, 0);
    expect_error_line(sb.runnc({"delete", id}), 1, "is created: it is not stopped (delete --force kills it first)");
    ASSERT_EQ(sb.runnc({"start", id}).status, 0);
    auto pid = sb.state(id)["pid"].get<int>();
    expect_error_line(sb.runnc({"delete", id}), 1, "is running: it is not stopped");
    EXPECT_EQ(sb.state(id)["status"], "running");
    auto tender = tender_of(pid);
    ASSERT_EQ(sb.runnc({"delete", "--force", id}).status, 0);
    EXPECT_EQ(leftovers(sb.root(), id, pid), "");
    EXPECT_FALSE(alive(tender));
}

TEST(Runnc, HooksRunInOrderWithTheStateOnStdin) {
    Sandbox sb;
    auto log = sb.dir() + "/hooks.log";
    auto script = sb.dir() + "/hook.sh";
    // Each hook appends: its class, the status it was given, and its uts namespace.
    std::ofstream(script) << "#!/bin/sh\n"
                             "state=$(cat)\n"
                             "status=$(printf '%s' \"$state\" | grep -o '\"status\": *\"[a-z]*\"' | sed 's/.*\"\\([a-z]*\\)\"$/\\1/')\n"
                             "ids=$(printf '%s' \"$state\" | grep -c '\"id\"')\n"
                             "printf '%s %s %s %s\\n' \"$1\" \"$status\" \"$(readlink /proc/self/ns/uts)\" \"$ids\" >> "
                          << log << "\n";
    fs::permissions(script, fs::perms::owner_all);
    auto bundle = sb.bundle("b", "hello.nabla", {}, [&](json& c) {
        for (auto cls : {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"})
            c["hooks"][cls] = json::array({{{"path", script}, {"args", {"hook.sh", cls}}}});
    });
    auto id = sb.id("hooks");
    ASSERT_EQ(sb.runnc({"create", "--bundle", bundle, id}).status, 0);
    auto pid = std::to_string(sb.state(id)["pid"].get<int>());
    auto container_uts = ns_of(pid, "uts");
    ASSERT_EQ(sb.runnc({"start", id}).status, 0);
    ASSERT_TRUE(sb.wait_for(id, "stopped"));
    ASSERT_EQ(sb.runnc({"delete", id}).status, 0);
    auto host_uts = ns_of("self", "uts");
    EXPECT_EQ(read_text(log), "prestart creating " + host_uts + " 1\n" +
                                  "createRuntime creating " + host_uts + " 1\n" +
                                  "createContainer creating " + container_uts + " 1\n" +
                                  "startContainer created " + container_uts + " 1\n" +
                                  "poststart running " + host_uts + " 1\n" +
                                  "poststop stopped " + host_uts + " 1\n");
}

TEST(Runnc, AFailingHookFailsCreateAndLeavesNothing) {
    Sandbox sb;
    auto marker = sb.dir() + "/poststop-ran";
    auto bundle = sb.bundle("b", "hello.nabla", {}, [&](json& c) {
        c["hooks"]["createRuntime"] = json::array({{{"path", "/bin/sh"}, {"args", {"sh", "-c", "exit 3"}}}});
        c["hooks"]["poststop"] = json::array({{{"path", "/bin/sh"}, {"args", {"sh", "-c", "touch " + marker}}}});
    });
    auto id = sb.id("hookfail");
    expect_error_line(sb.runnc({"create", "--bundle", bundle, id}), 70, "hooks.createRuntime[0] (/bin/sh): exited with status 3");
    EXPECT_EQ(leftovers(sb.root(), id), "");
    EXPECT_TRUE(exists(marker)); // poststop runs after a failed create too
    auto slow = sb.bundle("slow", "hello.nabla", {}, [&](json& c) {
        c["hooks"]["prestart"] = json::array({{{"path", "/bin/sleep"}, {"args", {"sleep", "10"}}, {"timeout", 1}}});
    });
    auto id2 = sb.id("hooktimeout");
    expect_error_line(sb.runnc({"create", "--bundle", slow, id2}), 70, "hooks.prestart[0] (/bin/sleep): timed out after 1 s");
    EXPECT_EQ(leftovers(sb.root(), id2), "");
}

TEST(Runnc, AFailingStartContainerHookFailsStart) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "hello.nabla", {}, [&](json& c) {
        c["hooks"]["startContainer"] = json::array({{{"path", "/bin/false"}}});
    });
    auto id = sb.id("starthook");
    ASSERT_EQ(sb.runnc({"create", "--bundle", bundle, id}).status, 0);
    auto pid = sb.state(id)["pid"].get<int>();
    expect_error_line(sb.runnc({"start", id}), 70, "start: hooks.startContainer[0] (/bin/false): exited with status 1");
    ASSERT_TRUE(sb.wait_for(id, "stopped"));
    ASSERT_EQ(sb.runnc({"delete", id}).status, 0);
    EXPECT_EQ(leftovers(sb.root(), id, pid), "");
}

TEST(Runnc, UserRlimitsOomScoreHostnameAndCgroupsPath) {
    Sandbox sb;
    auto id = sb.id("user");
    auto cgroup = "/runnc-test-" + id;
    auto bundle = sb.bundle("b", "runnc-probe.nabla", {"sleep", "30"}, [&](json& c) {
        c["process"]["user"] = {{"uid", 1000}, {"gid", 1001}, {"additionalGids", {1002}}};
        c["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 512}, {"hard", 1024}}};
        c["process"]["oomScoreAdj"] = 500;
        c["hostname"] = "nabla-box";
        c["linux"]["cgroupsPath"] = cgroup;
    });
    ASSERT_EQ(sb.runnc({"create", "--bundle", bundle, id}).status, 0);
    ASSERT_EQ(sb.runnc({"start", id}).status, 0);
    auto init = sb.state(id)["pid"].get<int>();
    auto tender = tender_of(init);
    ASSERT_GT(tender, 0);
    EXPECT_EQ(proc_status(tender, "Uid"), "1000\t1000\t1000\t1000");
    EXPECT_EQ(proc_status(tender, "Gid"), "1001\t1001\t1001\t1001");
    EXPECT_EQ(proc_status(tender, "Groups"), "1002 ");
    EXPECT_NE(read_text("/proc/" + std::to_string(tender) + "/limits").find("Max open files            512                  1024"),
              std::string::npos);
    EXPECT_EQ(read_text("/proc/" + std::to_string(tender) + "/oom_score_adj"), "500\n");
    if (exists("/usr/bin/nsenter")) {
        auto hostname = sb.dir() + "/hostname";
        auto cmd = "nsenter --uts=/proc/" + std::to_string(init) + "/ns/uts hostname > " + hostname;
        ASSERT_EQ(std::system(cmd.c_str()), 0);
        EXPECT_EQ(read_text(hostname), "nabla-box\n");
    }
    EXPECT_TRUE(exists("/sys/fs/cgroup/memory" + cgroup));
    EXPECT_NE(read_text("/sys/fs/cgroup/pids" + cgroup + "/cgroup.procs").find(std::to_string(tender)), std::string::npos);
    ASSERT_EQ(sb.runnc({"kill", "--all", id, "KILL"}).status, 0);
    ASSERT_TRUE(sb.wait_for(id, "stopped"));
    ASSERT_EQ(sb.runnc({"delete", id}).status, 0);
    EXPECT_FALSE(exists("/sys/fs/cgroup/memory" + cgroup));
    EXPECT_FALSE(exists("/sys/fs/cgroup/unified" + cgroup));
    EXPECT_EQ(leftovers(sb.root(), id, init), "");
}

TEST(Runnc, JoinsNamespacesByPath) {
    Sandbox sb;
    auto self = std::to_string(::getpid());
    auto bundle = sb.bundle("b", "runnc-probe.nabla", {"sleep", "30"}, [&](json& c) {
        c["linux"]["namespaces"] = {{{"type", "pid"}}, {{"type", "mount"}}, {{"type", "network"}, {"path", "/proc/" + self + "/ns/net"}},
                                    {{"type", "ipc"}, {"path", "/proc/" + self + "/ns/ipc"}}};
    });
    auto id = sb.id("join");
    ASSERT_EQ(sb.runnc({"create", "--bundle", bundle, id}).status, 0);
    ASSERT_EQ(sb.runnc({"start", id}).status, 0);
    auto tender = std::to_string(tender_of(sb.state(id)["pid"].get<int>()));
    EXPECT_EQ(ns_of(tender, "net"), ns_of("self", "net"));
    EXPECT_EQ(ns_of(tender, "ipc"), ns_of("self", "ipc"));
    EXPECT_NE(ns_of(tender, "uts"), ns_of("self", "uts")); // not listed: its own all the same
    EXPECT_NE(ns_of(tender, "pid"), ns_of("self", "pid"));
    ASSERT_EQ(sb.runnc({"delete", "--force", id}).status, 0);
    auto wrong = sb.bundle("wrong", "hello.nabla", {}, [&](json& c) {
        c["linux"]["namespaces"] = {{{"type", "network"}, {"path", "/proc/" + self + "/ns/uts"}}};
    });
    auto id2 = sb.id("join");
    expect_error_line(sb.runnc({"create", "--bundle", wrong, id2}), 65,
                      "linux.namespaces[0] (/proc/" + self + "/ns/uts): is not a network namespace");
    EXPECT_EQ(leftovers(sb.root(), id2), "");
}

TEST(Runnc, ListAndDetachedRun) {
    Sandbox sb;
    auto sleeper = sb.bundle("b", "runnc-probe.nabla", {"sleep", "30"});
    auto a = sb.id("list"), b = sb.id("list");
    ASSERT_EQ(sb.runnc({"create", "--bundle", sleeper, a}).status, 0);
    ASSERT_EQ(sb.runnc({"run", "--detach", "--bundle", sleeper, b}).status, 0);
    auto list = sb.runnc({"list", "--format", "json"});
    ASSERT_EQ(list.status, 0) << describe(list);
    auto j = json::parse(list.out);
    ASSERT_EQ(j.size(), 2u) << list.out;
    std::map<std::string, std::string> status;
    for (const auto& c : j) status[c["id"]] = c["status"];
    EXPECT_EQ(status[a], "created");
    EXPECT_EQ(status[b], "running");
    auto table = sb.runnc({"list"});
    EXPECT_TRUE(table.out.starts_with("ID")) << table.out;
    EXPECT_NE(table.out.find(a), std::string::npos);
    EXPECT_EQ(sb.runnc({"list", "-q"}).out, std::min(a, b) + "\n" + std::max(a, b) + "\n");
    for (const auto& id : {a, b}) {
        ASSERT_EQ(sb.runnc({"delete", "--force", id}).status, 0);
        EXPECT_EQ(leftovers(sb.root(), id), "");
    }
    EXPECT_EQ(sb.runnc({"list", "-q"}).out, "");
}

TEST(Runnc, TheRootfsBecomesTheGuestsRootImageOnce) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "runnc-probe-root.nabla", {"cat", "/etc/greeting", "write", "/new"});
    fs::create_directories(bundle + "/rootfs/etc");
    std::ofstream(bundle + "/rootfs/etc/greeting") << "hello from the rootfs\n";
    auto listing = [&] {
        std::string s;
        for (const auto& e : fs::recursive_directory_iterator(bundle + "/rootfs"))
            s += e.path().string() + " " + std::to_string(fs::last_write_time(e.path()).time_since_epoch().count()) + "\n";
        return s;
    };
    auto before = listing();
    auto r = sb.runnc({"run", "--bundle", bundle, sb.id("image")});
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_EQ(r.out, "hello from the rootfs\nwrite /new: ok\n");
    EXPECT_EQ(listing(), before); // the rootfs is only read
    std::vector<fs::path> images;
    for (const auto& e : fs::directory_iterator(sb.root() + "/images")) images.push_back(e.path());
    ASSERT_EQ(images.size(), 1u);
    auto built = fs::last_write_time(images[0]);
    // The same rootfs again: the cached image, not a new one.
    ASSERT_EQ(sb.runnc({"run", "--bundle", bundle, sb.id("image")}).status, 0);
    EXPECT_EQ(fs::last_write_time(images[0]), built);
    EXPECT_EQ(std::distance(fs::directory_iterator(sb.root() + "/images"), fs::directory_iterator()), 1);
    // A changed rootfs: a new image with the new content.
    std::ofstream(bundle + "/rootfs/etc/greeting") << "changed\n";
    auto changed = sb.runnc({"run", "--bundle", bundle, sb.id("image")});
    EXPECT_EQ(changed.out, "changed\nwrite /new: ok\n");
    EXPECT_EQ(std::distance(fs::directory_iterator(sb.root() + "/images"), fs::directory_iterator()), 2);
    // Read-only root, no tmpfs: no writable layer.
    auto ro = sb.bundle("ro", "runnc-probe-root.nabla", {"write", "/new"}, [](json& c) { c["root"]["readonly"] = true; });
    auto r2 = sb.runnc({"run", "--bundle", ro, sb.id("image")});
    EXPECT_NE(r2.out.find("write /new: No space left on device"), std::string::npos) << describe(r2);
}

TEST(Runnc, BadInputGetsOneLineAndLeavesNothing) {
    Sandbox sb;
    auto check = [&](const std::string& bundle, int status, const std::string& says) {
        auto id = sb.id("bad");
        expect_error_line(sb.runnc({"create", "--bundle", bundle, id}), status, says);
        EXPECT_EQ(leftovers(sb.root(), id), "") << says;
    };
    auto broken = sb.bundle("broken", "hello.nabla", {});
    std::ofstream(broken + "/config.json") << "{\"ociVersion\": \"1.0.2\", \"process\": {";
    check(broken, 65, "config.json: not valid JSON: parse error at line 1");
    check(sb.bundle("noargs", "hello.nabla", {}, [](json& c) { c["process"]["args"] = json::array(); }), 65,
          "config.json: process.args: must be a non-empty array of strings");
    auto norootfs = sb.bundle("norootfs", "hello.nabla", {});
    fs::remove_all(norootfs + "/rootfs");
    check(norootfs, 66, "config.json: root.path: " + norootfs + "/rootfs: No such file or directory");
    check(sb.bundle("noapp", "hello.nabla", {}, [](json& c) { c["process"]["args"][0] = "/missing.nabla"; }), 66,
          "process.args[0]: /missing.nabla is not a file in the rootfs");
    auto host = sb.bundle("host", "hello.nabla", {}, [](json& c) { c["process"]["args"][0] = "/true"; });
    fs::copy_file("/bin/true", host + "/rootfs/true");
    check(host, 65, "process.args[0]: /true in the rootfs is not a nabla unikernel");
    auto escape = sb.bundle("escape", "hello.nabla", {}, [](json& c) { c["process"]["args"][0] = "/link"; });
    fs::create_symlink("/work/../" + bin("hello.nabla"), escape + "/rootfs/link"); // absolute: resolved in the rootfs
    check(escape, 66, "process.args[0]: /link is not a file in the rootfs");
    check(sb.bundle("net", "net-server.nabla", {}), 69, "declares net device 'eth0': networking is not supported by runnc yet");
    check(sb.bundle("tty", "hello.nabla", {}, [](json& c) { c["process"]["terminal"] = true; }), 69,
          "process.terminal: terminals are not supported yet");
    check(sb.bundle("bind", "hello.nabla", {}, [](json& c) {
              c["mounts"].push_back({{"destination", "/data"}, {"type", "bind"}, {"source", "/srv"}, {"options", {"rbind"}}});
          }),
          69, "bind mount of /srv at /data: volumes are not supported yet");
    check(sb.dir() + "/nonexistent", 66, "--bundle: " + sb.dir() + "/nonexistent: No such file or directory");

    auto good = sb.bundle("good", "hello.nabla", {});
    auto id = sb.id("dup");
    ASSERT_EQ(sb.runnc({"create", "--bundle", good, id}).status, 0);
    expect_error_line(sb.runnc({"create", "--bundle", good, id}), 73, "container \"" + id + "\" exists already");
    EXPECT_EQ(sb.state(id)["status"], "created"); // the first one is untouched
    ASSERT_EQ(sb.runnc({"delete", "--force", id}).status, 0);

    expect_error_line(sb.runnc({"create", "--frobnicate", "--bundle", good, "x"}), 64, "unknown flag '--frobnicate'");
    for (auto cmd : {"state", "start", "kill", "delete", "pause", "ps"})
        expect_error_line(sb.runnc({cmd, "nosuch"}), 67, "container \"nosuch\" does not exist");
    expect_error_line(sb.runnc({"exec", "--process", "/p.json", "x"}), 69,
                      "exec: a nabla container runs one unikernel; there is nothing to exec into");
    expect_error_line(sb.runnc({"--systemd-cgroup", "create", "--bundle", good, "x"}), 69, "--systemd-cgroup");
    expect_error_line(sb.runnc({"create", "--console-socket", "/tmp/s", "--bundle", good, "x"}), 69, "--console-socket");
    EXPECT_EQ(sb.runnc({"list", "-q"}).out, "");
}

TEST(Runnc, ErrorsReachTheLogAsEnginesReadThem) {
    Sandbox sb;
    auto log = sb.dir() + "/log.json";
    auto r = sb.runnc({"--log", log, "--log-format", "json", "exec", "--process", "/p.json", "x"});
    EXPECT_EQ(r.status, 69);
    auto line = json::parse(read_text(log));
    EXPECT_EQ(line["level"], "error");
    EXPECT_EQ(line["msg"], "exec: a nabla container runs one unikernel; there is nothing to exec into");
    EXPECT_TRUE(line.contains("time"));
    auto bundle = sb.bundle("b", "hello.nabla", {}, [](json& c) { c["process"]["env"] = {"BROKEN"}; });
    auto text = sb.dir() + "/log.txt";
    EXPECT_EQ(sb.runnc({"--log", text, "create", "--bundle", bundle, "c"}).status, 65);
    EXPECT_NE(read_text(text).find("level=error msg=\"config.json: process.env[0]: 'BROKEN' is not KEY=VALUE\""),
              std::string::npos)
        << read_text(text);
}

TEST(Runnc, DebugLinesGoToTheLogNotToTheContainer) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "hello.nabla", {"quiet"}, [](json& c) {
        c["hooks"]["createContainer"] = json::array({{{"path", "/bin/true"}}});
    });
    auto id = sb.id("debug");
    auto log = sb.dir() + "/debug.json";
    auto out = sb.dir() + "/debug.out";
    ASSERT_EQ(sb.runnc({"--debug", "--log", log, "--log-format", "json", "run", "--bundle", bundle, id}, 20s, out).status, 0);
    EXPECT_EQ(read_text(out), "hello from nabla\narg 1: quiet\n");
    std::istringstream lines(read_text(log));
    int n = 0;
    for (std::string line; std::getline(lines, line); n++) EXPECT_EQ(json::parse(line)["level"], "debug") << line;
    EXPECT_GE(n, 4) << read_text(log);
}

TEST(Runnc, KilledMidCreateThenDeleteLeavesNothing) {
    Sandbox sb;
    auto marker = sb.dir() + "/hook-pid";
    auto bundle = sb.bundle("b", "hello.nabla", {}, [&](json& c) {
        c["hooks"]["createRuntime"] =
            json::array({{{"path", "/bin/sh"}, {"args", {"sh", "-c", "echo $$ > " + marker + "; exec sleep 30"}}}});
    });
    auto id = sb.id("midcreate");
    // runnc create in the background: the test kills it while the hook runs.
    std::thread create([&] { sb.runnc({"create", "--bundle", bundle, id}, 20s); });
    for (int i = 0; i < 5000 && read_text(marker).empty(); i++) std::this_thread::sleep_for(1ms);
    auto hook = std::stoi(read_text(marker));
    pid_t runnc = std::stoi(proc_status(hook, "PPid"));
    ::kill(runnc, SIGKILL);
    create.join();
    ::kill(hook, SIGKILL);
    auto pid = sb.state(id).value("pid", 0);
    ASSERT_TRUE(sb.wait_for(id, "stopped", 5s)) << sb.state(id).dump();
    ASSERT_EQ(sb.runnc({"delete", id}).status, 0);
    EXPECT_EQ(leftovers(sb.root(), id, pid), "");
}

TEST(Runnc, DefaultRootIsRunRunnc) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "hello.nabla", {});
    auto id = sb.id("default-root");
    ASSERT_EQ(sb.runnc({"create", "--bundle", bundle, id}, 20s, "", false).status, 0);
    EXPECT_TRUE(exists("/run/runnc/" + id + "/state.json"));
    ASSERT_EQ(sb.runnc({"delete", "--force", id}, 20s, "", false).status, 0);
    EXPECT_EQ(leftovers("/run/runnc", id), "");
}

TEST(Runnc, FiftyCyclesLeaveNothing) {
    Sandbox sb;
    auto bundle = sb.bundle("b", "hello.nabla", {"cycle"});
    auto mounts_before = read_text("/proc/self/mountinfo");
    for (int i = 0; i < 50; i++) {
        auto id = sb.id("cycle");
        auto out = sb.dir() + "/cycle.out";
        auto created = sb.runnc({"create", "--bundle", bundle, "--pid-file", sb.dir() + "/cycle.pid", id}, 20s, out);
        ASSERT_EQ(created.status, 0) << describe(created);
        auto pid = std::stoi(read_text(sb.dir() + "/cycle.pid"));
        ASSERT_EQ(sb.runnc({"start", id}).status, 0);
        ASSERT_TRUE(sb.wait_for(id, "stopped"));
        ASSERT_EQ(sb.runnc({"delete", id}).status, 0);
        ASSERT_EQ(leftovers(sb.root(), id, pid), "") << "cycle " << i;
    }
    auto out = read_text(sb.dir() + "/cycle.out");
    size_t lines = 0;
    for (size_t p = 0; (p = out.find("cycle", p)) != std::string::npos; p++) lines++;
    EXPECT_EQ(lines, 50u) << out;
    EXPECT_EQ(read_text("/proc/self/mountinfo"), mounts_before);
    EXPECT_EQ(sb.runnc({"list", "-q"}).out, "");
    EXPECT_EQ(std::distance(fs::directory_iterator(sb.root()), fs::directory_iterator()), 0);
}

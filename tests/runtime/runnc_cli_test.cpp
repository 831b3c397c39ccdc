// runnc's command line as engines speak it (podman, containerd's shim),
// refusals, signals, IDs; the log line formats; exit records; the unikernel
// check on args[0].
#include "cgroup.hpp"
#include "cli.hpp"
#include "log.hpp"
#include "rootfs_image.hpp"
#include "state.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <iterator>

using namespace nabla::runnc;

namespace {

Invocation parse_ok(std::vector<std::string> argv) {
    argv.insert(argv.begin(), "runnc");
    GlobalOptions g;
    auto inv = parse_cli(argv, g);
    EXPECT_TRUE(inv) << inv.error().message;
    return inv ? *inv : Invocation{};
}

Error parse_error(std::vector<std::string> argv) {
    argv.insert(argv.begin(), "runnc");
    GlobalOptions g;
    auto inv = parse_cli(argv, g);
    EXPECT_FALSE(inv);
    return inv ? Error{} : inv.error();
}

} // namespace

TEST(RunncCli, AsPodmanCallsIt) {
    auto create = parse_ok({"create", "--bundle", "/b", "--pid-file", "/b/pidfile", "c1"});
    EXPECT_EQ(create.command, Command::create);
    EXPECT_EQ(create.options.bundle, "/b");
    EXPECT_EQ(create.options.pid_file, "/b/pidfile");
    EXPECT_EQ(create.args, std::vector<std::string>{"c1"});
    EXPECT_EQ(create.global.root, "/run/runnc");
    auto kill = parse_ok({"kill", "c1", "15"});
    EXPECT_EQ(kill.command, Command::kill);
    EXPECT_EQ(kill.args, (std::vector<std::string>{"c1", "15"}));
    auto del = parse_ok({"delete", "--force", "c1"});
    EXPECT_TRUE(del.options.force);
}

TEST(RunncCli, AsContainerdsShimCallsIt) {
    auto inv = parse_ok({"--root", "/run/containerd/runc/default", "--log", "/x/log.json", "--log-format", "json", "create",
                         "--bundle", "/x", "--pid-file", "/x/init.pid", "c2"});
    EXPECT_EQ(inv.global.root, "/run/containerd/runc/default");
    EXPECT_EQ(inv.global.log_path, "/x/log.json");
    EXPECT_EQ(inv.global.log_format, LogFormat::json);
    EXPECT_EQ(inv.options.pid_file, "/x/init.pid");
    auto eq = parse_ok({"--root=/r", "--debug", "run", "-d", "-b", "/x", "c3"});
    EXPECT_EQ(eq.global.root, "/r");
    EXPECT_TRUE(eq.global.debug);
    EXPECT_TRUE(eq.options.detach);
    EXPECT_EQ(eq.options.bundle, "/x");
    auto ps = parse_ok({"ps", "--format", "json", "c3"});
    EXPECT_TRUE(ps.options.json);
    auto list = parse_ok({"list", "-q"});
    EXPECT_TRUE(list.options.quiet);
    auto kill = parse_ok({"kill", "--all", "c3", "KILL"});
    EXPECT_TRUE(kill.options.all);
}

TEST(RunncCli, UpdateFlags) {
    auto inv = parse_ok({"update", "--memory", "128m", "--pids-limit", "20", "--cpu-quota=50000", "c"});
    EXPECT_EQ(inv.options.resources.memory_limit, 128 << 20);
    EXPECT_EQ(inv.options.resources.pids_limit, 20);
    EXPECT_EQ(inv.options.resources.cpu_quota, 50000);
    EXPECT_EQ(parse_error({"update", "--memory", "1k", "c"}).code, Exit::usage);
    EXPECT_EQ(parse_ok({"update", "-r", "-", "c"}).options.resources_file, "-");
}

TEST(RunncCli, BadCommandLines) {
    auto e = parse_error({"create", "--frobnicate", "c"});
    EXPECT_EQ(e.code, Exit::usage);
    EXPECT_EQ(e.message, "create: unknown flag '--frobnicate' (see runnc create --help)");
    e = parse_error({"--frobnicate", "list"});
    EXPECT_EQ(e.message, "unknown flag '--frobnicate' (see runnc --help)");
    e = parse_error({"frobnicate"});
    EXPECT_EQ(e.message, "unknown command 'frobnicate' (see runnc --help)");
    e = parse_error({});
    EXPECT_EQ(e.message, "no command given (see runnc --help)");
    e = parse_error({"create"});
    EXPECT_EQ(e.message, "create: expects ID (see runnc create --help)");
    e = parse_error({"start", "a", "b"});
    EXPECT_EQ(e.message, "start: expects ID, got 2 arguments (see runnc start --help)");
    e = parse_error({"create", "--bundle"});
    EXPECT_EQ(e.message, "--bundle needs a value: --bundle DIR");
    e = parse_error({"--log-format", "xml", "list"});
    EXPECT_EQ(e.message, "--log-format: 'xml' is neither text nor json");
    e = parse_error({"state", "../etc"});
    EXPECT_EQ(e.message, "'../etc' is not a container ID ([A-Za-z0-9][A-Za-z0-9_.-]*)");
    EXPECT_EQ(parse_error({"state", "images"}).code, Exit::usage);
    EXPECT_EQ(parse_error({"--root", "relative", "list"}).code, Exit::usage);
}

TEST(RunncCli, RefusalsAreClear) {
    auto e = parse_error({"exec", "--process", "/p.json", "--detach", "c"});
    EXPECT_EQ(e.code, Exit::unsupported);
    EXPECT_EQ(e.message, "exec: a nabla container runs one unikernel; there is nothing to exec into");
    e = parse_error({"--systemd-cgroup", "create", "c"});
    EXPECT_EQ(e.code, Exit::unsupported);
    EXPECT_TRUE(e.message.starts_with("--systemd-cgroup: the systemd cgroup manager is not supported")) << e.message;
    e = parse_error({"create", "--console-socket", "/tmp/s", "c"});
    EXPECT_EQ(e.code, Exit::unsupported);
    EXPECT_EQ(e.message, "--console-socket: terminals (-t) are not supported yet: run the container without one");
    EXPECT_EQ(parse_error({"create", "--preserve-fds", "2", "c"}).code, Exit::unsupported);
    parse_ok({"create", "--preserve-fds", "0", "--no-pivot", "--no-new-keyring", "c"});
}

TEST(RunncCli, GlobalsAreKeptForTheLogEvenWhenTheRestFails) {
    GlobalOptions g;
    auto inv = parse_cli({"runnc", "--log", "/l.json", "--log-format", "json", "exec", "c"}, g);
    ASSERT_FALSE(inv);
    EXPECT_EQ(g.log_path, "/l.json");
    EXPECT_EQ(g.log_format, LogFormat::json);
}

TEST(RunncCli, HelpComesFromTheTable) {
    auto text = usage_text();
    for (auto cmd : {"create", "start", "state", "kill", "delete", "run", "list", "ps", "features", "spec", "pause",
                     "resume", "update", "exec"})
        EXPECT_NE(text.find(std::string("  ") + cmd), std::string::npos) << cmd;
    EXPECT_NE(command_usage("create").find("--pid-file FILE"), std::string::npos);
    EXPECT_TRUE(parse_ok({"create", "--help"}).help);
    EXPECT_TRUE(parse_ok({"--help"}).help);
}

TEST(RunncCli, Signals) {
    EXPECT_EQ(parse_signal("TERM"), SIGTERM);
    EXPECT_EQ(parse_signal("SIGKILL"), SIGKILL);
    EXPECT_EQ(parse_signal("9"), 9);
    EXPECT_EQ(parse_signal("USR1"), SIGUSR1);
    EXPECT_FALSE(parse_signal("SIGNOPE"));
    EXPECT_FALSE(parse_signal("0"));
    EXPECT_FALSE(parse_signal("999"));
}

TEST(RunncLog, LineFormats) {
    auto j = nlohmann::json::parse(log::format_line(LogFormat::json, "error", "config.json: \"x\"\n", "T"));
    EXPECT_EQ(j["level"], "error");
    EXPECT_EQ(j["msg"], "config.json: \"x\"\n");
    EXPECT_EQ(j["time"], "T");
    EXPECT_EQ(log::format_line(LogFormat::text, "error", "a \"b\"", "T"), "time=\"T\" level=error msg=\"a \\\"b\\\"\"");
}

TEST(RunncState, ExitRecords) {
    auto e = parse_exit_record(format_exit_record({7, 0}));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 7);
    e = parse_exit_record(format_exit_record({0, SIGTERM}));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 128 + SIGTERM);
    EXPECT_EQ(e->signal, SIGTERM);
    EXPECT_FALSE(parse_exit_record(""));
    EXPECT_FALSE(parse_exit_record("exited x"));
}

TEST(RunncState, OciStateJson) {
    Record r;
    r.id = "c";
    r.bundle = "/b";
    r.init.pid = 42;
    r.annotations["k"] = "v";
    auto j = nlohmann::json::parse(oci_state_json(r, Status::created));
    EXPECT_EQ(j["ociVersion"], "1.0.2");
    EXPECT_EQ(j["id"], "c");
    EXPECT_EQ(j["status"], "created");
    EXPECT_EQ(j["pid"], 42);
    EXPECT_EQ(j["bundle"], "/b");
    EXPECT_EQ(j["annotations"]["k"], "v");
    EXPECT_FALSE(j.contains("exitStatus"));
    auto stopped = nlohmann::json::parse(oci_state_json(r, Status::stopped, ExitStatus{3, 0}));
    EXPECT_EQ(stopped["status"], "stopped");
    EXPECT_EQ(stopped["exitStatus"], 3);
}

TEST(RunncCgroup, SharesToWeight) {
    EXPECT_EQ(shares_to_weight(2), 1u);
    EXPECT_EQ(shares_to_weight(1024), 39u);
    EXPECT_EQ(shares_to_weight(262144), 10000u);
}

TEST(RunncImage, OnlyNablaUnikernelsRun) {
    auto bytes = [](const std::string& path) {
        std::ifstream f(path, std::ios::binary);
        std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        std::vector<std::byte> out(s.size());
        std::memcpy(out.data(), s.data(), s.size());
        return out;
    };
    auto ok = check_unikernel(bytes(std::string(NABLA_BIN_DIR) + "/runnc-probe.nabla"), "/p");
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_TRUE(ok->devices.empty());
    auto host = check_unikernel(bytes("/bin/true"), "/bin/true in the rootfs");
    ASSERT_FALSE(host);
    EXPECT_EQ(host.error().code, Exit::config);
    EXPECT_TRUE(host.error().message.starts_with("process.args[0]: /bin/true in the rootfs is not a nabla unikernel: "))
        << host.error().message;
    auto script = check_unikernel(std::vector<std::byte>(64, std::byte{'#'}), "/s");
    ASSERT_FALSE(script);
    EXPECT_EQ(script.error().message, "process.args[0]: /s is not a nabla unikernel: not an ELF file (bad magic)");
}

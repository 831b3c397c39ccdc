#include "cli.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <csignal>
#include <fmt/format.h>
#include <functional>
#include <optional>

namespace nabla::runnc {
namespace {

// One flag: --NAME VALUE, --NAME=VALUE, or -S VALUE; booleans take no value
// (or =true, =false).
struct Flag {
    std::string_view name;
    char short_name; // 0: none
    std::string_view value_help; // empty: a boolean flag
    std::string_view help;
    std::function<Result<void>(Invocation&, std::string_view value)> apply;
};

struct CommandSpec {
    Command command;
    std::string_view name;
    std::string_view args_help;
    size_t min_args, max_args;
    std::string_view help;
    std::vector<Flag> flags;
    std::string_view refusal; // not empty: the command is refused with this
};

Result<bool> parse_bool(std::string_view flag, std::string_view v) {
    if (v.empty() || v == "true") return true;
    if (v == "false") return false;
    return fail(Exit::usage, fmt::format("--{}: '{}' is neither true nor false", flag, v));
}

template <bool CommandOptions::*field>
Flag bool_flag(std::string_view name, char short_name, std::string_view help) {
    return {name, short_name, "", help, [name](Invocation& inv, std::string_view v) -> Result<void> {
                auto b = parse_bool(name, v);
                if (!b) return std::unexpected(b.error());
                inv.options.*field = *b;
                return {};
            }};
}

template <std::string CommandOptions::*field>
Flag string_flag(std::string_view name, char short_name, std::string_view value_help, std::string_view help) {
    return {name, short_name, value_help, help, [name](Invocation& inv, std::string_view v) -> Result<void> {
                if (v.empty()) return fail(Exit::usage, fmt::format("--{} needs a value", name));
                inv.options.*field = v;
                return {};
            }};
}

Flag refused_flag(std::string_view name, std::string_view value_help, std::string_view why) {
    return {name, 0, value_help, "refused: not supported yet",
            [name, why](Invocation&, std::string_view) -> Result<void> {
                return fail(Exit::unsupported, fmt::format("--{}: {}", name, why));
            }};
}

Flag format_flag() {
    return {"format", 'f', "table|json", "output format", [](Invocation& inv, std::string_view v) -> Result<void> {
                if (v != "table" && v != "json")
                    return fail(Exit::usage, fmt::format("--format: '{}' is neither table nor json", v));
                inv.options.json = v == "json";
                return {};
            }};
}

// A size in bytes, as runc update takes it: 268435456, 256m, 1g; -1: no limit.
Result<int64_t> parse_bytes(std::string_view flag, std::string_view v) {
    if (v == "-1") return -1;
    int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    std::string_view suffix(end, static_cast<size_t>(v.data() + v.size() - end));
    int64_t unit = suffix.empty() || suffix == "b" ? 1
                   : suffix == "k" || suffix == "K" ? 1 << 10
                   : suffix == "m" || suffix == "M" ? 1 << 20
                   : suffix == "g" || suffix == "G" ? 1 << 30
                                                    : 0;
    if (ec != std::errc{} || end == v.data() || n < 0 || unit == 0 || n > INT64_MAX / unit)
        return fail(Exit::usage, fmt::format("--{}: '{}' is not a size in bytes (or with k, m, g)", flag, v));
    return n * unit;
}

Result<int64_t> parse_count(std::string_view flag, std::string_view v) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || end != v.data() + v.size() || v.empty() || n < -1)
        return fail(Exit::usage, fmt::format("--{}: '{}' is not a number", flag, v));
    return n;
}

template <auto Resources::*field, bool bytes>
Flag resource_flag(std::string_view name, std::string_view value_help, std::string_view help) {
    return {name, 0, value_help, help, [name](Invocation& inv, std::string_view v) -> Result<void> {
                auto n = bytes ? parse_bytes(name, v) : parse_count(name, v);
                if (!n) return std::unexpected(n.error());
                if constexpr (bytes) {
                    if (*n != -1 && *n < min_memory_bytes)
                        return fail(Exit::usage, fmt::format("--{}: {} bytes is below the {} MiB a nabla guest needs",
                                                             name, *n, min_memory_bytes >> 20));
                }
                using T = typename std::remove_reference_t<decltype(inv.options.resources.*field)>::value_type;
                if (std::is_unsigned_v<T> && *n < 0)
                    return fail(Exit::usage, fmt::format("--{}: '{}' is not a positive number", name, v));
                inv.options.resources.*field = static_cast<T>(*n);
                return {};
            }};
}

const std::vector<Flag>& global_flags() {
    static const std::vector<Flag> table = {
        {"root", 0, "DIR", "where container state lives (default /run/runnc)",
         [](Invocation& inv, std::string_view v) -> Result<void> {
             if (!v.starts_with('/')) return fail(Exit::usage, fmt::format("--root: '{}' is not an absolute path", v));
             inv.global.root = v;
             return {};
         }},
        {"log", 0, "FILE", "also write errors (and --debug lines) to FILE",
         [](Invocation& inv, std::string_view v) -> Result<void> {
             if (v.empty()) return fail(Exit::usage, "--log needs a file");
             inv.global.log_path = v;
             return {};
         }},
        {"log-format", 0, "text|json", "format of the --log lines (default text)",
         [](Invocation& inv, std::string_view v) -> Result<void> {
             if (v != "text" && v != "json")
                 return fail(Exit::usage, fmt::format("--log-format: '{}' is neither text nor json", v));
             inv.global.log_format = v == "json" ? LogFormat::json : LogFormat::text;
             return {};
         }},
        {"debug", 0, "", "log each step",
         [](Invocation& inv, std::string_view v) -> Result<void> {
             auto b = parse_bool("debug", v);
             if (!b) return std::unexpected(b.error());
             inv.global.debug = *b;
             return {};
         }},
        {"systemd-cgroup", 0, "", "refused: runnc manages cgroups itself (cgroupfs)",
         [](Invocation&, std::string_view v) -> Result<void> {
             if (v == "false") return {};
             return fail(Exit::unsupported, "--systemd-cgroup: the systemd cgroup manager is not supported; configure "
                                            "the engine to use cgroupfs (podman: cgroup_manager = \"cgroupfs\")");
         }},
        {"help", 'h', "", "show this help", [](Invocation& inv, std::string_view) -> Result<void> {
             inv.help = true;
             return {};
         }},
        {"version", 'v', "", "show the version", [](Invocation& inv, std::string_view) -> Result<void> {
             inv.version = true;
             return {};
         }},
    };
    return table;
}

constexpr std::string_view console_why = "terminals (-t) are not supported yet: run the container without one";

// Flags create and run share.
std::vector<Flag> create_flags() {
    return {
        string_flag<&CommandOptions::bundle>("bundle", 'b', "DIR", "the bundle: config.json and the rootfs (default: .)"),
        string_flag<&CommandOptions::pid_file>("pid-file", 0, "FILE", "write the container's pid to FILE"),
        refused_flag("console-socket", "PATH", console_why),
        {"no-pivot", 0, "", "ignored: runnc always pivots into the container's minimal root",
         [](Invocation&, std::string_view) -> Result<void> { return {}; }},
        {"no-new-keyring", 0, "", "ignored: runnc creates no session keyring",
         [](Invocation&, std::string_view) -> Result<void> { return {}; }},
        {"preserve-fds", 0, "N", "refused unless 0: the tender hands the guest no other fds",
         [](Invocation&, std::string_view v) -> Result<void> {
             if (v == "0") return {};
             return fail(Exit::unsupported, "--preserve-fds: a nabla guest cannot use inherited fds");
         }},
    };
}

const std::vector<CommandSpec>& commands() {
    static const std::vector<CommandSpec> table = [] {
        std::vector<CommandSpec> t = {
            {Command::create, "create", "ID", 1, 1, "create a container from a bundle; it waits for start", create_flags(), {}},
            {Command::start, "start", "ID", 1, 1, "start the unikernel of a created container", {}, {}},
            {Command::state, "state", "ID", 1, 1, "print the container's state as OCI state JSON", {}, {}},
            {Command::kill, "kill", "ID [SIGNAL]", 1, 2, "send SIGNAL (default TERM) to the container",
             {bool_flag<&CommandOptions::all>("all", 'a', "send it to every process of the container")}, {}},
            {Command::del, "delete", "ID", 1, 1, "delete a stopped container and everything it holds",
             {bool_flag<&CommandOptions::force>("force", 'f', "kill the container first if it runs")}, {}},
            {Command::run, "run", "ID", 1, 1, "create and start a container, and wait for it unless --detach",
             [] {
                 auto f = create_flags();
                 f.push_back(bool_flag<&CommandOptions::detach>("detach", 'd', "return once it runs"));
                 return f;
             }(),
             {}},
            {Command::list, "list", "", 0, 0, "list the containers under --root",
             {format_flag(), bool_flag<&CommandOptions::quiet>("quiet", 'q', "print the IDs only")}, {}},
            {Command::ps, "ps", "ID", 1, 1, "list the processes of the container (host pids)", {format_flag()}, {}},
            {Command::features, "features", "", 0, 0, "print what runnc supports, as OCI features JSON", {}, {}},
            {Command::spec, "spec", "", 0, 0, "write a config.json template for a nabla bundle",
             {string_flag<&CommandOptions::bundle>("bundle", 'b', "DIR", "write it into DIR (default: .)")}, {}},
            {Command::pause, "pause", "ID", 1, 1, "freeze the container (cgroup freezer)", {}, {}},
            {Command::resume, "resume", "ID", 1, 1, "thaw a paused container", {}, {}},
            {Command::update, "update", "ID", 1, 1, "change the container's cgroup limits",
             {string_flag<&CommandOptions::resources_file>("resources", 'r', "FILE",
                                                           "linux.resources JSON from FILE ('-': stdin)"),
              resource_flag<&Resources::memory_limit, true>("memory", "BYTES", "memory limit (k, m, g suffixes)"),
              resource_flag<&Resources::memory_reservation, true>("memory-reservation", "BYTES", "memory soft limit"),
              resource_flag<&Resources::memory_swap, true>("memory-swap", "BYTES", "memory plus swap limit"),
              resource_flag<&Resources::pids_limit, false>("pids-limit", "N", "most processes"),
              resource_flag<&Resources::cpu_shares, false>("cpu-shares", "N", "relative CPU weight"),
              resource_flag<&Resources::cpu_quota, false>("cpu-quota", "USEC", "CPU time per period"),
              resource_flag<&Resources::cpu_period, false>("cpu-period", "USEC", "CPU period")},
             {}},
            {Command::exec, "exec", "ID ...", 0, SIZE_MAX, "refused", {},
             "a nabla container runs one unikernel; there is nothing to exec into"},
        };
        return t;
    }();
    return table;
}

// Applies the flag at argv[i], advancing i past a separate value.
Result<bool> apply_flag(const std::vector<Flag>& flags, const std::vector<std::string>& argv, size_t& i,
                        Invocation& inv, std::string_view scope) {
    std::string_view arg = argv[i];
    const Flag* flag = nullptr;
    std::optional<std::string_view> value;
    if (arg.starts_with("--")) {
        auto body = arg.substr(2);
        auto eq = body.find('=');
        auto name = body.substr(0, eq);
        if (eq != std::string_view::npos) value = body.substr(eq + 1);
        auto it = std::ranges::find(flags, name, &Flag::name);
        if (it != flags.end()) flag = &*it;
    } else if (arg.size() == 2 && arg[0] == '-') {
        auto it = std::ranges::find(flags, arg[1], &Flag::short_name);
        if (it != flags.end()) flag = &*it;
    }
    if (!flag) {
        auto see = scope.empty() ? std::string("runnc --help") : fmt::format("runnc {} --help", scope);
        return fail(Exit::usage, fmt::format("{}{}unknown flag '{}' (see {})", scope, scope.empty() ? "" : ": ", arg, see));
    }
    if (!flag->value_help.empty() && !value) {
        if (i + 1 >= argv.size())
            return fail(Exit::usage, fmt::format("--{} needs a value: --{} {}", flag->name, flag->name, flag->value_help));
        value = argv[++i];
    }
    if (auto ok = flag->apply(inv, value.value_or("")); !ok) return std::unexpected(ok.error());
    return true;
}

bool looks_like_flag(std::string_view arg) { return arg.size() > 1 && arg[0] == '-'; }

} // namespace

Result<Invocation> parse_cli(const std::vector<std::string>& argv, GlobalOptions& globals) {
    Invocation inv;
    size_t i = 1;
    for (; i < argv.size() && looks_like_flag(argv[i]); i++) {
        auto ok = apply_flag(global_flags(), argv, i, inv, "");
        globals = inv.global;
        if (!ok) return std::unexpected(ok.error());
    }
    if (inv.help || inv.version) return inv;
    if (i >= argv.size()) return fail(Exit::usage, "no command given (see runnc --help)");
    auto spec = std::ranges::find(commands(), std::string_view(argv[i]), &CommandSpec::name);
    if (spec == commands().end())
        return fail(Exit::usage, fmt::format("unknown command '{}' (see runnc --help)", argv[i]));
    inv.command = spec->command;
    inv.command_name = spec->name;
    if (!spec->refusal.empty()) return fail(Exit::unsupported, fmt::format("{}: {}", spec->name, spec->refusal));
    bool only_args = false;
    for (i++; i < argv.size(); i++) {
        std::string_view arg = argv[i];
        if (!only_args && arg == "--") {
            only_args = true;
        } else if (!only_args && (arg == "--help" || arg == "-h")) {
            inv.help = true;
            return inv;
        } else if (!only_args && looks_like_flag(arg)) {
            if (auto ok = apply_flag(spec->flags, argv, i, inv, spec->name); !ok) return std::unexpected(ok.error());
        } else {
            inv.args.emplace_back(arg);
        }
    }
    if (inv.args.size() < spec->min_args || inv.args.size() > spec->max_args)
        return fail(Exit::usage, fmt::format("{}: expects {}{} (see runnc {} --help)", spec->name,
                                             spec->args_help.empty() ? "no arguments" : spec->args_help,
                                             inv.args.size() < spec->min_args ? "" : fmt::format(", got {} arguments", inv.args.size()),
                                             spec->name));
    if (spec->args_help.starts_with("ID"))
        if (auto ok = check_container_id(inv.args[0]); !ok) return std::unexpected(ok.error());
    return inv;
}

std::string usage_text() {
    std::string out =
        "usage: runnc [GLOBAL FLAGS] COMMAND [FLAGS] [ARGS]\n"
        "The OCI runtime for nabla containers: each container is one unikernel run by nabla-run.\n\n"
        "commands:\n";
    for (const auto& c : commands())
        out += fmt::format("  {:<34} {}\n", fmt::format("{} {}", c.name, c.args_help),
                           c.refusal.empty() ? c.help : c.refusal);
    out += "\nglobal flags:\n";
    for (const auto& f : global_flags())
        out += fmt::format("  {:<34} {}\n", fmt::format("--{}{}{}", f.name, f.value_help.empty() ? "" : " ", f.value_help),
                           f.help);
    out += "\nexit status: 0 success; 1 the container is in the wrong state; 64 bad command line;\n"
           "65 invalid config.json or args[0] not a nabla unikernel; 66 bundle, rootfs or args[0] not found;\n"
           "67 no such container; 69 not supported; 70 a hook failed; 71 host error; 73 the ID exists.\n"
           "run (without --detach) exits with the container's status once the guest has started.\n";
    return out;
}

std::string command_usage(std::string_view command) {
    auto c = std::ranges::find(commands(), command, &CommandSpec::name);
    if (c == commands().end()) return usage_text();
    std::string out = fmt::format("usage: runnc {} [FLAGS] {}\n{}\n", c->name, c->args_help,
                                  c->refusal.empty() ? c->help : c->refusal);
    if (!c->flags.empty()) out += "\nflags:\n";
    for (const auto& f : c->flags)
        out += fmt::format("  {:<34} {}\n",
                           fmt::format("{}--{}{}{}", f.short_name ? fmt::format("-{}, ", f.short_name) : "", f.name,
                                       f.value_help.empty() ? "" : " ", f.value_help),
                           f.help);
    return out;
}

namespace {
struct SignalName {
    std::string_view name;
    int number;
};
constexpr SignalName signal_names[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT},   {"ILL", SIGILL},     {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"IOT", SIGIOT},     {"BUS", SIGBUS},     {"FPE", SIGFPE},     {"KILL", SIGKILL},
    {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},
    {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},   {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},   {"URG", SIGURG},     {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
    {"PWR", SIGPWR},   {"SYS", SIGSYS},
};
} // namespace

Result<int> parse_signal(std::string_view text) {
    int n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc{} && end == text.data() + text.size() && !text.empty()) {
        if (n < 1 || n > SIGRTMAX) return fail(Exit::usage, fmt::format("kill: {} is not a signal number", text));
        return n;
    }
    std::string_view name = text;
    if (name.starts_with("SIG")) name.remove_prefix(3);
    auto it = std::ranges::find(signal_names, name, &SignalName::name);
    if (it == std::end(signal_names)) return fail(Exit::usage, fmt::format("kill: '{}' is not a signal", text));
    return it->number;
}

Result<void> check_container_id(std::string_view id) {
    auto ok_char = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
               c == '-';
    };
    bool valid = !id.empty() && id.size() <= 1024 && std::isalnum(static_cast<unsigned char>(id[0])) &&
                 std::ranges::all_of(id, ok_char);
    if (!valid)
        return fail(Exit::usage, fmt::format("'{}' is not a container ID ([A-Za-z0-9][A-Za-z0-9_.-]*)", id));
    if (id == "images") return fail(Exit::usage, "'images' is not a container ID: runnc keeps its image cache there");
    return {};
}

} // namespace nabla::runnc

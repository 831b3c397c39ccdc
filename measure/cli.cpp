#include "cli.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <functional>
#include <string_view>

namespace hap {
namespace {

constexpr int quick_runs = 1;
constexpr size_t quick_buffer_kb = 8192;

struct Flag {
    std::string_view name;
    std::string_view value_help; // empty: takes no value
    std::string_view help;
    std::function<Result<void>(Options&, std::string_view value)> apply;
};

Result<uint64_t> number(std::string_view text, std::string_view flag, uint64_t lo, uint64_t hi) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || v < lo || v > hi)
        return fail(Exit::usage, fmt::format("{}: '{}' is not a number in {}..{}", flag, text, lo, hi));
    return v;
}

const std::vector<Flag>& flags() {
    static const std::vector<Flag> table = {
        {"--quick", "", "one run with a small trace buffer (for CI)",
         [](Options& o, std::string_view) -> Result<void> {
             o.measure.runs = quick_runs;
             o.measure.buffer_kb = quick_buffer_kb;
             return {};
         }},
        {"--runs", "N", "run the workload N times (default 3); counts are mean ± stddev",
         [](Options& o, std::string_view v) -> Result<void> {
             auto n = number(v, "--runs", 1, 1000);
             if (!n) return std::unexpected(n.error());
             o.measure.runs = static_cast<int>(*n);
             return {};
         }},
        {"--buffer-kb", "KiB", "trace buffer per CPU (default 65536)",
         [](Options& o, std::string_view v) -> Result<void> {
             auto n = number(v, "--buffer-kb", 64, 4u << 20);
             if (!n) return std::unexpected(n.error());
             o.measure.buffer_kb = *n;
             return {};
         }},
        {"--json", "FILE", "also write the results as JSON to FILE",
         [](Options& o, std::string_view v) -> Result<void> {
             o.json_file = v;
             return {};
         }},
        {"--csv", "FILE", "also write one row per syscall as CSV to FILE",
         [](Options& o, std::string_view v) -> Result<void> {
             o.csv_file = v;
             return {};
         }},
        {"--help", "", "this text",
         [](Options& o, std::string_view) -> Result<void> {
             o.help = true;
             return {};
         }},
    };
    return table;
}

} // namespace

std::string usage_text() {
    std::string out = "usage: nabla-hap [OPTIONS] -- COMMAND [ARGS...]\n"
                      "Measures the host kernel surface of COMMAND and every task it starts:\n"
                      "the syscalls its seccomp filters allow and the syscalls it makes. Needs root.\n\n";
    for (const auto& f : flags()) {
        std::string name = f.value_help.empty() ? std::string(f.name) : fmt::format("{} {}", f.name, f.value_help);
        out += fmt::format("  {:<18} {}\n", name, f.help);
    }
    return out;
}

Result<Options> parse_cli(const std::vector<std::string>& args) {
    Options o;
    size_t i = 1;
    for (; i < args.size(); i++) {
        std::string_view a = args[i];
        if (a == "--") {
            i++;
            break;
        }
        std::string_view name = a.substr(0, a.find('='));
        auto f = std::ranges::find(flags(), name, &Flag::name);
        if (f == flags().end()) {
            if (!a.starts_with("-")) break; // the command starts here
            return fail(Exit::usage, fmt::format("unknown option '{}' (see --help)", a));
        }
        std::string_view value;
        if (!f->value_help.empty()) {
            if (a.size() > name.size()) value = a.substr(name.size() + 1);
            else if (i + 1 < args.size()) value = args[++i];
            else return fail(Exit::usage, fmt::format("{} needs {}", name, f->value_help));
        } else if (a.size() > name.size()) {
            return fail(Exit::usage, fmt::format("{} takes no value", name));
        }
        if (auto ok = f->apply(o, value); !ok) return std::unexpected(ok.error());
    }
    if (o.help) return o;
    o.measure.command.assign(args.begin() + static_cast<long>(std::min(i, args.size())), args.end());
    if (o.measure.command.empty()) return fail(Exit::usage, "no command to measure: nabla-hap [OPTIONS] -- COMMAND");
    return o;
}

} // namespace hap

#include "report.hpp"

#include "syscall_table.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

namespace hap {
namespace {

constexpr std::string_view kernel_functions_note =
    "not measured (ftrace function tracer is refused under lockdown; stacktrace/perf methods not implemented yet)";
constexpr std::string_view used_method = "raw_syscalls/sys_enter trace events, pid-filtered with event-fork (exact)";
constexpr std::string_view allowed_method =
    "seccomp filters read with PTRACE_SECCOMP_GET_FILTER at each task's exit, evaluated by a BPF interpreter "
    "over every syscall number, arguments searched over the filter's constants";

struct Stat {
    double mean = 0, sd = 0;
};

Stat stat(const std::vector<double>& xs) {
    Stat s;
    if (xs.empty()) return s;
    for (double x : xs) s.mean += x;
    s.mean /= static_cast<double>(xs.size());
    if (xs.size() > 1) {
        double sq = 0;
        for (double x : xs) sq += (x - s.mean) * (x - s.mean);
        s.sd = std::sqrt(sq / static_cast<double>(xs.size() - 1));
    }
    return s;
}

Stat over_runs(const Measurement& m, const std::function<double(const RunResult&)>& f) {
    std::vector<double> xs;
    for (const auto& r : m.runs) xs.push_back(f(r));
    return stat(xs);
}

std::string show(Stat s, size_t runs) {
    if (runs <= 1) return fmt::format("{:.0f}", s.mean);
    return fmt::format("{:.1f} ± {:.1f}", s.mean, s.sd);
}

// Every syscall number used in any run.
std::vector<long> used_numbers(const Measurement& m) {
    std::set<long> nrs;
    for (const auto& r : m.runs)
        for (const auto& [nr, c] : r.usage.counts) nrs.insert(nr);
    return {nrs.begin(), nrs.end()};
}

uint64_t count_of(const RunResult& r, long nr, uint64_t (*pick)(const SyscallCount&)) {
    auto it = r.usage.counts.find(nr);
    return it == r.usage.counts.end() ? 0 : pick(it->second);
}

uint64_t pick_total(const SyscallCount& c) { return c.total(); }
uint64_t pick_before(const SyscallCount& c) { return c.before_filter; }
uint64_t pick_under(const SyscallCount& c) { return c.under_filter; }

double distinct(const RunResult& r, bool under_only) {
    return static_cast<double>(std::ranges::count_if(r.usage.counts, [&](const auto& kv) {
        return under_only ? kv.second.under_filter > 0 : kv.second.total() > 0;
    }));
}

bool any_filter(const Measurement& m) {
    return std::ranges::any_of(m.runs, [](const RunResult& r) { return r.usage.filter_installed; });
}

std::string exit_text(int st) {
    if (WIFEXITED(st)) return fmt::format("exited {}", WEXITSTATUS(st));
    if (WIFSIGNALED(st)) return fmt::format("killed by signal {}", WTERMSIG(st));
    return "ended";
}

std::string_view reach_text(Reach r) {
    switch (r) {
    case Reach::never: return "never";
    case Reach::some_args: return "some args";
    case Reach::any_args: return "any args";
    case Reach::unknown: return "unknown (search budget)";
    }
    return "";
}

uint64_t lost_total(const Measurement& m) {
    uint64_t lost = 0;
    for (const auto& r : m.runs) lost += r.lost;
    return lost;
}

} // namespace

std::string format_text(const Measurement& m) {
    std::string out;
    auto line = [&](std::string s) { out += s + "\n"; };
    std::string cmd;
    for (const auto& a : m.command) cmd += (cmd.empty() ? "" : " ") + a;
    size_t runs = m.runs.size();
    line(fmt::format("nabla-hap: {} ({} run{})", cmd, runs, runs == 1 ? "" : "s"));
    std::set<std::string> exits;
    for (const auto& r : m.runs) exits.insert(exit_text(r.workload.wait_status));
    for (const auto& e : exits) line(fmt::format("workload: {}", e));

    const auto& s = m.surface;
    line("");
    line("allowed surface (seccomp filters of the workload's tasks, read at exit)");
    std::map<std::string, int> unfiltered; // by comm
    for (const auto& u : s.unfiltered) unfiltered[u.substr(0, u.rfind(" ("))]++;
    for (const auto& [comm, n] : unfiltered)
        line(fmt::format("  {} ({} task{}): no seccomp filter", comm, n, n == 1 ? "" : "s"));
    for (const auto& st : s.stacks) {
        std::string sizes;
        for (const auto& f : st.filters) sizes += fmt::format("{}{}", sizes.empty() ? "" : "+", f.size());
        line(fmt::format("  {} ({} task{}): {}", st.comm, st.tids.size(), st.tids.size() == 1 ? "" : "s",
                         st.mode == 1 ? std::string("strict mode")
                                      : fmt::format("{} filter{} ({} BPF instructions)", st.filters.size(),
                                                    st.filters.size() == 1 ? "" : "s", sizes)));
    }
    for (const auto& p : s.problems) line(fmt::format("  not read: {}", p));
    int named = static_cast<int>(syscall_table().size());
    if (s.all_allowed()) {
        line(fmt::format("  allowed: all ({} named x86_64 syscalls, and the i386 and x32 ABIs): a task runs with no filter",
                         named));
    } else if (s.stacks.empty()) {
        line("  allowed: not measured (no task's seccomp state could be read)");
    } else {
        line(fmt::format("  allowed: {} of {} named x86_64 syscalls{}", s.allowed_named(), named,
                         s.allowed_unnamed() ? fmt::format(", and {} unnamed numbers", s.allowed_unnamed()) : ""));
        for (const auto& v : s.union_x86_64)
            if (v.reach != Reach::never)
                line(fmt::format("    {:>4} {:<24} {}", v.nr, syscall_label(v.nr), reach_text(v.reach)));
        line(fmt::format("  never, whatever the arguments: {} named x86_64 syscalls", named - s.allowed_named()));
        line(fmt::format("  i386 ABI (int 0x80): {} numbers pass; x32 ABI: {} numbers pass", s.union_i386, s.union_x32));
    }
    if (!m.surface_same_every_run) line("  warning: the allowed surface differed between runs; shown: the last run");

    line("");
    uint64_t lost = lost_total(m);
    bool filtered = any_filter(m);
    line(fmt::format("used syscalls (raw_syscalls/sys_enter, exact{})",
                     lost ? fmt::format("; {} EVENTS LOST: counts are lower bounds, raise --buffer-kb", lost)
                          : "; no events lost"));
    line(fmt::format("  distinct: {}{}", show(over_runs(m, [](auto& r) { return distinct(r, false); }), runs),
                     filtered ? fmt::format(" (under the filter: {})",
                                            show(over_runs(m, [](auto& r) { return distinct(r, true); }), runs))
                              : ""));
    line(fmt::format("  tasks: {}", show(over_runs(m, [](auto& r) { return double(r.usage.tasks); }), runs)));
    if (filtered) line(fmt::format("  {:>4} {:<24} {:>14} {:>14} {:>14}", "nr", "syscall", "count", "before filter",
                                   "under filter"));
    else line(fmt::format("  {:>4} {:<24} {:>14}", "nr", "syscall", "count"));
    for (long nr : used_numbers(m)) {
        auto col = [&](uint64_t (*pick)(const SyscallCount&)) {
            return show(over_runs(m, [&](auto& r) { return double(count_of(r, nr, pick)); }), runs);
        };
        std::string name = syscall_label(static_cast<int>(nr));
        if (filtered)
            line(fmt::format("  {:>4} {:<24} {:>14} {:>14} {:>14}", nr, name, col(pick_total), col(pick_before),
                             col(pick_under)));
        else line(fmt::format("  {:>4} {:<24} {:>14}", nr, name, col(pick_total)));
    }
    if (!filtered) line("  start-up vs steady state: no task installed a seccomp filter, so no split");
    line("");
    line(fmt::format("kernel functions: {}", kernel_functions_note));
    return out;
}

std::string format_json(const Measurement& m) {
    using nlohmann::json;
    const auto& s = m.surface;
    size_t runs = m.runs.size();
    json j;
    j["command"] = m.command;
    j["runs"] = runs;
    json exits = json::array();
    for (const auto& r : m.runs) exits.push_back(exit_text(r.workload.wait_status));
    j["workload_exit"] = exits;

    json allowed;
    allowed["method"] = allowed_method;
    allowed["unfiltered_tasks"] = s.unfiltered;
    allowed["problems"] = s.problems;
    allowed["same_every_run"] = m.surface_same_every_run;
    if (s.all_allowed()) {
        allowed["all"] = true;
        allowed["count"] = nullptr;
    } else if (s.stacks.empty()) {
        allowed["all"] = nullptr;
        allowed["count"] = nullptr;
        allowed["not_measured"] = "no task's seccomp state could be read";
    } else {
        allowed["all"] = false;
        allowed["count"] = s.allowed_named();
        allowed["unnamed_count"] = s.allowed_unnamed();
        json list = json::array();
        for (const auto& v : s.union_x86_64)
            if (v.reach != Reach::never)
                list.push_back({{"nr", v.nr}, {"name", syscall_label(v.nr)}, {"reach", reach_text(v.reach)}});
        allowed["syscalls"] = list;
        allowed["i386_passing"] = s.union_i386;
        allowed["x32_passing"] = s.union_x32;
        json stacks = json::array();
        for (const auto& st : s.stacks) {
            json sizes = json::array();
            for (const auto& f : st.filters) sizes.push_back(f.size());
            stacks.push_back({{"comm", st.comm}, {"tasks", st.tids.size()}, {"mode", st.mode},
                              {"filter_instructions", sizes}});
        }
        allowed["filter_stacks"] = stacks;
    }
    j["allowed"] = allowed;

    json used;
    used["method"] = used_method;
    used["lost_events"] = lost_total(m);
    used["filter_installed"] = any_filter(m);
    auto dist = over_runs(m, [](auto& r) { return distinct(r, false); });
    auto dist_under = over_runs(m, [](auto& r) { return distinct(r, true); });
    used["distinct"] = {{"mean", dist.mean}, {"sd", dist.sd}};
    used["distinct_under_filter"] = {{"mean", dist_under.mean}, {"sd", dist_under.sd}};
    json list = json::array();
    for (long nr : used_numbers(m)) {
        auto col = [&](uint64_t (*pick)(const SyscallCount&)) {
            auto st = over_runs(m, [&](auto& r) { return double(count_of(r, nr, pick)); });
            return json{{"mean", st.mean}, {"sd", st.sd}};
        };
        list.push_back({{"nr", nr}, {"name", syscall_label(static_cast<int>(nr))}, {"count", col(pick_total)},
                        {"before_filter", col(pick_before)}, {"under_filter", col(pick_under)}});
    }
    used["syscalls"] = list;
    j["used"] = used;
    j["kernel_functions"] = {{"measured", false}, {"why", kernel_functions_note}};
    return j.dump(2) + "\n";
}

std::string format_csv(const Measurement& m) {
    std::string out = "nr,name,allowed,count_mean,count_sd,before_filter_mean,under_filter_mean\n";
    const auto& s = m.surface;
    std::set<long> nrs;
    for (long nr : used_numbers(m)) nrs.insert(nr);
    for (const auto& v : s.union_x86_64)
        if (reaches(v.reach)) nrs.insert(v.nr);
    for (long nr : nrs) {
        bool evaluated = !s.stacks.empty() && nr >= 0 && nr < static_cast<long>(s.union_x86_64.size());
        std::string allowed = s.all_allowed() ? "all"
                              : evaluated   ? std::string(reach_text(s.union_x86_64[static_cast<size_t>(nr)].reach))
                                            : "unknown";
        auto mean = [&](uint64_t (*pick)(const SyscallCount&)) {
            return over_runs(m, [&](auto& r) { return double(count_of(r, nr, pick)); });
        };
        auto total = mean(pick_total);
        out += fmt::format("{},{},{},{:.3f},{:.3f},{:.3f},{:.3f}\n", nr, syscall_label(static_cast<int>(nr)), allowed,
                           total.mean, total.sd, mean(pick_before).mean, mean(pick_under).mean);
    }
    return out;
}

} // namespace hap

#include "measurement.hpp"

#include "trace_session.hpp"

#include <unistd.h>

#include <fmt/format.h>

namespace hap {
namespace {

Result<RunResult> measure_once(const std::string& tracefs, const MeasureOptions& o, int index) {
    auto session = TraceSession::open(tracefs, std::to_string(index), o.buffer_kb);
    if (!session) return std::unexpected(session.error());
    auto run = run_workload(o.command, [&](pid_t pid) { return session->start(pid); });
    if (!run) return std::unexpected(run.error());
    if (auto ok = session->stop(); !ok) return std::unexpected(ok.error());
    auto lost = session->lost_events();
    if (!lost) return std::unexpected(lost.error());
    auto text = session->contents();
    if (!text) return std::unexpected(text.error());
    auto usage = count_syscalls(*text, run->pid);
    if (!usage) return std::unexpected(usage.error());
    return RunResult{std::move(*run), *usage, *lost + usage->lost};
}

bool same_surface(const AllowedSurface& a, const AllowedSurface& b) {
    if (a.all_allowed() != b.all_allowed()) return false;
    for (size_t i = 0; i < a.union_x86_64.size() && i < b.union_x86_64.size(); i++)
        if (reaches(a.union_x86_64[i].reach) != reaches(b.union_x86_64[i].reach)) return false;
    return a.union_x86_64.size() == b.union_x86_64.size();
}

} // namespace

Result<Measurement> measure(const MeasureOptions& o) {
    if (::geteuid() != 0)
        return fail(Exit::no_perm, "needs root: it records with tracefs and reads seccomp filters with ptrace "
                                   "(run it with sudo)");
    if (auto path = resolve_command(o.command.at(0)); !path) return std::unexpected(path.error());
    auto tracefs = find_tracefs();
    if (!tracefs) return std::unexpected(tracefs.error());
    Measurement m{o.command, {}, {}, true};
    for (int i = 0; i < o.runs; i++) {
        auto r = measure_once(*tracefs, o, i);
        if (!r) return std::unexpected(r.error());
        auto surface = summarize_surface(r->workload.tasks);
        if (!surface) return std::unexpected(surface.error());
        if (i > 0 && !same_surface(m.surface, *surface)) m.surface_same_every_run = false;
        m.surface = std::move(*surface);
        m.runs.push_back(std::move(*r));
    }
    return m;
}

} // namespace hap

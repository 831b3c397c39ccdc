#include "syscall_usage.hpp"

#include "syscall_table.hpp"
#include "trace_line.hpp"

#include <linux/seccomp.h>
#include <sys/prctl.h>

#include <set>
#include <unordered_map>

namespace hap {
namespace {

enum class Phase { stub, before_filter, under_filter };

struct Numbers {
    long execve = syscall_number("execve").value_or(-1);
    long execveat = syscall_number("execveat").value_or(-1);
    long seccomp = syscall_number("seccomp").value_or(-1);
    long prctl = syscall_number("prctl").value_or(-1);
};

// A call that installs a filter (or strict mode) when it returns 0.
bool installs_seccomp(const SysEnter& e, const Numbers& n) {
    if (e.nr == n.seccomp)
        return e.args[0] == SECCOMP_SET_MODE_STRICT || (e.args[0] == SECCOMP_SET_MODE_FILTER && e.args[2] != 0);
    if (e.nr == n.prctl)
        return e.args[0] == PR_SET_SECCOMP &&
               (e.args[1] == SECCOMP_MODE_STRICT || (e.args[1] == SECCOMP_MODE_FILTER && e.args[2] != 0));
    return false;
}

} // namespace

Result<Usage> count_syscalls(std::string_view text, int root_pid) {
    static const Numbers numbers;
    Usage usage;
    std::unordered_map<int, Phase> phase{{root_pid, Phase::stub}};
    std::set<int> tasks;
    std::unordered_map<int, long> installing; // pid -> the install call it is in
    for (size_t pos = 0; pos < text.size();) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        auto line = parse_trace_line(text.substr(pos, end - pos));
        pos = end + 1;
        if (!line) return std::unexpected(line.error());
        if (auto* lost = std::get_if<LostEvents>(&*line)) usage.lost += lost->count;
        if (auto* fork = std::get_if<ProcessFork>(&*line)) {
            auto parent = phase.find(fork->pid);
            phase[fork->child] = parent == phase.end() ? Phase::before_filter : parent->second;
        }
        if (auto* x = std::get_if<SysExit>(&*line)) {
            auto it = installing.find(x->pid);
            if (it != installing.end() && it->second == x->nr && x->ret == 0) {
                phase[x->pid] = Phase::under_filter;
                usage.filter_installed = true;
            }
            if (it != installing.end()) installing.erase(it);
            continue;
        }
        auto* e = std::get_if<SysEnter>(&*line);
        if (!e) continue;
        Phase& p = phase.try_emplace(e->pid, Phase::before_filter).first->second;
        if (p == Phase::stub) {
            if (e->nr != numbers.execve && e->nr != numbers.execveat) continue;
            p = Phase::before_filter;
        }
        tasks.insert(e->pid);
        auto& c = usage.counts[e->nr];
        (p == Phase::under_filter ? c.under_filter : c.before_filter)++;
        if (installs_seccomp(*e, numbers)) installing[e->pid] = e->nr;
    }
    usage.tasks = tasks.size();
    return usage;
}

} // namespace hap

#include "trace_line.hpp"

#include <charconv>
#include <fmt/format.h>

namespace hap {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

template <typename T>
bool number(std::string_view text, T& out, int base = 10) {
    text = trim(text);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
    return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

// "key=value" among space-separated fields.
bool keyed(std::string_view payload, std::string_view key, int& out) {
    for (size_t pos = 0; pos < payload.size();) {
        size_t end = payload.find(' ', pos);
        if (end == std::string_view::npos) end = payload.size();
        std::string_view item = payload.substr(pos, end - pos);
        pos = end + 1;
        if (item.size() > key.size() && item.starts_with(key) && item[key.size()] == '=')
            return number(item.substr(key.size() + 1), out);
    }
    return false;
}

std::unexpected<Error> not_understood(std::string_view line) {
    return fail(Exit::os_error, fmt::format("trace line not understood: '{}'", line));
}

Result<TraceLine> parse_sys_enter(int pid, std::string_view payload, std::string_view line) {
    // "NR 39 (0, 0, 0, 0, 0, 0)"
    if (!payload.starts_with("NR ")) return not_understood(line);
    size_t open = payload.find(" (");
    if (open == std::string_view::npos || payload.back() != ')') return not_understood(line);
    SysEnter e{pid, 0, {}};
    if (!number(payload.substr(3, open - 3), e.nr)) return not_understood(line);
    std::string_view args = payload.substr(open + 2, payload.size() - open - 3);
    for (size_t i = 0; i < 6; i++) {
        size_t comma = args.find(',');
        std::string_view one = args.substr(0, comma);
        if (!number(one, e.args[i], 16)) return not_understood(line);
        if ((comma == std::string_view::npos) != (i == 5)) return not_understood(line);
        if (comma != std::string_view::npos) args.remove_prefix(comma + 1);
    }
    return e;
}

Result<TraceLine> parse_sys_exit(int pid, std::string_view payload, std::string_view line) {
    // "NR 317 = 0"
    size_t eq = payload.find(" = ");
    SysExit e{pid, 0, 0};
    if (!payload.starts_with("NR ") || eq == std::string_view::npos || !number(payload.substr(3, eq - 3), e.nr) ||
        !number(payload.substr(eq + 3), e.ret))
        return not_understood(line);
    return e;
}

} // namespace

Result<TraceLine> parse_trace_line(std::string_view raw) {
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') return NoEvent{};

    // "CPU:1 [LOST 25 EVENTS]" (trace_pipe; `trace` shows it too after an overrun)
    if (size_t lost = line.find("[LOST "); lost != std::string_view::npos) {
        LostEvents l{-1, 0};
        size_t end = line.find(" EVENTS]", lost);
        if (end == std::string_view::npos || !number(line.substr(lost + 6, end - lost - 6), l.count))
            return not_understood(line);
        if (line.starts_with("CPU:")) number(line.substr(4, line.find(' ') - 4), l.cpu);
        return l;
    }

    // "COMM-PID [CPU] FLAGS TIMESTAMP: EVENT: PAYLOAD"; COMM may hold spaces and dashes,
    // so the task is everything before the " [CPU]" and the pid follows its last '-'.
    size_t cpu_open = line.find(" [");
    while (cpu_open != std::string_view::npos) {
        size_t close = line.find(']', cpu_open);
        int cpu;
        if (close != std::string_view::npos && number(line.substr(cpu_open + 2, close - cpu_open - 2), cpu)) break;
        cpu_open = line.find(" [", cpu_open + 1);
    }
    if (cpu_open == std::string_view::npos) return not_understood(line);
    std::string_view task = trim(line.substr(0, cpu_open));
    // With options/record-tgid: "COMM-PID (TGID)".
    if (task.ends_with(')')) task = trim(task.substr(0, task.rfind('(')));
    size_t dash = task.rfind('-');
    int pid;
    if (dash == std::string_view::npos || !number(task.substr(dash + 1), pid)) return not_understood(line);

    // The event name sits between the timestamp's ": " and the next ": ".
    size_t ts_end = line.find(": ", cpu_open);
    if (ts_end == std::string_view::npos) return not_understood(line);
    std::string_view rest = line.substr(ts_end + 2);
    size_t name_end = rest.find(": ");
    std::string_view name = rest.substr(0, name_end);
    std::string_view payload = name_end == std::string_view::npos ? std::string_view{} : trim(rest.substr(name_end + 2));
    if (name_end == std::string_view::npos && name.ends_with(':')) name.remove_suffix(1);

    if (name == "sys_enter") return parse_sys_enter(pid, payload, line);
    if (name == "sys_exit") return parse_sys_exit(pid, payload, line);
    if (name == "sched_process_fork") {
        ProcessFork f{0, 0};
        if (!keyed(payload, "pid", f.pid) || !keyed(payload, "child_pid", f.child)) return not_understood(line);
        return f;
    }
    return OtherEvent{};
}

} // namespace hap

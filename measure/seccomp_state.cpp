#include "seccomp_state.hpp"

#include <sys/ptrace.h>

#include <charconv>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

namespace hap {
namespace {

int field(std::string_view text, std::string_view key) {
    for (size_t pos = 0; pos < text.size();) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != ':') continue;
        line.remove_prefix(key.size() + 1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        int value = -1;
        auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), value);
        return ec == std::errc{} ? value : -1;
    }
    return -1;
}

} // namespace

SeccompStatus parse_seccomp_status(std::string_view proc_status) {
    return {field(proc_status, "Seccomp"), field(proc_status, "Seccomp_filters")};
}

Result<SeccompStatus> read_seccomp_status(pid_t tid) {
    std::string path = fmt::format("/proc/{}/status", tid);
    std::ifstream in(path);
    if (!in) return fail_errno(Exit::os_error, fmt::format("reading {}", path));
    std::stringstream text;
    text << in.rdbuf();
    return parse_seccomp_status(text.str());
}

Result<std::vector<BpfProgram>> fetch_filters(pid_t tid) {
    std::vector<BpfProgram> filters;
    for (unsigned long index = 0;; index++) {
        long count = ::ptrace(static_cast<__ptrace_request>(PTRACE_SECCOMP_GET_FILTER), tid, index, nullptr);
        if (count < 0 && errno == ENOENT) break; // past the oldest filter
        if (count < 0)
            return fail_errno(Exit::unavailable, fmt::format("PTRACE_SECCOMP_GET_FILTER of task {}", tid));
        BpfProgram prog(static_cast<size_t>(count));
        if (::ptrace(static_cast<__ptrace_request>(PTRACE_SECCOMP_GET_FILTER), tid, index, prog.data()) != count)
            return fail_errno(Exit::unavailable, fmt::format("PTRACE_SECCOMP_GET_FILTER of task {}", tid));
        filters.push_back(std::move(prog));
    }
    return filters;
}

} // namespace hap

#include "log.hpp"

#include "state.hpp"
#include "unique_fd.hpp"

#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace nabla::runnc::log {
namespace {

struct Sink {
    UniqueFd file;
    LogFormat format = LogFormat::text;
    bool debug = false;
};

Sink& sink() {
    static Sink s;
    return s;
}

void write_all(int fd, std::string_view s) {
    while (!s.empty()) {
        auto n = ::write(fd, s.data(), s.size());
        if (n <= 0) return; // a log that cannot be written is not worth failing for
        s.remove_prefix(static_cast<size_t>(n));
    }
}

void emit(std::string_view level, std::string_view message, bool to_stderr) {
    if (to_stderr) {
        auto line = level == "error" ? fmt::format("runnc: {}\n", message)
                                     : fmt::format("runnc: {}: {}\n", level, message);
        write_all(STDERR_FILENO, line);
    }
    if (sink().file.valid())
        write_all(sink().file.get(), format_line(sink().format, level, message, now_rfc3339()) + "\n");
}

} // namespace

Result<void> configure(const GlobalOptions& options) {
    sink().format = options.log_format;
    sink().debug = options.debug;
    if (options.log_path.empty()) return {};
    UniqueFd fd(::open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!fd.valid()) return fail_os(fmt::format("--log: cannot open {}", options.log_path));
    sink().file = std::move(fd);
    return {};
}

std::string format_line(LogFormat format, std::string_view level, std::string_view message, std::string_view time) {
    if (format == LogFormat::json)
        return nlohmann::json{{"level", level}, {"msg", message}, {"time", time}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace);
    // logrus quotes a value with %q: escape backslashes, quotes, newlines.
    std::string quoted;
    for (char c : message) {
        if (c == '"' || c == '\\') quoted += '\\';
        if (c == '\n') { quoted += "\\n"; continue; }
        quoted += c;
    }
    return fmt::format("time=\"{}\" level={} msg=\"{}\"", time, level, quoted);
}

void error(std::string_view message) { emit("error", message, true); }
void warn(std::string_view message) { emit("warning", message, true); }
void debug(std::string_view message) {
    if (sink().debug) emit("debug", message, !sink().file.valid());
}
bool debugging() { return sink().debug; }

void silence() {
    sink().debug = false;
    sink().file.reset();
}

} // namespace nabla::runnc::log

// Where runnc's messages go: always stderr (one line, "runnc: ..."), and the
// --log file in the format the engine asked for. containerd's shim reads the
// last error from a json --log file; podman shows stderr. Errors are printed
// by main() only; warnings and --debug lines come from where they happen.
#pragma once

#include "cli.hpp"

#include <string_view>

namespace nabla::runnc::log {

// Opens the --log file (appending). Without one, messages go to stderr only.
Result<void> configure(const GlobalOptions& options);

void error(std::string_view message);
void warn(std::string_view message);
void debug(std::string_view message); // only with --debug
bool debugging();

// In the container process, which closes runnc's fds: nothing more to the
// --log file (its fd number will be reused) and no debug lines on what is
// now the container's stderr.
void silence();

// One line as the --log file holds it: {"level":..,"msg":..,"time":..}, or
// logrus's text form time="..." level=... msg="...". Pure, for the tests.
std::string format_line(LogFormat format, std::string_view level, std::string_view message, std::string_view time);

} // namespace nabla::runnc::log

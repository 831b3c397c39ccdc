// runnc: the OCI runtime for nabla containers. Only this file prints errors:
// one line on stderr, and in the --log file in the engine's format.
#include "cli.hpp"
#include "commands/commands.hpp"
#include "log.hpp"

#include <csignal>
#include <cstdio>
#include <string>
#include <unistd.h>
#include <vector>

#ifndef NABLA_VERSION
#define NABLA_VERSION "0.0.0"
#endif

namespace {

void write_out(const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
        auto n = ::write(STDOUT_FILENO, s.data() + done, s.size() - done);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

} // namespace

int main(int argc, char** argv) {
    using namespace nabla::runnc;
    // A hook or a fifo reader that goes away must be an EPIPE, not our death.
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> args(argv, argv + argc);
    GlobalOptions globals;
    auto inv = parse_cli(args, globals);
    if (auto ok = log::configure(globals); !ok) {
        log::error(ok.error().message);
        return static_cast<int>(ok.error().code);
    }
    if (!inv) {
        log::error(inv.error().message);
        return static_cast<int>(inv.error().code);
    }
    if (inv->version) {
        write_out("runnc version " NABLA_VERSION "\nspec: 1.0.2\n");
        return 0;
    }
    if (inv->help) {
        write_out(inv->command_name.empty() ? usage_text() : command_usage(inv->command_name));
        return 0;
    }
    auto outcome = run_command(*inv);
    if (!outcome) {
        log::error(outcome.error().message);
        return static_cast<int>(outcome.error().code);
    }
    write_out(outcome->out);
    return outcome->status;
}

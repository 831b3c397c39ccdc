// nabla-hap: measures how much of the host kernel one workload can reach and
// does reach. Only this file prints.
#include "cli.hpp"
#include "report.hpp"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

// Ctrl-C reaches the workload (same process group) and ends it; nabla-hap
// outlives it, so its tracefs instance is cleaned up by the destructors.
void keep_running(int) {}

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    return static_cast<bool>(out.flush());
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv, argv + argc);
    auto opts = hap::parse_cli(args);
    if (!opts) {
        std::fprintf(stderr, "nabla-hap: %s\n", opts.error().message.c_str());
        return static_cast<int>(opts.error().code);
    }
    if (opts->help) {
        std::fputs(hap::usage_text().c_str(), stdout);
        return 0;
    }
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) std::signal(sig, keep_running);

    auto m = hap::measure(opts->measure);
    if (!m) {
        std::fprintf(stderr, "nabla-hap: %s\n", m.error().message.c_str());
        return static_cast<int>(m.error().code);
    }
    std::fputs(hap::format_text(*m).c_str(), stdout);
    if (!opts->json_file.empty() && !write_file(opts->json_file, hap::format_json(*m))) {
        std::fprintf(stderr, "nabla-hap: cannot write %s\n", opts->json_file.c_str());
        return static_cast<int>(hap::Exit::os_error);
    }
    if (!opts->csv_file.empty() && !write_file(opts->csv_file, hap::format_csv(*m))) {
        std::fprintf(stderr, "nabla-hap: cannot write %s\n", opts->csv_file.c_str());
        return static_cast<int>(hap::Exit::os_error);
    }
    return 0;
}

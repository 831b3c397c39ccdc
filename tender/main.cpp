// nabla-run: runs a nabla unikernel as one process behind a seven-syscall
// seccomp filter. Only this file prints.
#include "cli.hpp"
#include "tender.hpp"

#include "nabla/abi.h"

#include <cstdio>
#include <string>
#include <vector>

#ifndef NABLA_VERSION
#define NABLA_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
    std::vector<std::string> args(argv, argv + argc);
    auto opts = nabla::parse_cli(args);
    if (!opts) {
        std::fprintf(stderr, "nabla-run: %s\n", opts.error().message.c_str());
        return static_cast<int>(opts.error().code);
    }
    if (opts->help) {
        std::fputs(nabla::usage_text().c_str(), stdout);
        return 0;
    }
    if (opts->version) {
        std::printf("nabla-run %s (guest ABI %u)\n", NABLA_VERSION, NABLA_ABI_VERSION);
        return 0;
    }
    auto result = nabla::run_tender(*opts);
    if (!result) {
        std::fprintf(stderr, "nabla-run: %s\n", result.error().message.c_str());
        return static_cast<int>(result.error().code);
    }
    std::fputs(result->c_str(), stdout);
    return 0;
}

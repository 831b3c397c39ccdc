// The commands: each parses nothing (cli.cpp did), calls the lifecycle
// (container.hpp) and returns what to print; main() prints it.
#pragma once

#include "cli.hpp"
#include "error.hpp"

#include <string>

namespace nabla::runnc {

struct Outcome {
    std::string out; // for stdout
    int status = 0;  // runnc's exit status (run: the container's)
};

Result<Outcome> run_command(const Invocation& inv);

// One per file, by concern.
Result<Outcome> cmd_create(const Invocation& inv);   // lifecycle.cpp
Result<Outcome> cmd_run(const Invocation& inv);
Result<Outcome> cmd_start(const Invocation& inv);
Result<Outcome> cmd_kill(const Invocation& inv);
Result<Outcome> cmd_delete(const Invocation& inv);
Result<Outcome> cmd_state(const Invocation& inv);    // inspect.cpp
Result<Outcome> cmd_list(const Invocation& inv);
Result<Outcome> cmd_ps(const Invocation& inv);
Result<Outcome> cmd_pause(const Invocation& inv);    // resources.cpp
Result<Outcome> cmd_resume(const Invocation& inv);
Result<Outcome> cmd_update(const Invocation& inv);
Result<Outcome> cmd_spec(const Invocation& inv);     // documents.cpp
Result<Outcome> cmd_features(const Invocation& inv);

// The config.json `runnc spec` writes (for the tests too).
std::string spec_template();

} // namespace nabla::runnc

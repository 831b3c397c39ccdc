// runnc's command line, as engines speak it to runc and crun: global flags,
// then a command, its flags and its arguments. Every command and every flag is
// a row of a table (cli.cpp) that drives parsing, refusals and --help.
#pragma once

#include "error.hpp"
#include "oci_config.hpp"

#include <string>
#include <vector>

namespace nabla::runnc {

enum class LogFormat { text, json };

struct GlobalOptions {
    std::string root = "/run/runnc"; // state directories, and images/
    std::string log_path;            // empty: stderr only
    LogFormat log_format = LogFormat::text;
    bool debug = false;
};

enum class Command { create, start, state, kill, del, run, list, ps, features, spec, pause, resume, update, exec };

struct CommandOptions {
    std::string bundle; // create, run, spec; empty: the working directory
    std::string pid_file;
    bool detach = false;  // run
    bool force = false;   // delete
    bool all = false;     // kill
    bool json = false;    // list, ps: --format json
    bool quiet = false;   // list
    std::string resources_file; // update -r FILE ("-": stdin)
    Resources resources;        // update --memory ...
};

struct Invocation {
    GlobalOptions global;
    Command command = Command::state;
    std::string command_name;
    CommandOptions options;
    std::vector<std::string> args; // the command's positional arguments
    bool help = false;             // --help: global, or of command_name
    bool version = false;
};

// Parses argv (argv[0] is the program). `globals` is filled as the global
// flags are read, so that main can log an error in the --log file and format
// the engine asked for even when a later part of the line is refused.
Result<Invocation> parse_cli(const std::vector<std::string>& argv, GlobalOptions& globals);

std::string usage_text();
std::string command_usage(std::string_view command);

// A signal by name (TERM, SIGTERM) or number, as `kill` takes it.
Result<int> parse_signal(std::string_view text);

// A container ID: [A-Za-z0-9][A-Za-z0-9_.-]{0,1023}, and not "images".
Result<void> check_container_id(std::string_view id);

} // namespace nabla::runnc

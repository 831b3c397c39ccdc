// nabla-hap's command line; every flag is a row of one table that drives
// parsing and --help.
#pragma once

#include "error.hpp"
#include "measurement.hpp"

#include <string>
#include <vector>

namespace hap {

struct Options {
    MeasureOptions measure;
    std::string json_file, csv_file;
    bool help = false;
};

Result<Options> parse_cli(const std::vector<std::string>& args); // args[0] is the program
std::string usage_text();

} // namespace hap

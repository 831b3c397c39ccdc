// The measurement as a text table, JSON and CSV. Across runs, counts are
// mean and sample standard deviation. Every metric nabla-hap does not take
// says so and why, never a zero.
#pragma once

#include "measurement.hpp"

#include <string>

namespace hap {

std::string format_text(const Measurement& m);
std::string format_json(const Measurement& m);
std::string format_csv(const Measurement& m);

} // namespace hap

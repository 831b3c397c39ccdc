// struct timespec arguments as the kernel checks them, in nanoseconds.
#pragma once

#include <stdint.h>
#include <time.h>

namespace nabla::posix {

inline constexpr uint64_t ns_per_s = 1000000000ull;

inline bool valid(const timespec* ts) {
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < static_cast<long>(ns_per_s);
}

// A valid timespec in ns; UINT64_MAX ("forever") when it does not fit.
inline uint64_t to_ns(const timespec* ts) {
    uint64_t s = static_cast<uint64_t>(ts->tv_sec);
    if (s > UINT64_MAX / ns_per_s - 1) return UINT64_MAX;
    return s * ns_per_s + static_cast<uint64_t>(ts->tv_nsec);
}

inline uint64_t add_saturating(uint64_t a, uint64_t b) { return b > UINT64_MAX - a ? UINT64_MAX : a + b; }

} // namespace nabla::posix

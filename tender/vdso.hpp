// Finds clock_gettime in the host's vDSO, so the guest reads clocks without a
// system call. The vDSO is mapped by the kernel: trusted, but still walked
// with care.
#pragma once

#include <cstdint>

namespace nabla {

// Address of __vdso_clock_gettime, or 0 if there is none.
uint64_t find_vdso_clock_gettime();

} // namespace nabla

// Futex wake for the rest of the posix layer (thread exit clears its tid
// word and wakes pthread_join's waiter through it).
#pragma once

#include <stdint.h>

namespace nabla::posix {

// Wakes up to n threads waiting on the futex word at addr whose bitset
// shares a bit with bits; returns how many, or -EINVAL (misaligned).
long futex_wake(uintptr_t addr, int n, uint32_t bits = ~0u);

} // namespace nabla::posix

// The guest's random bytes: ChaCha20 keyed with 32 bytes of host entropy
// that the tender read from getrandom at boot (fast key erasure: each
// refill re-keys, so earlier output cannot be recovered from the state).
#pragma once

#include <stddef.h>

namespace nabla::kernel {

void random_bytes(void* out, size_t len);

} // namespace nabla::kernel

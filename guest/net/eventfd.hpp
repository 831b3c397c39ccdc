// eventfd2(): a 64-bit counter behind a descriptor, for one thread to wake
// another (or an event loop) with a write.
#pragma once

namespace nabla::net {

// flags: EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC. The fd or -errno.
long make_eventfd(unsigned int initial, int flags);

} // namespace nabla::net

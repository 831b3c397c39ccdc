// pipe2(): a one-way byte channel inside the guest, as two descriptors.
#pragma once

namespace nabla::net {

// fds[0] reads, fds[1] writes; flags: O_NONBLOCK, O_CLOEXEC. 0 or -errno.
long make_pipe(int fds[2], int flags);

} // namespace nabla::net

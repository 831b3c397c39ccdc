// pipe and pipe2 (guest/net/pipe.cpp).
#include "syscall.hpp"

#include "../net/pipe.hpp"

#include <fcntl.h>

namespace nabla::posix {

long sys_pipe2(long fds, long flags, long, long, long, long) {
    // O_DIRECT (packet mode) is not supported; Linux before 3.4 said EINVAL too.
    if (flags & ~(O_CLOEXEC | O_NONBLOCK)) return -EINVAL;
    return net::make_pipe(ptr<int>(fds), static_cast<int>(flags));
}

long sys_pipe(long fds, long, long, long, long, long) { return sys_pipe2(fds, 0, 0, 0, 0, 0); }

} // namespace nabla::posix

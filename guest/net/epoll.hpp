// epoll: an instance watches many descriptors and hands back only the
// ready ones, at a cost that follows the ready ones, not the watched ones.
#pragma once

#include <stdint.h>
#include <sys/epoll.h>

namespace nabla::net {

// A new epoll instance's fd, or -errno.
long epoll_create(bool cloexec);

// EPOLL_CTL_ADD, MOD, DEL as epoll_ctl(2); ev may be null for DEL.
long epoll_ctl(long epfd, int op, long fd, const epoll_event* ev);

// Up to max ready events (max > 0), waiting until the monotonic clock
// reaches deadline (ns; 0: look once). The count, or -errno.
long epoll_wait(long epfd, epoll_event* out, int max, uint64_t deadline);

} // namespace nabla::net

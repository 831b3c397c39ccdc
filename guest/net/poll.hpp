// Readiness of any descriptor, and waiting for it: poll(2) and select(2).
// epoll (epoll.cpp) shares readiness() and keeps its own ready list.
#pragma once

#include "../fs/file.hpp"

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/select.h>

namespace nabla::fs {
class Stream;
}

namespace nabla::net {

// What a stream is ready for as EPOLL* bits, with EPOLLRDNORM beside
// EPOLLIN and EPOLLWRNORM beside EPOLLOUT (as Linux's sockets and pipes say).
uint32_t readiness(fs::Stream* s);
// The same for a descriptor: a file, directory or device is always ready
// to read and write, as on Linux.
uint32_t readiness(const fs::OpenFile* f);

// poll(2) until something is ready or the monotonic clock reaches deadline
// (ns; 0: look once). The number of entries with revents, or -errno.
long poll_files(pollfd* fds, size_t count, uint64_t deadline);

// select(2) over descriptors [0, n); each set may be null. The sets are
// replaced by the ready ones; the number of bits set, or -errno (EBADF
// when a set names a closed descriptor).
long select_files(int n, fd_set* read, fd_set* write, fd_set* except, uint64_t deadline);

// Called at the start of every poll, select and epoll_wait. An event loop
// calls them in a loop, and they often return at once (something is ready,
// or the timeout is 0). On one cooperative CPU such a loop would otherwise
// never let the other threads run, nor the net devices be read: a server
// waiting for room to write would wait for ACKs nobody receives. So each
// call yields once first (the scheduler then reads the devices when due).
void before_looking();

} // namespace nabla::net

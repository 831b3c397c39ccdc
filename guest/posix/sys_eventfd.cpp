// eventfd and eventfd2 (guest/net/eventfd.cpp).
#include "syscall.hpp"

#include "../net/eventfd.hpp"

namespace nabla::posix {

long sys_eventfd2(long initial, long flags, long, long, long, long) {
    return net::make_eventfd(static_cast<unsigned int>(initial), static_cast<int>(flags));
}

long sys_eventfd(long initial, long, long, long, long, long) { return sys_eventfd2(initial, 0, 0, 0, 0, 0); }

} // namespace nabla::posix

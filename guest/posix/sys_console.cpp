// Descriptors 0, 1 and 2: stdin is empty, stdout and stderr are the
// console. Until the VFS arrives, every other descriptor is EBADF.
#include "syscall.hpp"

#include "nabla/platform.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>

namespace nabla::posix {
namespace {

bool open_fd[3] = {true, true, true};
int fd_flags[3] = {O_RDONLY, O_WRONLY, O_WRONLY};

bool is_console(long fd) { return fd >= 0 && fd < 3 && open_fd[fd]; }

long console_write(long fd, const char* buf, size_t len) {
    nabla_result_t rc = fd == 2 ? nabla_console_write_err(buf, len) : nabla_console_write(buf, len);
    return rc == NABLA_OK ? static_cast<long>(len) : -EIO;
}

} // namespace

long sys_read(long fd, long, long, long, long, long) {
    if (!is_console(fd)) return -EBADF;
    return fd == 0 ? 0 : -EBADF; // stdin: end of file
}

long sys_write(long fd, long buf, long len, long, long, long) {
    if (!is_console(fd) || fd == 0) return -EBADF;
    if (len < 0) return -EINVAL;
    return console_write(fd, ptr<const char>(buf), static_cast<size_t>(len));
}

long sys_readv(long fd, long, long, long, long, long) { return sys_read(fd, 0, 0, 0, 0, 0); }

long sys_writev(long fd, long iov, long count, long, long, long) {
    if (!is_console(fd) || fd == 0) return -EBADF;
    if (count < 0 || count > 1024) return -EINVAL;
    long total = 0;
    for (long i = 0; i < count; i++) {
        const iovec& v = ptr<const iovec>(iov)[i];
        if (v.iov_len == 0) continue;
        long n = console_write(fd, static_cast<const char*>(v.iov_base), v.iov_len);
        if (n < 0) return total ? total : n;
        total += n;
    }
    return total;
}

long sys_ioctl(long fd, long, long, long, long, long) {
    if (!is_console(fd)) return -EBADF;
    return -ENOTTY; // the console is not a terminal (TIOCGWINSZ and all)
}

long sys_fstat(long fd, long out, long, long, long, long) {
    if (!is_console(fd)) return -EBADF;
    struct stat st = {};
    st.st_mode = S_IFCHR | 0620;
    st.st_rdev = fd == 0 ? 0x103 /* /dev/null */ : 0x501; // a character device
    st.st_blksize = 4096;
    st.st_nlink = 1;
    st.st_ino = static_cast<ino_t>(fd + 1);
    *ptr<struct stat>(out) = st;
    return 0;
}

long sys_lseek(long fd, long, long, long, long, long) { return is_console(fd) ? -ESPIPE : -EBADF; }

long sys_close(long fd, long, long, long, long, long) {
    if (!is_console(fd)) return -EBADF;
    open_fd[fd] = false;
    return 0;
}

long sys_fcntl(long fd, long cmd, long arg, long, long, long) {
    if (!is_console(fd)) return -EBADF;
    switch (cmd) {
    case F_GETFD: return 0;
    case F_SETFD: return 0;
    case F_GETFL: return fd_flags[fd];
    case F_SETFL: fd_flags[fd] = (fd_flags[fd] & O_ACCMODE) | (static_cast<int>(arg) & ~O_ACCMODE); return 0;
    default: return -EINVAL;
    }
}

} // namespace nabla::posix

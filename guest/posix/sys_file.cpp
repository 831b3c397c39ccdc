// Descriptors: open, read, write, seek, stat, directory listing, dup, fcntl.
#include "fs_common.hpp"

#include "../fs/stream.hpp"
#include "../kernel/alloc.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>

namespace nabla::posix {
namespace {

using fs::Kind;
using fs::Node;
using fs::OpenFile;

bool readable(const OpenFile* f) { return (f->flags & O_ACCMODE) != O_WRONLY; }
bool writable(const OpenFile* f) { return (f->flags & O_ACCMODE) != O_RDONLY; }
bool seekable(const Node* n) { return n->kind != Kind::special || n->special == fs::Special::text; }

bool nonblocking(const OpenFile* f) { return f->flags & O_NONBLOCK; }

long do_read(OpenFile* f, void* buf, size_t len, const uint64_t* at) {
    if (!readable(f)) return -EBADF;
    if (at && !seekable(f->node)) return -ESPIPE;
    if (fs::Stream* s = fs::stream_of(f->node)) {
        iovec v{buf, len};
        return s->read(&v, 1, nonblocking(f));
    }
    long n = fs::node_read(f->node, at ? *at : f->offset, buf, len);
    if (n > 0 && !at) f->offset += static_cast<uint64_t>(n);
    return n;
}

long do_write(OpenFile* f, const void* buf, size_t len, const uint64_t* at) {
    if (!writable(f)) return -EBADF;
    if (at && !seekable(f->node)) return -ESPIPE;
    if (fs::Stream* s = fs::stream_of(f->node)) {
        iovec v{const_cast<void*>(buf), len};
        return s->write(&v, 1, nonblocking(f));
    }
    uint64_t offset = at ? *at : (f->flags & O_APPEND) ? f->node->size : f->offset;
    long n = fs::node_write(f->node, offset, buf, len);
    if (n > 0 && !at) f->offset = offset + static_cast<uint64_t>(n);
    return n;
}

long vector_io(long fd, long iov, long count, const uint64_t* at, bool write) {
    fs::FileRef ref(fd);
    OpenFile* f = ref.get();
    if (!f) return -EBADF;
    if (count < 0 || count > 1024) return -EINVAL;
    // Streams take the whole vector at once: one segment, one wakeup.
    if (fs::Stream* s = fs::stream_of(f->node); s && !at) {
        if (!(write ? writable(f) : readable(f))) return -EBADF;
        auto* v = ptr<const iovec>(iov);
        int n = static_cast<int>(count);
        return write ? s->write(v, n, nonblocking(f)) : s->read(v, n, nonblocking(f));
    }
    long total = 0;
    uint64_t pos = at ? *at : 0;
    for (long i = 0; i < count; i++) {
        const iovec& v = ptr<const iovec>(iov)[i];
        if (v.iov_len == 0) continue;
        long n = write ? do_write(f, v.iov_base, v.iov_len, at ? &pos : nullptr)
                       : do_read(f, v.iov_base, v.iov_len, at ? &pos : nullptr);
        if (n < 0) return total ? total : n;
        total += n;
        pos += static_cast<uint64_t>(n);
        if (static_cast<size_t>(n) < v.iov_len) break;
    }
    return total;
}

long open_at(long dirfd, const char* path, int flags, uint32_t mode) {
    if ((flags & O_TMPFILE) == O_TMPFILE) return -EOPNOTSUPP;
    // O_NOFOLLOW and O_CREAT|O_EXCL look at the name itself, a symlink included.
    bool exclusive = (flags & O_CREAT) && (flags & O_EXCL);
    bool follow = !(flags & O_NOFOLLOW) && !exclusive;
    Node* n = nullptr;
    long rc = lookup_at(dirfd, path, follow ? AT_SYMLINK_FOLLOW : 0, &n);
    if (rc == 0 && exclusive) return -EEXIST;
    if (rc == 0 && n->kind == Kind::symlink) return -ELOOP; // only when not following
    if (rc == -ENOENT && (flags & O_CREAT)) {
        Node* base;
        if (long b = base_dir(dirfd, &base)) return b;
        Node* dir;
        char name[fs::name_max + 1];
        if (long p = fs::lookup_parent(base, path, &dir, name)) return p;
        if (fs::find_child(dir, name, strlen(name))) return -EEXIST; // a dangling symlink
        n = fs::make_node(dir, name, Kind::file, mode & ~current_umask());
        if (!n) return -ENOMEM;
        rc = 0;
    }
    if (rc) return rc;
    int acc = flags & O_ACCMODE;
    if ((flags & O_DIRECTORY) && n->kind != Kind::dir) return -ENOTDIR;
    if (n->kind == Kind::dir && acc != O_RDONLY) return -EISDIR;
    if (acc != O_RDONLY && n->kind == Kind::file && n->storage == fs::Storage::block && n->read_only) return -EROFS;
    if ((flags & O_TRUNC) && acc != O_RDONLY && n->kind == Kind::file) {
        if (long t = fs::node_truncate(n, 0)) return t;
    }
    OpenFile* f = fs::open_node(n, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC));
    if (!f) return -ENOMEM;
    long fd = fs::fd_install(f, 0, flags & O_CLOEXEC);
    if (fd < 0) fs::put(f);
    return fd;
}

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};

uint8_t dirent_type(const Node* n) {
    switch (n->kind) {
    case Kind::dir: return DT_DIR;
    case Kind::file: return DT_REG;
    case Kind::symlink: return DT_LNK;
    case Kind::special: return DT_CHR;
    }
    return DT_UNKNOWN;
}

} // namespace

long sys_open(long path, long flags, long mode, long, long, long) {
    return open_at(AT_FDCWD, ptr<const char>(path), static_cast<int>(flags), static_cast<uint32_t>(mode));
}

long sys_openat(long dirfd, long path, long flags, long mode, long, long) {
    return open_at(dirfd, ptr<const char>(path), static_cast<int>(flags), static_cast<uint32_t>(mode));
}

long sys_close(long fd, long, long, long, long, long) { return fs::fd_close(fd); }

long sys_read(long fd, long buf, long len, long, long, long) {
    fs::FileRef f(fd);
    return f ? do_read(f.get(), ptr<void>(buf), static_cast<size_t>(len), nullptr) : -EBADF;
}

long sys_write(long fd, long buf, long len, long, long, long) {
    fs::FileRef f(fd);
    return f ? do_write(f.get(), ptr<const void>(buf), static_cast<size_t>(len), nullptr) : -EBADF;
}

long sys_pread64(long fd, long buf, long len, long off, long, long) {
    OpenFile* f = fs::fd_get(fd);
    if (!f) return -EBADF;
    if (off < 0) return -EINVAL;
    uint64_t at = static_cast<uint64_t>(off);
    return do_read(f, ptr<void>(buf), static_cast<size_t>(len), &at);
}

long sys_pwrite64(long fd, long buf, long len, long off, long, long) {
    OpenFile* f = fs::fd_get(fd);
    if (!f) return -EBADF;
    if (off < 0) return -EINVAL;
    uint64_t at = static_cast<uint64_t>(off);
    return do_write(f, ptr<const void>(buf), static_cast<size_t>(len), &at);
}

long sys_readv(long fd, long iov, long count, long, long, long) { return vector_io(fd, iov, count, nullptr, false); }
long sys_writev(long fd, long iov, long count, long, long, long) { return vector_io(fd, iov, count, nullptr, true); }

long sys_preadv(long fd, long iov, long count, long off, long, long) {
    if (off < 0) return -EINVAL;
    uint64_t at = static_cast<uint64_t>(off);
    return vector_io(fd, iov, count, &at, false);
}

long sys_pwritev(long fd, long iov, long count, long off, long, long) {
    if (off < 0) return -EINVAL;
    uint64_t at = static_cast<uint64_t>(off);
    return vector_io(fd, iov, count, &at, true);
}

long sys_lseek(long fd, long off, long whence, long, long, long) {
    OpenFile* f = fs::fd_get(fd);
    if (!f) return -EBADF;
    if (!seekable(f->node)) return -ESPIPE;
    int64_t base;
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = static_cast<int64_t>(f->offset); break;
    case SEEK_END: base = static_cast<int64_t>(f->node->size); break;
    default: return -EINVAL;
    }
    int64_t to;
    if (__builtin_add_overflow(base, off, &to) || to < 0) return -EINVAL;
    f->offset = static_cast<uint64_t>(to);
    if (f->node->kind == Kind::dir) f->dir_cursor = 0;
    return to;
}

long sys_fstat(long fd, long out, long, long, long, long) {
    OpenFile* f = fs::fd_get(fd);
    if (!f) return -EBADF;
    fill_stat(f->node, ptr<struct stat>(out));
    return 0;
}

long sys_getdents64(long fd, long buf, long size, long, long, long) {
    OpenFile* f = fs::fd_get(fd);
    if (!f) return -EBADF;
    Node* dir = f->node;
    if (dir->kind != Kind::dir) return -ENOTDIR;
    char* out = ptr<char>(buf);
    long used = 0;
    uint64_t index = 0;
    auto emit = [&](const char* name, const Node* n) -> bool {
        if (index++ < f->dir_cursor) return true;
        size_t len = strlen(name);
        size_t reclen = (sizeof(linux_dirent64) + len + 1 + 7) & ~size_t{7};
        if (used + static_cast<long>(reclen) > size) return false;
        auto* d = reinterpret_cast<linux_dirent64*>(out + used);
        d->d_ino = n->ino;
        d->d_off = static_cast<int64_t>(index);
        d->d_reclen = static_cast<uint16_t>(reclen);
        d->d_type = dirent_type(n);
        memcpy(d->d_name, name, len + 1);
        used += static_cast<long>(reclen);
        f->dir_cursor = index;
        return true;
    };
    if (!emit(".", dir) || !emit("..", dir->parent)) return used ? used : -EINVAL;
    for (Node* c = dir->children; c; c = c->next)
        if (!emit(c->name, c)) return used ? used : -EINVAL;
    return used;
}

long sys_dup(long fd, long, long, long, long, long) {
    OpenFile* f = fs::fd_get(fd);
    if (!f) return -EBADF;
    f->refs++;
    long nfd = fs::fd_install(f, 0, false);
    if (nfd < 0) fs::put(f);
    return nfd;
}

long sys_dup2(long fd, long target, long, long, long, long) {
    if (!fs::fd_get(fd)) return -EBADF;
    return fs::fd_dup_to(fd, target, false);
}

long sys_dup3(long fd, long target, long flags, long, long, long) {
    if (fd == target || (flags & ~O_CLOEXEC)) return -EINVAL;
    return fs::fd_dup_to(fd, target, flags & O_CLOEXEC);
}

long sys_fcntl(long fd, long cmd, long arg, long, long, long) {
    OpenFile* f = fs::fd_get(fd);
    if (!f) return -EBADF;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        f->refs++;
        long nfd = fs::fd_install(f, static_cast<int>(arg), cmd == F_DUPFD_CLOEXEC);
        if (nfd < 0) fs::put(f);
        return nfd;
    }
    case F_GETFD: return fs::fd_cloexec(fd) ? FD_CLOEXEC : 0;
    case F_SETFD: fs::fd_set_cloexec(fd, arg & FD_CLOEXEC); return 0;
    case F_GETFL: return f->flags;
    case F_SETFL: {
        constexpr int changeable = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;
        f->flags = (f->flags & ~changeable) | (static_cast<int>(arg) & changeable);
        return 0;
    }
    // Locks: one process holds every lock it asks for.
    case F_GETLK:
    case F_OFD_GETLK: ptr<struct flock>(arg)->l_type = F_UNLCK; return 0;
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: return 0;
    default: return -EINVAL;
    }
}

long sys_flock(long fd, long, long, long, long, long) { return fs::fd_get(fd) ? 0 : -EBADF; }

long sys_ioctl(long fd, long request, long arg, long, long, long) {
    OpenFile* f = fs::fd_get(fd);
    if (!f) return -EBADF;
    switch (request) {
    case FIONBIO:
        if (*ptr<int>(arg)) f->flags |= O_NONBLOCK;
        else f->flags &= ~O_NONBLOCK;
        return 0;
    case FIOCLEX: fs::fd_set_cloexec(fd, true); return 0;
    case FIONCLEX: fs::fd_set_cloexec(fd, false); return 0;
    case FIONREAD: {
        const Node* n = f->node;
        if (fs::Stream* s = fs::stream_of(n)) return s->ioctl(FIONREAD, arg);
        *ptr<int>(arg) = n->kind == Kind::file && n->size > f->offset ? static_cast<int>(n->size - f->offset) : 0;
        return 0;
    }
    default:
        if (fs::Stream* s = fs::stream_of(f->node)) return s->ioctl(static_cast<unsigned long>(request), arg);
        return -ENOTTY; // no terminals: TIOCGWINSZ and friends
    }
}

long sys_ftruncate(long fd, long size, long, long, long, long) {
    OpenFile* f = fs::fd_get(fd);
    if (!f) return -EBADF;
    if (!writable(f)) return -EINVAL;
    if (size < 0) return -EINVAL;
    return fs::node_truncate(f->node, static_cast<uint64_t>(size));
}

// Block writes reach the host file with pwrite64 before they return; there
// is no host fsync behind the filter, so durability is the host page
// cache's (see docs/architecture.md).
long sys_fsync(long fd, long, long, long, long, long) { return fs::fd_get(fd) ? 0 : -EBADF; }
long sys_fdatasync(long fd, long, long, long, long, long) { return fs::fd_get(fd) ? 0 : -EBADF; }
long sys_fadvise64(long fd, long, long, long, long, long) { return fs::fd_get(fd) ? 0 : -EBADF; }
long sys_sync_file_range(long fd, long, long, long, long, long) { return fs::fd_get(fd) ? 0 : -EBADF; }

} // namespace nabla::posix

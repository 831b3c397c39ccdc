// Calls on names: stat, mkdir, unlink, rename, symlinks, the current
// directory, access. One user (root) owns everything.
#include "fs_common.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nabla::posix {
namespace {

using fs::Kind;
using fs::Node;

long stat_at(long dirfd, const char* path, int flags, struct stat* out) {
    Node* n;
    int follow = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : AT_SYMLINK_FOLLOW;
    if (long rc = lookup_at(dirfd, path, (flags & AT_EMPTY_PATH) | follow, &n)) return rc;
    fill_stat(n, out);
    return 0;
}

long make_at(long dirfd, const char* path, Kind kind, uint32_t mode, Node** made) {
    Node* base;
    if (long rc = base_dir(dirfd, &base)) return rc;
    Node* dir;
    char name[fs::name_max + 1];
    if (long rc = fs::lookup_parent(base, path, &dir, name)) return rc == -EBUSY ? -EEXIST : rc;
    if (fs::find_child(dir, name, strlen(name))) return -EEXIST;
    Node* n = fs::make_node(dir, name, kind, mode & ~current_umask());
    if (!n) return -ENOMEM;
    if (made) *made = n;
    return 0;
}

long remove_at(long dirfd, const char* path, bool dir_wanted) {
    Node* base;
    if (long rc = base_dir(dirfd, &base)) return rc;
    Node* dir;
    char name[fs::name_max + 1];
    if (long rc = fs::lookup_parent(base, path, &dir, name)) return rc;
    Node* n = fs::find_child(dir, name, strlen(name));
    if (!n) return -ENOENT;
    if (dir_wanted) {
        if (n->kind != Kind::dir) return -ENOTDIR;
        if (!fs::dir_empty(n)) return -ENOTEMPTY;
        if (n == cwd()) return -EBUSY;
    } else if (n->kind == Kind::dir) {
        return -EISDIR;
    }
    if (n->kind == Kind::file && n->storage == fs::Storage::block) return -EBUSY; // a mount point
    fs::detach(n);
    return 0;
}

// Linux's struct statx (uapi linux/stat.h); musl 1.2.3 has no header for it.
struct statx_timestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};
struct kernel_statx {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, pad1;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t spare[14];
};
static_assert(sizeof(kernel_statx) == 256);
constexpr uint32_t statx_basic_stats = 0x7ff;

bool inside(const Node* n, const Node* dir) {
    for (const Node* p = n; p != fs::root(); p = p->parent)
        if (p == dir) return true;
    return n == dir;
}

// A file renamed over a block device mounted as a file (Redis's dump.rdb,
// written to a temporary file and renamed into place): the device keeps its
// place, so the bytes move instead: copied onto the device, the size set,
// and the temporary name removed. Unlike a rename this is not atomic: a
// guest that dies in the middle leaves the device half-written.
long replace_mounted(Node* device_file, Node* from) {
    static char chunk[256 * 1024];
    for (uint64_t at = 0; at < from->size;) {
        size_t n = from->size - at < sizeof chunk ? static_cast<size_t>(from->size - at) : sizeof chunk;
        long got = fs::node_read(from, at, chunk, n);
        if (got <= 0) return got < 0 ? got : -EIO;
        long put = fs::node_write(device_file, at, chunk, static_cast<size_t>(got));
        if (put < 0) return put;
        at += static_cast<uint64_t>(got);
    }
    if (long rc = fs::node_truncate(device_file, from->size)) return rc;
    fs::detach(from);
    return 0;
}

long rename_at(long olddirfd, const char* oldpath, long newdirfd, const char* newpath, unsigned flags) {
    constexpr unsigned noreplace = 1; // RENAME_NOREPLACE
    if (flags & ~noreplace) return -EINVAL;
    Node *obase, *nbase, *odir, *ndir;
    char oname[fs::name_max + 1], nname[fs::name_max + 1];
    if (long rc = base_dir(olddirfd, &obase)) return rc;
    if (long rc = base_dir(newdirfd, &nbase)) return rc;
    if (long rc = fs::lookup_parent(obase, oldpath, &odir, oname)) return rc;
    if (long rc = fs::lookup_parent(nbase, newpath, &ndir, nname)) return rc;
    Node* n = fs::find_child(odir, oname, strlen(oname));
    if (!n) return -ENOENT;
    Node* old = fs::find_child(ndir, nname, strlen(nname));
    if (old == n) return 0; // the same file: nothing to do (POSIX), a mounted one too
    if (n->kind == Kind::file && n->storage == fs::Storage::block) return -EBUSY;
    if (n->kind == Kind::dir && inside(ndir, n)) return -EINVAL;
    if (old) {
        if (flags & noreplace) return -EEXIST;
        if (old->kind == Kind::dir && n->kind != Kind::dir) return -EISDIR;
        if (old->kind != Kind::dir && n->kind == Kind::dir) return -ENOTDIR;
        if (old->kind == Kind::dir && !fs::dir_empty(old)) return -ENOTEMPTY;
        if (old->kind == Kind::file && old->storage == fs::Storage::block)
            return n->kind == Kind::file ? replace_mounted(old, n) : -EBUSY;
    }
    char* name = strdup(nname);
    if (!name) return -ENOMEM;
    if (old) fs::detach(old);
    // Unlink from the old directory, link into the new one.
    Node** link = &odir->children;
    while (*link != n) link = &(*link)->next;
    *link = n->next;
    free(n->name);
    n->name = name;
    n->parent = ndir;
    n->next = ndir->children;
    ndir->children = n;
    odir->mtime_ns = ndir->mtime_ns = fs::now_ns();
    return 0;
}

long readlink_at(long dirfd, const char* path, char* buf, long size) {
    if (size <= 0) return -EINVAL;
    Node* n;
    if (long rc = lookup_at(dirfd, path, 0, &n)) return rc;
    if (n->kind != Kind::symlink) return -EINVAL;
    size_t len = strlen(n->target);
    size_t count = len < static_cast<size_t>(size) ? len : static_cast<size_t>(size);
    memcpy(buf, n->target, count);
    return static_cast<long>(count);
}

long access_at(long dirfd, const char* path, long mode, int flags) {
    if (mode & ~(R_OK | W_OK | X_OK)) return -EINVAL;
    Node* n;
    if (long rc = lookup_at(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : AT_SYMLINK_FOLLOW, &n)) return rc;
    if ((mode & W_OK) && n->kind == Kind::file && n->storage == fs::Storage::block && n->read_only) return -EROFS;
    // Root may read and write anything; executing needs an x bit somewhere.
    if ((mode & X_OK) && n->kind != Kind::dir && !(n->mode & 0111)) return -EACCES;
    return 0;
}

long chown_check(long uid, long gid) {
    auto ok = [](long id) { return static_cast<int>(id) == -1 || id == 0; };
    return ok(uid) && ok(gid) ? 0 : -EPERM; // everything belongs to root; nobody else exists
}

} // namespace

long sys_stat(long path, long out, long, long, long, long) {
    return stat_at(AT_FDCWD, ptr<const char>(path), 0, ptr<struct stat>(out));
}
long sys_lstat(long path, long out, long, long, long, long) {
    return stat_at(AT_FDCWD, ptr<const char>(path), AT_SYMLINK_NOFOLLOW, ptr<struct stat>(out));
}
long sys_newfstatat(long dirfd, long path, long out, long flags, long, long) {
    return stat_at(dirfd, ptr<const char>(path), static_cast<int>(flags), ptr<struct stat>(out));
}

long sys_statx(long dirfd, long path, long flags, long, long out, long) {
    struct stat st;
    if (long rc = stat_at(dirfd, ptr<const char>(path), static_cast<int>(flags), &st)) return rc;
    kernel_statx* x = ptr<kernel_statx>(out);
    *x = {};
    x->stx_mask = statx_basic_stats;
    x->stx_blksize = static_cast<uint32_t>(st.st_blksize);
    x->stx_nlink = static_cast<uint32_t>(st.st_nlink);
    x->stx_mode = static_cast<uint16_t>(st.st_mode);
    x->stx_ino = st.st_ino;
    x->stx_size = static_cast<uint64_t>(st.st_size);
    x->stx_blocks = static_cast<uint64_t>(st.st_blocks);
    x->stx_mtime = {st.st_mtim.tv_sec, static_cast<uint32_t>(st.st_mtim.tv_nsec), 0};
    x->stx_atime = x->stx_ctime = x->stx_btime = x->stx_mtime;
    x->stx_rdev_major = static_cast<uint32_t>(st.st_rdev >> 8);
    x->stx_rdev_minor = static_cast<uint32_t>(st.st_rdev & 0xff);
    return 0;
}

long sys_mkdir(long path, long mode, long, long, long, long) {
    return make_at(AT_FDCWD, ptr<const char>(path), Kind::dir, static_cast<uint32_t>(mode), nullptr);
}
long sys_mkdirat(long dirfd, long path, long mode, long, long, long) {
    return make_at(dirfd, ptr<const char>(path), Kind::dir, static_cast<uint32_t>(mode), nullptr);
}
long sys_rmdir(long path, long, long, long, long, long) { return remove_at(AT_FDCWD, ptr<const char>(path), true); }
long sys_unlink(long path, long, long, long, long, long) { return remove_at(AT_FDCWD, ptr<const char>(path), false); }
long sys_unlinkat(long dirfd, long path, long flags, long, long, long) {
    if (flags & ~AT_REMOVEDIR) return -EINVAL;
    return remove_at(dirfd, ptr<const char>(path), flags & AT_REMOVEDIR);
}

long sys_rename(long from, long to, long, long, long, long) {
    return rename_at(AT_FDCWD, ptr<const char>(from), AT_FDCWD, ptr<const char>(to), 0);
}
long sys_renameat(long fromfd, long from, long tofd, long to, long, long) {
    return rename_at(fromfd, ptr<const char>(from), tofd, ptr<const char>(to), 0);
}
long sys_renameat2(long fromfd, long from, long tofd, long to, long flags, long) {
    return rename_at(fromfd, ptr<const char>(from), tofd, ptr<const char>(to), static_cast<unsigned>(flags));
}

long sys_symlink(long target, long path, long, long, long, long) {
    return sys_symlinkat(target, AT_FDCWD, path, 0, 0, 0);
}
long sys_symlinkat(long target, long dirfd, long path, long, long, long) {
    const char* t = ptr<const char>(target);
    if (!t[0]) return -ENOENT;
    Node* n;
    if (long rc = make_at(dirfd, ptr<const char>(path), Kind::symlink, 0777 | current_umask(), &n)) return rc;
    n->target = strdup(t);
    return n->target ? 0 : -ENOMEM;
}

long sys_readlink(long path, long buf, long size, long, long, long) {
    return readlink_at(AT_FDCWD, ptr<const char>(path), ptr<char>(buf), size);
}
long sys_readlinkat(long dirfd, long path, long buf, long size, long, long) {
    return readlink_at(dirfd, ptr<const char>(path), ptr<char>(buf), size);
}

long sys_getcwd(long buf, long size, long, long, long, long) {
    if (long rc = fs::path_of(cwd(), ptr<char>(buf), static_cast<size_t>(size))) return rc;
    return static_cast<long>(strlen(ptr<char>(buf)) + 1);
}

long sys_chdir(long path, long, long, long, long, long) {
    Node* n;
    if (long rc = fs::lookup(cwd(), ptr<const char>(path), true, &n)) return rc;
    if (n->kind != Kind::dir) return -ENOTDIR;
    cwd() = n;
    return 0;
}

long sys_fchdir(long fd, long, long, long, long, long) {
    fs::OpenFile* f = fs::fd_get(fd);
    if (!f) return -EBADF;
    if (f->node->kind != Kind::dir) return -ENOTDIR;
    cwd() = f->node;
    return 0;
}

long sys_access(long path, long mode, long, long, long, long) {
    return access_at(AT_FDCWD, ptr<const char>(path), mode, 0);
}
long sys_faccessat(long dirfd, long path, long mode, long, long, long) {
    return access_at(dirfd, ptr<const char>(path), mode, 0);
}
long sys_faccessat2(long dirfd, long path, long mode, long flags, long, long) {
    return access_at(dirfd, ptr<const char>(path), mode, static_cast<int>(flags));
}

long sys_chmod(long path, long mode, long, long, long, long) { return sys_fchmodat(AT_FDCWD, path, mode, 0, 0, 0); }
long sys_fchmodat(long dirfd, long path, long mode, long, long, long) {
    Node* n;
    if (long rc = lookup_at(dirfd, ptr<const char>(path), AT_SYMLINK_FOLLOW, &n)) return rc;
    n->mode = static_cast<uint32_t>(mode) & 07777;
    return 0;
}
long sys_fchmod(long fd, long mode, long, long, long, long) {
    fs::OpenFile* f = fs::fd_get(fd);
    if (!f) return -EBADF;
    f->node->mode = static_cast<uint32_t>(mode) & 07777;
    return 0;
}

long sys_chown(long path, long uid, long gid, long, long, long) {
    Node* n;
    if (long rc = fs::lookup(cwd(), ptr<const char>(path), true, &n)) return rc;
    return chown_check(uid, gid);
}
long sys_fchown(long fd, long uid, long gid, long, long, long) {
    return fs::fd_get(fd) ? chown_check(uid, gid) : -EBADF;
}
long sys_fchownat(long dirfd, long path, long uid, long gid, long flags, long) {
    Node* n;
    int follow = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : AT_SYMLINK_FOLLOW;
    if (long rc = lookup_at(dirfd, ptr<const char>(path), (static_cast<int>(flags) & AT_EMPTY_PATH) | follow, &n))
        return rc;
    return chown_check(uid, gid);
}

long sys_utimensat(long dirfd, long path, long times, long flags, long, long) {
    Node* n;
    int follow = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : AT_SYMLINK_FOLLOW;
    const char* p = path ? ptr<const char>(path) : "";
    if (long rc = lookup_at(dirfd, p, follow | (path ? 0 : AT_EMPTY_PATH), &n)) return rc;
    const timespec* ts = times ? ptr<const timespec>(times) : nullptr;
    if (!ts || ts[1].tv_nsec == UTIME_NOW) n->mtime_ns = fs::now_ns();
    else if (ts[1].tv_nsec != UTIME_OMIT) n->mtime_ns = ts[1].tv_sec * 1000000000ll + ts[1].tv_nsec;
    return 0;
}

long sys_truncate(long path, long size, long, long, long, long) {
    Node* n;
    if (long rc = fs::lookup(cwd(), ptr<const char>(path), true, &n)) return rc;
    if (size < 0) return -EINVAL;
    return fs::node_truncate(n, static_cast<uint64_t>(size));
}

} // namespace nabla::posix

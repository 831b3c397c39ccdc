#include "fs_common.hpp"

#include "../fs/stream.hpp"

#include <fcntl.h>
#include <sys/stat.h>

namespace nabla::posix {

fs::Node*& cwd() {
    static fs::Node* dir = fs::root();
    return dir;
}

long base_dir(long dirfd, fs::Node** out) {
    if (static_cast<int>(dirfd) == AT_FDCWD) return *out = cwd(), 0;
    fs::OpenFile* f = fs::fd_get(dirfd);
    if (!f) return -EBADF;
    if (f->node->kind != fs::Kind::dir) return -ENOTDIR;
    *out = f->node;
    return 0;
}

long lookup_at(long dirfd, const char* path, int at_flags, fs::Node** out) {
    if ((at_flags & AT_EMPTY_PATH) && path[0] == '\0') {
        if (static_cast<int>(dirfd) == AT_FDCWD) return *out = cwd(), 0;
        fs::OpenFile* f = fs::fd_get(dirfd);
        if (!f) return -EBADF;
        *out = f->node;
        return 0;
    }
    fs::Node* base;
    if (long rc = base_dir(dirfd, &base)) return rc;
    return fs::lookup(base, path, at_flags & AT_SYMLINK_FOLLOW, out);
}

void fill_stat(const fs::Node* n, struct stat* st) {
    *st = {};
    st->st_dev = 0x6e61; // "na": one device for the whole tree
    st->st_ino = n->ino;
    st->st_nlink = n->kind == fs::Kind::dir ? 2 : 1;
    st->st_uid = st->st_gid = 0;
    st->st_blksize = 4096;
    switch (n->kind) {
    case fs::Kind::dir: st->st_mode = S_IFDIR; st->st_size = 4096; break;
    case fs::Kind::file: st->st_mode = S_IFREG; st->st_size = static_cast<off_t>(n->size); break;
    case fs::Kind::symlink:
        st->st_mode = S_IFLNK;
        st->st_size = n->target ? static_cast<off_t>(__builtin_strlen(n->target)) : 0;
        break;
    case fs::Kind::special:
        if (const fs::Stream* s = fs::stream_of(n)) {
            st->st_dev = 0x736f; // "so": sockfs, pipefs and anon inodes
            st->st_mode = s->type() == fs::Stream::Type::socket ? S_IFSOCK
                        : s->type() == fs::Stream::Type::fifo   ? S_IFIFO
                                                                : 0;
            break;
        }
        st->st_mode = S_IFCHR;
        st->st_rdev = 0x103;
        break;
    }
    st->st_mode |= n->mode & 07777;
    st->st_blocks = (st->st_size + 511) / 512;
    st->st_mtim = {static_cast<time_t>(n->mtime_ns / 1000000000), static_cast<long>(n->mtime_ns % 1000000000)};
    st->st_atim = st->st_ctim = st->st_mtim;
}

} // namespace nabla::posix

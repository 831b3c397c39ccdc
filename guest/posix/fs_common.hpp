// What the file system calls share: the current directory, *at() base
// resolution, and struct stat.
#pragma once

#include "syscall.hpp"

#include "../fs/file.hpp"
#include "../fs/path.hpp"

struct stat;

namespace nabla::posix {

fs::Node*& cwd();

// The directory a dirfd names (AT_FDCWD: the current one); 0 or -errno.
long base_dir(long dirfd, fs::Node** out);

// lookup() relative to dirfd, honouring AT_EMPTY_PATH (the fd itself).
long lookup_at(long dirfd, const char* path, int at_flags, fs::Node** out);

void fill_stat(const fs::Node* n, struct stat* st);

// The process's umask (sys_process.cpp).
uint32_t current_umask();

} // namespace nabla::posix

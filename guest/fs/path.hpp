// Path resolution over the in-memory tree: ".", "..", symlinks (at most 40
// on one walk, as Linux), ENOTDIR and ENAMETOOLONG as Linux reports them.
#pragma once

#include "node.hpp"

namespace nabla::fs {

inline constexpr size_t name_max = 255;
inline constexpr size_t path_max = 4096;

// Finds the node for path, starting at base for relative paths. 0 or -errno.
long lookup(Node* base, const char* path, bool follow_last, Node** out);

// Finds the directory that holds path's last component and copies the
// component into name (name_max + 1 bytes). 0 or -errno; "/" has no parent.
long lookup_parent(Node* base, const char* path, Node** dir, char* name);

// The absolute path of a directory, into buf. 0 or -ERANGE.
long path_of(Node* dir, char* buf, size_t size);

} // namespace nabla::fs

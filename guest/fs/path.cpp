#include "path.hpp"

#include <errno.h>
#include <string.h>

namespace nabla::fs {
namespace {

struct Walk {
    int links_left = 40;
};

long walk(Node* base, const char* path, bool follow_last, Node** out, Walk& w);

// Steps from dir into the component [p, p+len), following a symlink there
// unless it is the last component and follow is false.
long step(Node* dir, const char* p, size_t len, bool last, bool follow, Node** out, Walk& w) {
    if (dir->kind != Kind::dir) return -ENOTDIR;
    if (len > name_max) return -ENAMETOOLONG;
    if (len == 1 && p[0] == '.') return *out = dir, 0;
    if (len == 2 && p[0] == '.' && p[1] == '.') return *out = dir->parent, 0;
    Node* child = find_child(dir, p, len);
    if (!child) return -ENOENT;
    if (child->kind == Kind::symlink && (!last || follow)) {
        if (--w.links_left < 0) return -ELOOP;
        return walk(dir, child->target, true, out, w);
    }
    *out = child;
    return 0;
}

long walk(Node* base, const char* path, bool follow_last, Node** out, Walk& w) {
    if (!path[0]) return -ENOENT;
    if (strlen(path) >= path_max) return -ENAMETOOLONG;
    Node* at = path[0] == '/' ? root() : base;
    const char* p = path;
    for (;;) {
        while (*p == '/') p++;
        if (!*p) break;
        const char* end = strchr(p, '/');
        size_t len = end ? static_cast<size_t>(end - p) : strlen(p);
        bool last = !end || !end[strspn(end, "/")];
        bool trailing_slash = end != nullptr;
        if (long rc = step(at, p, len, last, follow_last || trailing_slash, &at, w)) return rc;
        if (last && trailing_slash && at->kind != Kind::dir) return -ENOTDIR;
        p += len;
    }
    *out = at;
    return 0;
}

} // namespace

long lookup(Node* base, const char* path, bool follow_last, Node** out) {
    Walk w;
    return walk(base, path, follow_last, out, w);
}

long lookup_parent(Node* base, const char* path, Node** dir, char* name) {
    size_t len = strlen(path);
    if (len == 0) return -ENOENT;
    if (len >= path_max) return -ENAMETOOLONG;
    while (len > 1 && path[len - 1] == '/') len--; // "dir/" names dir
    size_t start = len;
    while (start > 0 && path[start - 1] != '/') start--;
    size_t name_len = len - start;
    if (name_len == 0) return -EBUSY; // "/" itself
    if (name_len > name_max) return -ENAMETOOLONG;
    memcpy(name, path + start, name_len);
    name[name_len] = '\0';
    if ((name_len == 1 && name[0] == '.') || (name_len == 2 && name[0] == '.' && name[1] == '.')) return -EINVAL;
    if (start == 0) {
        if (base->kind != Kind::dir) return -ENOTDIR;
        *dir = base;
        return 0;
    }
    char parent[path_max];
    memcpy(parent, path, start);
    parent[start] = '\0';
    Node* d;
    if (long rc = lookup(base, parent, true, &d)) return rc;
    if (d->kind != Kind::dir) return -ENOTDIR;
    *dir = d;
    return 0;
}

long path_of(Node* dir, char* buf, size_t size) {
    // Collect names from dir up to the root, then write them in order.
    const Node* chain[256];
    size_t depth = 0;
    for (Node* n = dir; n != root() && depth < 256; n = n->parent) chain[depth++] = n;
    size_t len = 0;
    if (depth == 0) {
        if (size < 2) return -ERANGE;
        buf[0] = '/', buf[1] = '\0';
        return 0;
    }
    for (size_t i = depth; i-- > 0;) {
        size_t n = strlen(chain[i]->name);
        if (len + 1 + n + 1 > size) return -ERANGE;
        buf[len++] = '/';
        memcpy(buf + len, chain[i]->name, n);
        len += n;
    }
    buf[len] = '\0';
    return 0;
}

} // namespace nabla::fs

#include "node.hpp"

#include "block_io.hpp"
#include "stream.hpp"

#include "nabla/platform.h"

#include "../kernel/alloc.hpp"

#include <errno.h>
#include <string.h>

namespace nabla::fs {
namespace {

uint64_t next_ino = 1;
uint64_t memory_used = 0;
uint64_t memory_limit = 64ull << 20;

} // namespace

int64_t now_ns() { return static_cast<int64_t>(nabla_clock_wall()); }

Node* root() {
    static Node* r = [] {
        Node* n = kernel::make<Node>();
        if (!n) nabla_abort("library OS: no memory for the root directory");
        n->name = strdup("");
        n->kind = Kind::dir;
        n->mode = 0755;
        n->ino = next_ino++;
        n->links = 1;
        n->parent = n;
        n->mtime_ns = now_ns();
        return n;
    }();
    return r;
}

Node* make_node(Node* dir, const char* name, Kind kind, uint32_t mode) {
    Node* n = kernel::make<Node>();
    if (!n) return nullptr;
    n->name = strdup(name);
    if (!n->name) {
        kernel::destroy(n);
        return nullptr;
    }
    n->kind = kind;
    n->mode = mode & 07777;
    n->ino = next_ino++;
    n->links = 1;
    n->mtime_ns = now_ns();
    n->parent = dir;
    n->next = dir->children;
    dir->children = n;
    dir->mtime_ns = n->mtime_ns;
    return n;
}

Node* find_child(Node* dir, const char* name, size_t len) {
    for (Node* c = dir->children; c; c = c->next)
        if (strlen(c->name) == len && memcmp(c->name, name, len) == 0) return c;
    return nullptr;
}

bool dir_empty(const Node* dir) { return dir->children == nullptr; }

Node* make_stream_node(Stream* s) {
    Node* n = kernel::make<Node>();
    if (!n) return nullptr;
    n->kind = Kind::special;
    n->special = Special::stream;
    n->stream = s;
    n->mode = 0600;
    n->ino = next_ino++;
    n->mtime_ns = now_ns();
    return n;
}

void release_if_unused(Node* n) {
    if (n->links || n->opens || n == root()) return;
    if (n->stream) {
        n->stream->drop_hooks();
        n->stream->release();
    }
    if (n->storage == Storage::memory && n->data) {
        memory_used -= n->capacity;
        free(n->data);
    }
    free(n->name);
    free(n->target);
    kernel::destroy(n);
}

void detach(Node* n) {
    Node** link = &n->parent->children;
    while (*link && *link != n) link = &(*link)->next;
    if (*link) *link = n->next;
    n->parent->mtime_ns = now_ns();
    n->next = nullptr;
    n->links = 0;
    release_if_unused(n);
}

void set_memory_limit(uint64_t bytes) { memory_limit = bytes; }

long reserve_memory(Node* f, uint64_t new_size) {
    if (new_size <= f->capacity) return 0;
    uint64_t cap = f->capacity ? f->capacity : 4096;
    while (cap < new_size) cap = cap > (UINT64_MAX >> 1) ? new_size : cap * 2;
    if (cap - f->capacity > memory_limit - memory_used) {
        cap = new_size; // no slack when the budget is tight
        if (cap - f->capacity > memory_limit - memory_used) return -ENOSPC;
    }
    char* p = static_cast<char*>(realloc(f->data, cap));
    if (!p) return -ENOMEM;
    memset(p + f->capacity, 0, cap - f->capacity);
    memory_used += cap - f->capacity;
    f->data = p;
    f->capacity = cap;
    return 0;
}

long copy_up(Node* f) {
    if (f->storage != Storage::image) return 0;
    uint64_t size = f->size;
    Node tmp = *f;
    f->storage = Storage::memory;
    f->data = nullptr;
    f->capacity = 0;
    if (long rc = reserve_memory(f, size)) {
        *f = tmp;
        return rc;
    }
    if (size && block_read_bytes(tmp.device, tmp.offset, f->data, size) != 0) {
        free(f->data);
        memory_used -= f->capacity;
        *f = tmp;
        return -EIO;
    }
    return 0;
}

} // namespace nabla::fs

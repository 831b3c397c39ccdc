// The guest's file tree, all in memory: directories, symlinks, special
// files, and regular files whose bytes live in one of three places: guest
// memory (the writable layer, size-limited), an extent of the root image on
// a block device (read-only; copied to memory on the first write), or a
// whole block device mounted as one file (its size starts at the device's
// capacity and may shrink and grow back within it during a run).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace nabla::fs {

enum class Kind : uint8_t { dir, file, symlink, special };
enum class Storage : uint8_t { memory, image, block };
enum class Special : uint8_t { null, zero, random, console_in, console_out, console_err, text, stream };

class Stream;

struct Node {
    char* name = nullptr;
    Kind kind = Kind::file;
    uint32_t mode = 0644; // permission bits only
    uint64_t ino = 0;
    int64_t mtime_ns = 0;
    uint32_t links = 0;   // names pointing here (1, or 0 once unlinked)
    uint32_t opens = 0;   // open file descriptions
    Node* parent = nullptr;
    Node* children = nullptr; // directories
    Node* next = nullptr;     // sibling

    // Regular files
    Storage storage = Storage::memory;
    uint64_t size = 0;
    char* data = nullptr;   // memory
    uint64_t capacity = 0;  // memory
    uint32_t device = 0;    // image, block: platform handle
    uint64_t offset = 0;    // image: where the bytes start on the device
    bool read_only = false; // block

    // Symlinks and text specials
    char* target = nullptr;
    Special special = Special::null;

    // Special::stream: a socket, pipe end, eventfd or epoll (stream.hpp)
    Stream* stream = nullptr;
};

Node* root();
Node* make_node(Node* dir, const char* name, Kind kind, uint32_t mode); // nullptr: out of memory
Node* make_stream_node(Stream* s);  // in no directory; freed with its last descriptor
Node* find_child(Node* dir, const char* name, size_t len);
void detach(Node* node);        // from its directory; frees it if nothing holds it
void release_if_unused(Node* node);
bool dir_empty(const Node* dir);
int64_t now_ns();

// The writable layer's budget, in bytes of file data held in memory.
void set_memory_limit(uint64_t bytes);
long reserve_memory(Node* file, uint64_t new_size); // 0 or -ENOSPC / -ENOMEM
long copy_up(Node* file);                           // image -> memory, before a write

} // namespace nabla::fs

#include "tar_image.hpp"

#include "block_io.hpp"
#include "node.hpp"
#include "path.hpp"

#include "nabla/platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace nabla::fs {
namespace {

struct Header {
    char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8], type, linkname[100];
    char magic[6], version[2], uname[32], gname[32], devmajor[8], devminor[8], prefix[155], pad[12];
};
static_assert(sizeof(Header) == 512);

void complain(const char* what, uint64_t at) {
    char line[160];
    int n = snprintf(line, sizeof line, "nabla: root image: %s at byte %llu\n", what, (unsigned long long)at);
    nabla_console_write_err(line, n < (int)sizeof line ? (size_t)n : sizeof line - 1);
}

// Octal, or GNU base-256 for large sizes; false if malformed.
bool number(const char* field, size_t len, uint64_t* out) {
    if (len && (field[0] & 0x80)) {
        uint64_t v = static_cast<unsigned char>(field[0]) & 0x7f;
        for (size_t i = 1; i < len; i++) {
            if (v >> 56) return false;
            v = v << 8 | static_cast<unsigned char>(field[i]);
        }
        *out = v;
        return true;
    }
    uint64_t v = 0;
    size_t i = 0;
    while (i < len && field[i] == ' ') i++;
    for (; i < len && field[i] >= '0' && field[i] <= '7'; i++) {
        if (v >> 60) return false;
        v = v * 8 + static_cast<uint64_t>(field[i] - '0');
    }
    for (; i < len; i++)
        if (field[i] != ' ' && field[i] != '\0') return false;
    *out = v;
    return true;
}

bool checksum_ok(const Header& h) {
    uint64_t want;
    if (!number(h.chksum, sizeof h.chksum, &want)) return false;
    const auto* b = reinterpret_cast<const unsigned char*>(&h);
    uint64_t sum = 0;
    for (size_t i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : b[i];
    return sum == want;
}

bool all_zero(const Header& h) {
    const auto* b = reinterpret_cast<const unsigned char*>(&h);
    for (size_t i = 0; i < 512; i++)
        if (b[i]) return false;
    return true;
}

// A pax record list: "LEN key=value\n"...; picks path, linkpath and size.
void parse_pax(char* text, uint64_t len, char** path, char** link, uint64_t* size, bool* has_size) {
    uint64_t pos = 0;
    while (pos < len) {
        char* rec = text + pos;
        uint64_t rlen = strtoull(rec, nullptr, 10);
        if (rlen == 0 || rlen > len - pos) return;
        char* key = static_cast<char*>(memchr(rec, ' ', rlen));
        char* eq = key ? static_cast<char*>(memchr(key, '=', rlen - (key - rec))) : nullptr;
        if (key && eq && rec[rlen - 1] == '\n') {
            key++;
            rec[rlen - 1] = '\0';
            size_t klen = static_cast<size_t>(eq - key);
            if (klen == 4 && !memcmp(key, "path", 4)) free(*path), *path = strdup(eq + 1);
            if (klen == 8 && !memcmp(key, "linkpath", 8)) free(*link), *link = strdup(eq + 1);
            if (klen == 4 && !memcmp(key, "size", 4)) *size = strtoull(eq + 1, nullptr, 10), *has_size = true;
        }
        pos += rlen;
    }
}

// Reads a long name or pax block of len bytes at offset.
char* read_text(uint32_t dev, uint64_t offset, uint64_t len) {
    if (len > (1u << 20)) return nullptr;
    char* text = static_cast<char*>(malloc(len + 1));
    if (!text) return nullptr;
    if (block_read_bytes(dev, offset, text, len) != 0) {
        free(text);
        return nullptr;
    }
    text[len] = '\0';
    return text;
}

// Creates the directories on the way to path, then the entry itself.
Node* place(const char* path, Kind kind, uint32_t mode) {
    Node* dir = root();
    const char* p = path;
    for (;;) {
        while (*p == '/') p++;
        if (!*p) return dir;
        const char* end = strchr(p, '/');
        size_t len = end ? static_cast<size_t>(end - p) : strlen(p);
        bool last = !end || !end[strspn(end, "/")];
        if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) {
            if (last) return dir;
            p += len;
            continue;
        }
        char name[256];
        if (len >= sizeof name) return nullptr;
        memcpy(name, p, len);
        name[len] = '\0';
        Node* child = find_child(dir, name, len);
        if (last) {
            if (child && child->kind == kind) return child; // a directory listed twice, or a later copy
            if (child) detach(child);
            return make_node(dir, name, kind, mode);
        }
        if (!child) child = make_node(dir, name, Kind::dir, 0755);
        if (!child || child->kind != Kind::dir) return nullptr;
        dir = child;
        p += len;
    }
}

} // namespace

long mount_tar_root(uint32_t dev) {
    uint64_t capacity = block_capacity(dev), at = 0;
    char* long_name = nullptr;
    char* long_link = nullptr;
    uint64_t pax_size = 0;
    bool has_pax_size = false;
    long rc = 0;
    while (at + 512 <= capacity) {
        Header h;
        if (block_read_bytes(dev, at, &h, sizeof h) != 0) {
            complain("cannot read a header", at), rc = -EIO;
            break;
        }
        if (all_zero(h)) break; // end of archive
        if (!checksum_ok(h)) {
            complain("bad header checksum (not a tar image?)", at), rc = -EINVAL;
            break;
        }
        uint64_t size, mode, mtime = 0;
        if (!number(h.size, sizeof h.size, &size) || !number(h.mode, sizeof h.mode, &mode)) {
            complain("bad size or mode field", at), rc = -EINVAL;
            break;
        }
        number(h.mtime, sizeof h.mtime, &mtime);
        if (has_pax_size) size = pax_size;
        uint64_t data = at + 512;
        if (size > capacity - data) {
            complain("entry runs past the end of the device", at), rc = -EINVAL;
            break;
        }
        uint64_t next = data + ((size + 511) & ~uint64_t{511});

        if (h.type == 'L' || h.type == 'K') { // GNU long name / long link for the next entry
            char* text = read_text(dev, data, size);
            if (h.type == 'L') free(long_name), long_name = text;
            else free(long_link), long_link = text;
            at = next;
            continue;
        }
        if (h.type == 'x') { // pax header for the next entry
            char* text = read_text(dev, data, size);
            if (text) parse_pax(text, size, &long_name, &long_link, &pax_size, &has_pax_size);
            free(text);
            at = next;
            continue;
        }
        if (h.type == 'g') { // pax global header: nothing we use
            at = next;
            continue;
        }

        char path[512];
        if (long_name) {
            snprintf(path, sizeof path, "%s", long_name);
        } else if (h.prefix[0] && !memcmp(h.magic, "ustar", 5)) {
            snprintf(path, sizeof path, "%.155s/%.100s", h.prefix, h.name);
        } else {
            snprintf(path, sizeof path, "%.100s", h.name);
        }
        char link[512];
        snprintf(link, sizeof link, "%s", long_link ? long_link : "");
        if (!long_link) snprintf(link, sizeof link, "%.100s", h.linkname);
        free(long_name), long_name = nullptr;
        free(long_link), long_link = nullptr;
        has_pax_size = false;

        Node* n = nullptr;
        switch (h.type) {
        case '0':
        case '\0':
        case '7':
            n = place(path, Kind::file, static_cast<uint32_t>(mode));
            if (n) n->storage = Storage::image, n->device = dev, n->offset = data, n->size = size;
            break;
        case '1': { // hard link: share the target's bytes
            Node* target = nullptr;
            if (lookup(root(), link, false, &target) == 0 && target->kind == Kind::file &&
                target->storage == Storage::image) {
                n = place(path, Kind::file, target->mode);
                if (n) n->storage = Storage::image, n->device = dev, n->offset = target->offset, n->size = target->size;
            }
            break;
        }
        case '2':
            n = place(path, Kind::symlink, 0777);
            if (n) free(n->target), n->target = strdup(link);
            break;
        case '5':
            n = place(path, Kind::dir, static_cast<uint32_t>(mode));
            break;
        default: // devices, fifos: not in a unikernel's root
            at = next;
            continue;
        }
        if (!n) {
            complain("cannot place an entry (bad path, or out of memory)", at), rc = -EINVAL;
            break;
        }
        n->mode = static_cast<uint32_t>(mode) & 07777;
        n->mtime_ns = static_cast<int64_t>(mtime) * 1000000000;
        at = next;
    }
    free(long_name);
    free(long_link);
    return rc;
}

} // namespace nabla::fs

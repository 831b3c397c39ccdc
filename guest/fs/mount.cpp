#include "mount.hpp"

#include "file.hpp"
#include "node.hpp"
#include "path.hpp"
#include "tar_image.hpp"

#include "nabla/platform.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace nabla::fs {
namespace {

void say(const char* what, const char* detail) {
    char line[400];
    int n = snprintf(line, sizeof line, "nabla: %s: %s\n", what, detail);
    nabla_console_write_err(line, n < (int)sizeof line ? (size_t)n : sizeof line - 1);
}

Node* ensure_dir(const char* path, uint32_t mode) {
    Node* n;
    if (lookup(root(), path, true, &n) == 0) return n->kind == Kind::dir ? n : nullptr;
    Node* dir;
    char name[name_max + 1];
    if (lookup_parent(root(), path, &dir, name) != 0) return nullptr;
    return make_node(dir, name, Kind::dir, mode);
}

Node* special(Node* dir, const char* name, Special what, uint32_t mode) {
    Node* n = find_child(dir, name, strlen(name));
    if (n) detach(n); // the image may ship its own /dev entries: ours win
    n = make_node(dir, name, Kind::special, mode);
    if (n) n->special = what;
    return n;
}

// "a\0b\0" text of /proc/self/cmdline and environ; its length in *size.
char* joined(const uint64_t* strings, uint64_t* size) {
    size_t len = 0;
    for (const uint64_t* s = strings; *s; s++) len += strlen(reinterpret_cast<const char*>(*s)) + 1;
    char* text = static_cast<char*>(malloc(len + 1));
    if (!text) return nullptr;
    char* p = text;
    for (const uint64_t* s = strings; *s; s++) {
        size_t n = strlen(reinterpret_cast<const char*>(*s)) + 1;
        memcpy(p, reinterpret_cast<const char*>(*s), n);
        p += n;
    }
    *p = '\0';
    *size = len;
    return text;
}

long mount_block_file(const nabla_mount& m, uint32_t h, const nabla_device* d) {
    Node* dir;
    char name[name_max + 1];
    // Create the directories on the way, as a mount point would have them.
    char parent[NABLA_MOUNT_PATH_MAX + 1];
    snprintf(parent, sizeof parent, "%s", m.path);
    for (char* p = parent + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        if (!ensure_dir(parent, 0755)) return say(m.path, "cannot create its directory"), -ENOTDIR;
        *p = '/';
    }
    if (long rc = lookup_parent(root(), m.path, &dir, name)) return say(m.path, "bad mount path"), rc;
    if (Node* old = find_child(dir, name, strlen(name))) detach(old);
    Node* n = make_node(dir, name, Kind::file, d->u.block.read_only ? 0444 : 0644);
    if (!n) return -ENOMEM;
    n->storage = Storage::block;
    n->device = h;
    n->size = d->u.block.capacity;
    n->read_only = d->u.block.read_only;
    return 0;
}

} // namespace

long init(const struct nabla_boot_info* bi) {
    set_memory_limit(uint64_t{bi->writable_mib} << 20);
    const auto* mounts = reinterpret_cast<const nabla_mount*>(bi->mounts);
    for (uint32_t pass = 0; pass < 2; pass++) { // the root first, then files on it
        for (uint32_t i = 0; i < bi->mount_count; i++) {
            const nabla_mount& m = mounts[i];
            if ((pass == 0) != (m.kind == NABLA_MOUNT_ROOT_TAR)) continue;
            nabla_handle_t h;
            const nabla_device* d;
            if (nabla_device_find(m.device, NABLA_DEVICE_BLOCK, &h, &d) != NABLA_OK)
                return say(m.device, "no such block device to mount"), -ENODEV;
            long rc = m.kind == NABLA_MOUNT_ROOT_TAR ? mount_tar_root(h) : mount_block_file(m, h, d);
            if (rc) return rc;
        }
    }

    Node* dev = ensure_dir("/dev", 0755);
    Node* tmp = ensure_dir("/tmp", 01777);
    Node* proc = ensure_dir("/proc", 0555);
    Node* self = proc ? ensure_dir("/proc/self", 0555) : nullptr;
    if (!dev || !tmp || !self) return say("/", "cannot create /dev, /tmp or /proc"), -ENOTDIR;
    Node* in = special(dev, "stdin", Special::console_in, 0444);
    Node* out = special(dev, "stdout", Special::console_out, 0222);
    Node* err = special(dev, "stderr", Special::console_err, 0222);
    special(dev, "null", Special::null, 0666);
    special(dev, "zero", Special::zero, 0666);
    special(dev, "random", Special::random, 0444);
    special(dev, "urandom", Special::random, 0444);
    Node* cmdline = special(self, "cmdline", Special::text, 0444);
    Node* environ = special(self, "environ", Special::text, 0400);
    if (cmdline) cmdline->target = joined(reinterpret_cast<const uint64_t*>(bi->argv), &cmdline->size);
    if (environ) environ->target = joined(reinterpret_cast<const uint64_t*>(bi->envp), &environ->size);
    if (Node* exe = find_child(self, "exe", 3)) detach(exe);
    if (Node* exe = make_node(self, "exe", Kind::symlink, 0777))
        exe->target = strdup(*reinterpret_cast<const char* const*>(bi->argv));

    Node* console[3] = {in, out, err};
    int modes[3] = {O_RDONLY, O_WRONLY, O_WRONLY};
    for (int fd = 0; fd < 3; fd++) {
        OpenFile* f = console[fd] ? open_node(console[fd], modes[fd]) : nullptr;
        if (!f || fd_install(f, fd, false) != fd) return -ENOMEM;
    }
    return 0;
}

} // namespace nabla::fs

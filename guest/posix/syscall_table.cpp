#include "syscall.hpp"

#include "nabla/platform.h"

#include <stdio.h>
#include <sys/syscall.h>

namespace nabla::posix {
namespace {

struct Entry {
    Handler handler;
    const char* name;
    int arity;
};

constexpr long table_size = 512;

constexpr auto make_table() {
    struct {
        Entry e[table_size];
    } t{};
#define NABLA_SYSCALL(name, arity) t.e[SYS_##name] = {sys_##name, #name, arity};
#include "syscall_list.hpp"
#undef NABLA_SYSCALL
    return t;
}
constexpr auto table = make_table();

// Names of every Linux system call, for the log (generated from musl's list).
constexpr const char* names[table_size] = {
#include "syscall_names.inc"
};

bool reported[table_size];

void log_line(const char* text, int len) { nabla_console_write_err(text, static_cast<size_t>(len)); }

const char* name_of(long n) {
    return n >= 0 && n < table_size && names[n] ? names[n] : "unknown";
}

// One line per call: "nabla: name(args) = result"; calls that do not
// return (exit) are logged before they run, with "= ?" as strace does.
void trace(long n, const long* a, int arity, const long* result) {
    char line[256];
    int len = snprintf(line, sizeof line, "nabla: %s(", name_of(n));
    for (int i = 0; i < arity && len < (int)sizeof line; i++)
        len += snprintf(line + len, sizeof line - len, i ? ", %#lx" : "%#lx", (unsigned long)a[i]);
    if (len < (int)sizeof line)
        len += result ? snprintf(line + len, sizeof line - len, ") = %ld\n", *result)
                      : snprintf(line + len, sizeof line - len, ") = ?\n");
    log_line(line, len < (int)sizeof line ? len : (int)sizeof line - 1);
}

} // namespace
} // namespace nabla::posix

using namespace nabla::posix;

extern "C" long __nabla_syscall(long n, long a0, long a1, long a2, long a3, long a4, long a5) {
    const Entry* e = n >= 0 && n < table_size ? &table.e[n] : nullptr;
    bool tracing = nabla_boot_info()->guest_flags & NABLA_GUEST_TRACE_SYSCALLS;
    long args[6] = {a0, a1, a2, a3, a4, a5};
    if (tracing && (n == SYS_exit || n == SYS_exit_group)) trace(n, args, 1, nullptr);
    long result;
    if (e && e->handler) {
        result = e->handler(a0, a1, a2, a3, a4, a5);
    } else {
        result = -ENOSYS;
        if (n < 0 || n >= table_size || !reported[n]) {
            if (n >= 0 && n < table_size) reported[n] = true;
            char line[128];
            int len = snprintf(line, sizeof line, "nabla: system call %s (%ld) is not implemented: ENOSYS\n",
                               name_of(n), n);
            log_line(line, len < (int)sizeof line ? len : (int)sizeof line - 1);
        }
    }
    if (tracing) trace(n, args, e && e->handler ? e->arity : 6, &result);
    return result;
}

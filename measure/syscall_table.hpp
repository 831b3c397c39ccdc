// The x86_64 system call names, generated at build time from the installed
// kernel headers (asm/unistd_64.h; gen_syscall_table.cmake).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hap {

struct SyscallName {
    int nr;
    std::string_view name;
};

// Every row of the header, in ascending number order.
std::span<const SyscallName> syscall_table();

// The highest number the header names.
int max_syscall_nr();

std::optional<std::string_view> syscall_name(int nr);
std::optional<int> syscall_number(std::string_view name);

// The name, or "syscall_NNN" for a number the header does not know (newer kernels).
std::string syscall_label(int nr);

} // namespace hap

#include "syscall_table.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace hap {
namespace {

constexpr SyscallName rows[] = {
#include "syscall_table.inc"
};

constexpr bool ascending() {
    for (size_t i = 1; i < std::size(rows); i++)
        if (rows[i - 1].nr >= rows[i].nr) return false;
    return true;
}
static_assert(ascending(), "asm/unistd_64.h lists numbers in ascending order");

} // namespace

std::span<const SyscallName> syscall_table() { return rows; }

int max_syscall_nr() { return rows[std::size(rows) - 1].nr; }

std::optional<std::string_view> syscall_name(int nr) {
    auto it = std::ranges::lower_bound(rows, nr, {}, &SyscallName::nr);
    if (it == std::end(rows) || it->nr != nr) return std::nullopt;
    return it->name;
}

std::optional<int> syscall_number(std::string_view name) {
    auto it = std::ranges::find(rows, name, &SyscallName::name);
    if (it == std::end(rows)) return std::nullopt;
    return it->nr;
}

std::string syscall_label(int nr) {
    if (auto n = syscall_name(nr)) return std::string(*n);
    return fmt::format("syscall_{}", nr);
}

} // namespace hap

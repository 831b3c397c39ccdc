// From the platform's start to musl's: lays out argv, envp and an auxiliary
// vector as Linux puts them on a new process's stack, sets up the page
// allocator over the heap, and calls __libc_start_main.
#include "syscall.hpp"

#include "nabla/platform.h"

#include "../fs/mount.hpp"
#include "../net/stack.hpp"
#include "../kernel/page_allocator.hpp"

#include <elf.h>

extern "C" int main(int, char**, char**);
extern "C" int __libc_start_main(int (*)(int, char**, char**), int, char**, void (*)(), void (*)(), void (*)());

extern "C" __attribute__((optimize("no-stack-protector"))) void nabla_start(const struct nabla_boot_info* bi) {
    uintptr_t heap, heap_end;
    nabla_heap(&heap, &heap_end);
    heap = (heap + nabla::kernel::page_size - 1) & ~(nabla::kernel::page_size - 1);

    // argv, envp and auxv, contiguous, at the bottom of the heap.
    auto argv = reinterpret_cast<char* const*>(bi->argv);
    auto envp = reinterpret_cast<char* const*>(bi->envp);
    size_t envc = 0;
    while (envp[envc]) envc++;
    const uint64_t aux[][2] = {
        {AT_PHDR, bi->phdr},       {AT_PHENT, sizeof(Elf64_Phdr)}, {AT_PHNUM, bi->phnum},
        {AT_PAGESZ, 4096},         {AT_UID, 0},                    {AT_EUID, 0},
        {AT_GID, 0},               {AT_EGID, 0},                   {AT_SECURE, 0},
        {AT_RANDOM, reinterpret_cast<uint64_t>(bi->entropy)},      {AT_EXECFN, reinterpret_cast<uint64_t>(argv[0])},
        {AT_NULL, 0},
    };
    auto* vec = reinterpret_cast<uint64_t*>(heap);
    size_t n = 0;
    for (uint32_t i = 0; i <= bi->argc; i++) vec[n++] = reinterpret_cast<uint64_t>(argv[i]);
    for (size_t i = 0; i <= envc; i++) vec[n++] = reinterpret_cast<uint64_t>(envp[i]);
    for (const auto& a : aux) vec[n++] = a[0], vec[n++] = a[1];
    heap += (n * sizeof(uint64_t) + nabla::kernel::page_size - 1) & ~(nabla::kernel::page_size - 1);

    nabla::kernel::pages().init(heap, heap_end);
    __libc_start_main(main, static_cast<int>(bi->argc), reinterpret_cast<char**>(vec), nullptr, nullptr, nullptr);
    nabla_exit(127); // not reached: musl calls exit
}

// The file tree needs malloc, which needs musl initialised: build it as the
// first constructor, before the program's own.
__attribute__((constructor(101))) static void init_files() {
    if (nabla::fs::init(nabla_boot_info()) != 0) nabla_exit(NABLA_EXIT_ABORT); // it said why
}

// The network stack needs malloc too; up before the program's constructors,
// so the guest answers ARP and ping before it opens a socket.
__attribute__((constructor(102))) static void init_network() { nabla::net::start(); }

/*
 * A first TLS block from the PT_TLS image, so that %fs:0x28 holds the stack
 * protector's canary before any protected function runs. A libc (musl)
 * replaces it with its own block through nabla_set_tls_base().
 */
#include "platform_internal.h"

#include "elf64.h"

/* x86_64 TLS variant II: the thread pointer points at the TCB, after the
 * TLS data; the TCB's first word points to itself. */
struct tcb {
    void *self;
    uint64_t reserved[4];
    uint64_t canary; /* %fs:0x28 */
};

void nabla_set_tls_base(uintptr_t base) {
    if (platform_bi->host_flags & NABLA_HOST_FSGSBASE)
        __asm__ volatile("wrfsbase %0" : : "r"(base) : "memory");
    else
        host_call6(HOST_ARCH_PRCTL, 0x1002 /* ARCH_SET_FS */, (long)base, 0, 0, 0, 0);
}

void platform_tls_init(const struct nabla_boot_info *bi) {
    const Elf64_Phdr *tls = 0;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)bi->phdr;
    for (uint32_t i = 0; ph && i < bi->phnum; i++)
        if (ph[i].p_type == PT_TLS) tls = &ph[i];

    uint64_t align = tls && tls->p_align > 64 ? tls->p_align : 64;
    uint64_t size = tls ? (tls->p_memsz + align - 1) & ~(align - 1) : 0;
    unsigned char *block = platform_early_alloc(size + sizeof(struct tcb), align);
    if (tls) {
        const unsigned char *image = (const unsigned char *)(tls->p_vaddr + bi->load_bias);
        unsigned char *data = block + size - tls->p_memsz;
        for (uint64_t i = 0; i < tls->p_filesz; i++) data[i] = image[i];
        /* .tbss is zero: fresh heap memory */
    }
    struct tcb *tcb = (struct tcb *)(block + size);
    tcb->self = tcb;
    uint64_t canary = 0;
    for (int i = 0; i < 8; i++) canary |= (uint64_t)bi->entropy[i] << (8 * i);
    tcb->canary = canary & ~(uint64_t)0xff; /* a NUL byte stops string overreads */
    nabla_set_tls_base((uintptr_t)tcb);
}

/* Weak: a libc brings its own. */
__attribute__((weak, noreturn)) void __stack_chk_fail(void) { nabla_abort("stack smashing detected"); }

/*
 * First C code of the guest. Runs before relocation and before TLS exists,
 * so it is built without the stack protector and touches no pointer that
 * needs relocating until relocate() is done.
 */
#include "platform_internal.h"

#include "elf64.h"

/* Makes the kernel refuse to exec a unikernel directly. */
__attribute__((section(".interp"), used)) static const char interp[] =
    "/nonexistent/nabla-unikernel-run-it-with-nabla-run";

extern const char nabla_manifest_note[]; /* the app's, or the default one */

const struct nabla_boot_info *platform_bi;

/* Static-PIE: apply R_X86_64_RELATIVE relocations for our load address. */
static void relocate(const struct nabla_boot_info *bi) {
    const Elf64_Phdr *ph = (const Elf64_Phdr *)bi->phdr;
    const Elf64_Dyn *dynamic = 0;
    uint64_t bias = bi->load_bias;
    for (uint32_t i = 0; i < bi->phnum; i++)
        if (ph[i].p_type == PT_DYNAMIC) dynamic = (const Elf64_Dyn *)(ph[i].p_vaddr + bias);
    if (!dynamic) return; /* ET_EXEC */
    const Elf64_Rela *rela = 0;
    uint64_t relasz = 0;
    for (const Elf64_Dyn *d = dynamic; d->d_tag != DT_NULL; d++) {
        if (d->d_tag == DT_RELA) rela = (const Elf64_Rela *)(d->d_un.d_ptr + bias);
        if (d->d_tag == DT_RELASZ) relasz = d->d_un.d_val;
    }
    for (uint64_t i = 0; rela && i < relasz / sizeof(Elf64_Rela); i++) {
        if (ELF64_R_TYPE(rela[i].r_info) != R_X86_64_RELATIVE) {
            /* Nothing else belongs in a static-PIE; refuse to run half-relocated. */
            static const char msg[] = "nabla: unsupported relocation in static-PIE image\n";
            host_call6(HOST_WRITE, 2, (long)msg, sizeof msg - 1, 0, 0, 0);
            host_call6(HOST_EXIT_GROUP, NABLA_EXIT_ABORT, 0, 0, 0, 0, 0);
        }
        *(uint64_t *)(rela[i].r_offset + bias) = bias + (uint64_t)rela[i].r_addend;
    }
}

__attribute__((noreturn)) void nabla_platform_start(const struct nabla_boot_info *bi) {
    relocate(bi);
    platform_bi = bi;
    __asm__ volatile("" : : "r"(nabla_manifest_note)); /* keep the manifest linked */
    platform_heap_init(bi);
    platform_tls_init(bi);
    nabla_start(bi);
    nabla_exit(0);
}

const struct nabla_boot_info *nabla_boot_info(void) { return platform_bi; }

/* The few ELF64 definitions the guest start code reads (no host headers in
 * a freestanding guest). Values from the System V ABI. */
#ifndef NABLA_ELF64_H
#define NABLA_ELF64_H

#include <stdint.h>

typedef struct {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
} Elf64_Phdr;

typedef struct {
    int64_t d_tag;
    union {
        uint64_t d_val, d_ptr;
    } d_un;
} Elf64_Dyn;

typedef struct {
    uint64_t r_offset, r_info;
    int64_t r_addend;
} Elf64_Rela;

#define PT_DYNAMIC 2
#define PT_TLS 7
#define DT_NULL 0
#define DT_RELA 7
#define DT_RELASZ 8
#define ELF64_R_TYPE(i) ((i) & 0xffffffffu)
#define R_X86_64_RELATIVE 8

#endif

#include "vdso.hpp"

#include <elf.h>
#include <sys/auxv.h>

#include <cstring>

namespace nabla {

uint64_t find_vdso_clock_gettime() {
    auto base = getauxval(AT_SYSINFO_EHDR);
    if (!base) return 0;
    auto* eh = reinterpret_cast<const Elf64_Ehdr*>(base);
    auto* ph = reinterpret_cast<const Elf64_Phdr*>(base + eh->e_phoff);
    uint64_t load_offset = 0;
    const Elf64_Dyn* dyn = nullptr;
    bool have_load = false;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !have_load) {
            load_offset = base + ph[i].p_offset - ph[i].p_vaddr;
            have_load = true;
        } else if (ph[i].p_type == PT_DYNAMIC) {
            dyn = reinterpret_cast<const Elf64_Dyn*>(base + ph[i].p_offset);
        }
    }
    if (!dyn || !have_load) return 0;
    const Elf64_Sym* symtab = nullptr;
    const char* strtab = nullptr;
    const Elf32_Word* hash = nullptr;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        if (dyn->d_tag == DT_SYMTAB) symtab = reinterpret_cast<const Elf64_Sym*>(dyn->d_un.d_ptr + load_offset);
        if (dyn->d_tag == DT_STRTAB) strtab = reinterpret_cast<const char*>(dyn->d_un.d_ptr + load_offset);
        if (dyn->d_tag == DT_HASH) hash = reinterpret_cast<const Elf32_Word*>(dyn->d_un.d_ptr + load_offset);
    }
    if (!symtab || !strtab || !hash) return 0;
    uint32_t nsyms = hash[1]; // nchain
    for (uint32_t i = 0; i < nsyms; i++) {
        const Elf64_Sym& s = symtab[i];
        if (ELF64_ST_TYPE(s.st_info) != STT_FUNC || s.st_shndx == SHN_UNDEF) continue;
        if (std::strcmp(strtab + s.st_name, "__vdso_clock_gettime") == 0) return s.st_value + load_offset;
    }
    return 0;
}

} // namespace nabla

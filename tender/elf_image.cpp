#include "elf_image.hpp"

#include "nabla/abi.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fmt/format.h>

namespace nabla {
namespace {

bool add_overflows(uint64_t a, uint64_t b, uint64_t* out) {
    return __builtin_add_overflow(a, b, out);
}

uint64_t page_down(uint64_t v) { return v & ~(page_size - 1); }

// Round up, or UINT64_MAX on overflow so that range checks fail.
uint64_t page_up(uint64_t v) {
    uint64_t r;
    if (add_overflows(v, page_size - 1, &r)) return UINT64_MAX & ~(page_size - 1);
    return page_down(r);
}

bool is_power_of_two(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

// A byte range [offset, offset + size) inside the file, or an error naming it.
Result<std::span<const std::byte>> file_range(std::span<const std::byte> file, uint64_t offset,
                                              uint64_t size, const std::string& what) {
    uint64_t end;
    if (add_overflows(offset, size, &end) || end > file.size())
        return fail(Exit::bad_kernel, fmt::format("{} (offset {:#x}, size {:#x}) extends past the "
                                                  "end of the file ({:#x} bytes)",
                                                  what, offset, size, file.size()));
    return file.subspan(offset, size);
}

template <typename T>
T read_struct(std::span<const std::byte> bytes) {
    T value;
    std::memcpy(&value, bytes.data(), sizeof(T));
    return value;
}

// Walks the notes of one PT_NOTE segment; remembers the NABLA manifest.
Result<void> scan_notes(std::span<const std::byte> notes, ElfImage& image) {
    uint64_t pos = 0;
    while (pos < notes.size()) {
        if (notes.size() - pos < sizeof(Elf64_Nhdr))
            return fail(Exit::bad_kernel, fmt::format("truncated note header at note offset {:#x}", pos));
        auto nh = read_struct<Elf64_Nhdr>(notes.subspan(pos));
        uint64_t name_at = pos + sizeof(Elf64_Nhdr);
        uint64_t name_len = (uint64_t{nh.n_namesz} + 3) & ~uint64_t{3};
        uint64_t desc_len = (uint64_t{nh.n_descsz} + 3) & ~uint64_t{3};
        uint64_t desc_at = name_at + name_len; // no overflow: all < 2^34
        if (desc_at > notes.size() || desc_len > notes.size() - desc_at)
            return fail(Exit::bad_kernel,
                        fmt::format("note at offset {:#x} has namesz {} descsz {} past its "
                                    "segment ({:#x} bytes)",
                                    pos, nh.n_namesz, nh.n_descsz, notes.size()));
        auto name = notes.subspan(name_at, nh.n_namesz);
        bool ours = nh.n_namesz == sizeof(NABLA_NOTE_OWNER) &&
                    std::memcmp(name.data(), NABLA_NOTE_OWNER, sizeof(NABLA_NOTE_OWNER)) == 0;
        if (ours && nh.n_type == NABLA_NOTE_MANIFEST) {
            if (!image.manifest.empty())
                return fail(Exit::bad_kernel, "more than one NABLA manifest note");
            image.manifest = notes.subspan(desc_at, nh.n_descsz);
            if (image.manifest.empty())
                return fail(Exit::bad_kernel, "NABLA manifest note is empty");
        }
        pos = desc_at + desc_len;
    }
    return {};
}

Result<void> check_header(const Elf64_Ehdr& eh, uint64_t file_size) {
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
        return fail(Exit::bad_kernel, "not an ELF file (bad magic)");
    if (eh.e_ident[EI_CLASS] != ELFCLASS64)
        return fail(Exit::bad_kernel, fmt::format("ELF class {} is not ELFCLASS64", eh.e_ident[EI_CLASS]));
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(Exit::bad_kernel, "ELF data encoding is not little-endian");
    if (eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_version != EV_CURRENT)
        return fail(Exit::bad_kernel, fmt::format("ELF version {} is not EV_CURRENT", eh.e_version));
    if (eh.e_machine != EM_X86_64)
        return fail(Exit::bad_kernel, fmt::format("ELF machine {} is not x86_64 ({})", eh.e_machine, EM_X86_64));
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
        return fail(Exit::bad_kernel, fmt::format("ELF type {} is neither ET_EXEC nor ET_DYN", eh.e_type));
    if (eh.e_ehsize != sizeof(Elf64_Ehdr))
        return fail(Exit::bad_kernel, fmt::format("e_ehsize {} is not {}", eh.e_ehsize, sizeof(Elf64_Ehdr)));
    if (eh.e_phentsize != sizeof(Elf64_Phdr))
        return fail(Exit::bad_kernel,
                    fmt::format("e_phentsize {} is not {}", eh.e_phentsize, sizeof(Elf64_Phdr)));
    if (eh.e_phnum == 0 || eh.e_phnum > max_program_headers)
        return fail(Exit::bad_kernel, fmt::format("e_phnum {} is not in 1..{}", eh.e_phnum, max_program_headers));
    (void)file_size;
    return {};
}

Result<LoadSegment> check_load(const Elf64_Phdr& ph, size_t index, uint64_t file_size) {
    auto where = fmt::format("PT_LOAD #{}", index);
    uint64_t end;
    if (add_overflows(ph.p_offset, ph.p_filesz, &end) || end > file_size)
        return fail(Exit::bad_kernel, fmt::format("{}: file range {:#x}+{:#x} past end of file ({:#x})",
                                                  where, ph.p_offset, ph.p_filesz, file_size));
    if (ph.p_filesz > ph.p_memsz)
        return fail(Exit::bad_kernel, fmt::format("{}: p_filesz {:#x} > p_memsz {:#x}", where,
                                                  ph.p_filesz, ph.p_memsz));
    if (ph.p_memsz == 0)
        return fail(Exit::bad_kernel, fmt::format("{}: p_memsz is 0", where));
    if (!is_power_of_two(ph.p_align) || ph.p_align < page_size)
        return fail(Exit::bad_kernel, fmt::format("{}: p_align {:#x} is not a power of two >= {:#x}",
                                                  where, ph.p_align, page_size));
    if (ph.p_vaddr % ph.p_align != ph.p_offset % ph.p_align)
        return fail(Exit::bad_kernel, fmt::format("{}: p_vaddr {:#x} and p_offset {:#x} disagree modulo "
                                                  "p_align {:#x}", where, ph.p_vaddr, ph.p_offset, ph.p_align));
    // Keep every guest address below 2^47 so later sums cannot wrap.
    if (add_overflows(ph.p_vaddr, ph.p_memsz, &end) || end > (uint64_t{1} << 47))
        return fail(Exit::bad_kernel, fmt::format("{}: p_vaddr {:#x} + p_memsz {:#x} is outside the "
                                                  "user address space", where, ph.p_vaddr, ph.p_memsz));
    bool w = ph.p_flags & PF_W, x = ph.p_flags & PF_X;
    if (w && x)
        return fail(Exit::bad_kernel, fmt::format("{} at {:#x} is both writable and executable (W^X)",
                                                  where, ph.p_vaddr));
    return LoadSegment{ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz,
                       (ph.p_flags & PF_R) != 0, w, x};
}

} // namespace

Result<ElfImage> parse_elf(std::span<const std::byte> file) {
    if (file.size() < sizeof(Elf64_Ehdr))
        return fail(Exit::bad_kernel, fmt::format("file is {} bytes, smaller than an ELF header", file.size()));
    auto eh = read_struct<Elf64_Ehdr>(file);
    if (auto ok = check_header(eh, file.size()); !ok) return std::unexpected(ok.error());

    ElfImage image;
    image.pie = eh.e_type == ET_DYN;
    image.entry = eh.e_entry;
    image.phoff = eh.e_phoff;
    image.phnum = eh.e_phnum;
    auto phdrs = file_range(file, eh.e_phoff, uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr), "program header table");
    if (!phdrs) return std::unexpected(phdrs.error());

    bool has_tls = false;
    Elf64_Phdr tls{};
    for (size_t i = 0; i < eh.e_phnum; i++) {
        auto ph = read_struct<Elf64_Phdr>(phdrs->subspan(i * sizeof(Elf64_Phdr)));
        switch (ph.p_type) {
        case PT_LOAD: {
            auto seg = check_load(ph, image.segments.size(), file.size());
            if (!seg) return std::unexpected(seg.error());
            if (!image.segments.empty()) {
                const auto& prev = image.segments.back();
                if (seg->vaddr < prev.vaddr)
                    return fail(Exit::bad_kernel, fmt::format("PT_LOAD #{} at {:#x} comes after one at {:#x}: "
                                                              "segments must be in ascending order",
                                                              image.segments.size(), seg->vaddr, prev.vaddr));
                // Protections are per page: two segments may not share one.
                if (page_down(seg->vaddr) < page_up(prev.vaddr + prev.memsz))
                    return fail(Exit::bad_kernel, fmt::format("PT_LOAD #{} at {:#x} overlaps the page of the one "
                                                              "ending at {:#x}", image.segments.size(),
                                                              seg->vaddr, prev.vaddr + prev.memsz));
            }
            image.segments.push_back(*seg);
            break;
        }
        case PT_NOTE: {
            auto notes = file_range(file, ph.p_offset, ph.p_filesz, fmt::format("PT_NOTE #{}", i));
            if (!notes) return std::unexpected(notes.error());
            if (auto ok = scan_notes(*notes, image); !ok) return std::unexpected(ok.error());
            break;
        }
        case PT_INTERP:
            image.has_interp = true;
            break;
        case PT_TLS:
            if (has_tls) return fail(Exit::bad_kernel, "more than one PT_TLS");
            has_tls = true;
            tls = ph;
            break;
        case PT_GNU_STACK:
            if (ph.p_flags & PF_X)
                return fail(Exit::bad_kernel, "PT_GNU_STACK asks for an executable stack");
            break;
        case PT_DYNAMIC:
            // The linker script declares PT_DYNAMIC for both kinds; only
            // static-PIE may fill it (its relocations).
            if (!image.pie && ph.p_memsz != 0)
                return fail(Exit::bad_kernel, "non-empty PT_DYNAMIC in an ET_EXEC file: not a static unikernel");
            break;
        default:
            break; // PT_PHDR, PT_GNU_RELRO, PT_GNU_PROPERTY, ...: no loader action
        }
    }

    if (image.segments.empty()) return fail(Exit::bad_kernel, "no PT_LOAD segment");
    image.image_start = page_down(image.segments.front().vaddr);
    const auto& last = image.segments.back();
    image.image_end = page_up(last.vaddr + last.memsz);

    bool entry_ok = std::ranges::any_of(image.segments, [&](const LoadSegment& s) {
        return s.exec && image.entry >= s.vaddr && image.entry < s.vaddr + s.memsz;
    });
    if (!entry_ok)
        return fail(Exit::bad_kernel, fmt::format("entry point {:#x} is not inside an executable segment",
                                                  image.entry));

    if (has_tls && tls.p_memsz != 0) { // an empty PT_TLS is what the linker script leaves without TLS
        auto inside = std::ranges::any_of(image.segments, [&](const LoadSegment& s) {
            uint64_t end;
            return !add_overflows(tls.p_vaddr, tls.p_memsz, &end) && tls.p_vaddr >= s.vaddr &&
                   end <= s.vaddr + s.memsz && tls.p_filesz <= tls.p_memsz;
        });
        if (!inside)
            return fail(Exit::bad_kernel, fmt::format("PT_TLS at {:#x} size {:#x} is not inside a PT_LOAD",
                                                      tls.p_vaddr, tls.p_memsz));
    }

    // The guest finds its own program headers (musl's TLS setup needs them),
    // at their address in the segment that loads them.
    uint64_t ph_end = eh.e_phoff + uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr);
    auto holder = std::ranges::find_if(image.segments, [&](const LoadSegment& s) {
        return eh.e_phoff >= s.offset && ph_end <= s.offset + s.filesz;
    });
    if (holder != image.segments.end()) image.phdr_vaddr = holder->vaddr + (eh.e_phoff - holder->offset);
    else image.phnum = 0; // the guest is told it has none

    if (image.manifest.empty())
        return fail(Exit::bad_kernel, "no NABLA manifest note: not a nabla unikernel (build it with nabla-cc)");
    return image;
}

} // namespace nabla

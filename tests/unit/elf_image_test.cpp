// parse_elf: a well-formed synthetic unikernel is accepted, and each kind of
// malformed header, segment or note is refused with a message naming it.
#include "boot_info.hpp"
#include "elf_image.hpp"
#include "guest_memory.hpp"
#include "manifest.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace nabla {
namespace {

using test::Bytes;
using test::contains;
using test::error_of;
using test::fmt_hex;

// Indices of the program headers TestElf writes, in table order.
enum : size_t { ph_rodata, ph_text, ph_data, ph_note, ph_stack, ph_standard_count };

constexpr uint64_t text_size = 0x100, data_filesz = 0x80, data_memsz = 0x1080;

uint64_t page_up(uint64_t v) { return (v + 0xfff) & ~uint64_t{0xfff}; }

// A minimal unikernel image, laid out like the real ones (offsets in the
// file; the same plus `base` in memory):
//   0x0000      ELF header, program headers   } rodata: R
//   0x1000      notes (a manifest by default)  }
//   text_off()  0x100 bytes of code              text: R+X, entry at +0x10
//   data_off()  0x80 bytes of data               data: R+W, memsz 0x1080 (bss)
struct TestElf {
    uint16_t type = ET_DYN;
    uint64_t base = 0;
    Bytes notes = test::manifest_note(test::manifest_bytes({}));
    std::vector<Elf64_Phdr> extra; // appended after the standard headers

    static constexpr uint64_t notes_off = 0x1000;
    uint64_t text_off() const { return page_up(notes_off + notes.size()); }
    uint64_t data_off() const { return text_off() + 0x1000; }
    uint64_t entry() const { return base + text_off() + 0x10; }

    Bytes build() const {
        Bytes f(data_off() + data_filesz, std::byte{0});
        Elf64_Ehdr eh{};
        std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS64;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_ident[EI_VERSION] = EV_CURRENT;
        eh.e_type = type;
        eh.e_machine = EM_X86_64;
        eh.e_version = EV_CURRENT;
        eh.e_entry = entry();
        eh.e_phoff = sizeof(Elf64_Ehdr);
        eh.e_ehsize = sizeof(Elf64_Ehdr);
        eh.e_phentsize = sizeof(Elf64_Phdr);
        eh.e_phnum = static_cast<uint16_t>(ph_standard_count + extra.size());
        test::put(f, 0, eh);

        auto load = [](uint32_t flags, uint64_t off, uint64_t vaddr, uint64_t filesz, uint64_t memsz) {
            return Elf64_Phdr{PT_LOAD, flags, off, vaddr, vaddr, filesz, memsz, 0x1000};
        };
        std::vector<Elf64_Phdr> ph = {
            load(PF_R, 0, base, notes_off + notes.size(), notes_off + notes.size()),
            load(PF_R | PF_X, text_off(), base + text_off(), text_size, text_size),
            load(PF_R | PF_W, data_off(), base + data_off(), data_filesz, data_memsz),
            Elf64_Phdr{PT_NOTE, PF_R, notes_off, base + notes_off, base + notes_off, notes.size(), notes.size(), 4},
            Elf64_Phdr{PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16},
        };
        ph.insert(ph.end(), extra.begin(), extra.end());
        for (size_t i = 0; i < ph.size(); i++) test::put(f, sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr), ph[i]);

        std::copy(notes.begin(), notes.end(), f.begin() + notes_off);
        std::fill_n(f.begin() + static_cast<long>(text_off()), text_size, std::byte{0xcc}); // int3
        std::fill_n(f.begin() + static_cast<long>(data_off()), data_filesz, std::byte{0x5a});
        return f;
    }
};

template <typename F>
void edit_ehdr(Bytes& f, F change) {
    auto eh = test::get<Elf64_Ehdr>(f, 0);
    change(eh);
    test::put(f, 0, eh);
}

template <typename F>
void edit_phdr(Bytes& f, size_t index, F change) {
    size_t at = sizeof(Elf64_Ehdr) + index * sizeof(Elf64_Phdr);
    auto ph = test::get<Elf64_Phdr>(f, at);
    change(ph);
    test::put(f, at, ph);
}

// The one error of parsing f, expected to be Exit::bad_kernel.
Error rejection(const Bytes& f) {
    auto e = error_of(parse_elf(f));
    EXPECT_EQ(e.code, Exit::bad_kernel) << e.message;
    return e;
}

// --- accepted images ------------------------------------------------------

TEST(ParseElf, AcceptsStaticPie) {
    TestElf t;
    auto f = t.build();
    auto image = parse_elf(f);
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_TRUE(image->pie);
    EXPECT_EQ(image->entry, t.entry());
    EXPECT_EQ(image->phoff, sizeof(Elf64_Ehdr));
    EXPECT_EQ(image->phnum, ph_standard_count); // inside the first segment
    EXPECT_FALSE(image->has_interp);
    ASSERT_EQ(image->segments.size(), 3u);
    const auto& text = image->segments[1];
    EXPECT_EQ(text.vaddr, t.text_off());
    EXPECT_EQ(text.offset, t.text_off());
    EXPECT_EQ(text.filesz, text_size);
    EXPECT_EQ(text.memsz, text_size);
    EXPECT_TRUE(text.read && text.exec && !text.write);
    const auto& data = image->segments[2];
    EXPECT_EQ(data.filesz, data_filesz);
    EXPECT_EQ(data.memsz, data_memsz);
    EXPECT_TRUE(data.read && data.write && !data.exec);
    EXPECT_TRUE(image->segments[0].read && !image->segments[0].write && !image->segments[0].exec);
    EXPECT_EQ(image->image_start, 0u);
    EXPECT_EQ(image->image_end, t.data_off() + 0x2000); // bss rounded up to its page
    // The manifest is a view of the descriptor, inside the file.
    ASSERT_EQ(image->manifest.size(), sizeof(nabla_manifest));
    EXPECT_EQ(image->manifest.data(), f.data() + TestElf::notes_off + sizeof(Elf64_Nhdr) + 8);
}

TEST(ParseElf, AcceptsEtExecAtItsLinkAddress) {
    TestElf t;
    t.type = ET_EXEC;
    t.base = 0x400000;
    auto f = t.build();
    auto image = parse_elf(f);
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_FALSE(image->pie);
    EXPECT_EQ(image->entry, 0x400000 + t.text_off() + 0x10);
    ASSERT_EQ(image->segments.size(), 3u);
    EXPECT_EQ(image->segments[0].vaddr, 0x400000u);
    EXPECT_EQ(image->segments[2].vaddr, 0x400000 + t.data_off());
    EXPECT_EQ(image->image_start, 0x400000u);
    EXPECT_EQ(image->image_end, 0x400000 + t.data_off() + 0x2000);
    auto m = parse_manifest(image->manifest);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_TRUE(m->devices.empty());
}

TEST(ParseElf, ManifestSpanHoldsTheDeclaredDevices) {
    TestElf t;
    t.notes = test::manifest_note(test::manifest_bytes({{"net0", NABLA_DEVICE_NET}, {"disk", NABLA_DEVICE_BLOCK}}));
    auto image = parse_elf(t.build());
    ASSERT_TRUE(image) << image.error().message;
    auto m = parse_manifest(image->manifest);
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_EQ(m->devices.size(), 2u);
    EXPECT_EQ(m->devices[0].name, "net0");
    EXPECT_EQ(m->devices[1].kind, DeviceKind::block);
}

TEST(ParseElf, SkipsForeignNotes) {
    TestElf t;
    Bytes gnu = test::note_bytes("GNU", NT_GNU_BUILD_ID, Bytes(20, std::byte{0xab}));
    // An owner "NABLA" note of another type is not the manifest either.
    Bytes other = test::note_bytes(NABLA_NOTE_OWNER, 1, Bytes(4, std::byte{1}));
    Bytes manifest = t.notes;
    t.notes = gnu;
    t.notes.insert(t.notes.end(), other.begin(), other.end());
    t.notes.insert(t.notes.end(), manifest.begin(), manifest.end());
    auto image = parse_elf(t.build());
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_EQ(image->manifest.size(), sizeof(nabla_manifest));
}

TEST(ParseElf, AcceptsSixtyFourProgramHeaders) {
    TestElf t;
    t.extra.resize(max_program_headers - ph_standard_count, Elf64_Phdr{PT_NULL, 0, 0, 0, 0, 0, 0, 0});
    auto image = parse_elf(t.build());
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_EQ(image->phnum, 64);
}

TEST(ParseElf, ProgramHeadersOutsideTheImageAreNotPassedOn) {
    TestElf t;
    auto f = t.build();
    // The first segment now starts at the notes, leaving the headers unloaded.
    edit_phdr(f, ph_rodata, [&](Elf64_Phdr& p) {
        p.p_offset = p.p_vaddr = p.p_paddr = TestElf::notes_off;
        p.p_filesz = p.p_memsz = t.notes.size();
    });
    auto image = parse_elf(f);
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_EQ(image->phnum, 0);
    EXPECT_EQ(image->image_start, TestElf::notes_off);
}

TEST(ParseElf, AcceptsDynamicInStaticPieAndEmptyDynamicInEtExec) {
    TestElf pie;
    pie.extra.push_back({PT_DYNAMIC, PF_R | PF_W, pie.data_off(), pie.data_off(), 0, 0x40, 0x40, 8});
    auto image = parse_elf(pie.build());
    EXPECT_TRUE(image) << image.error().message;

    TestElf exec;
    exec.type = ET_EXEC;
    exec.base = 0x400000;
    exec.extra.push_back({PT_DYNAMIC, PF_R | PF_W, 0, 0, 0, 0, 0, 8}); // what nabla.ld leaves
    image = parse_elf(exec.build());
    EXPECT_TRUE(image) << image.error().message;
}

TEST(ParseElf, AcceptsTlsInsideALoadAndEmptyTls) {
    TestElf t;
    t.extra.push_back({PT_TLS, PF_R, t.data_off(), t.data_off(), 0, 0x10, 0x40, 8});
    auto image = parse_elf(t.build());
    EXPECT_TRUE(image) << image.error().message;

    TestElf empty;
    empty.extra.push_back({PT_TLS, PF_R, 0, 0, 0, 0, 0, 8});
    image = parse_elf(empty.build());
    EXPECT_TRUE(image) << image.error().message;
}

TEST(ParseElf, AcceptsTheLastSegmentEndingExactlyAtTheAddressLimit) {
    TestElf t;
    auto f = t.build();
    edit_phdr(f, ph_data, [](Elf64_Phdr& p) { p.p_vaddr = (uint64_t{1} << 47) - 0x2000; p.p_memsz = 0x2000; });
    auto image = parse_elf(f);
    EXPECT_TRUE(image) << image.error().message;
}

// --- the real unikernels this build produces -------------------------------

Bytes read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << "cannot open " << path;
    std::vector<char> chars{std::istreambuf_iterator<char>(in), {}};
    Bytes out(chars.size());
    std::memcpy(out.data(), chars.data(), chars.size());
    return out;
}

void expect_loadable(const ElfImage& image) {
    ASSERT_FALSE(image.segments.empty());
    for (size_t i = 1; i < image.segments.size(); i++)
        EXPECT_LT(image.segments[i - 1].vaddr, image.segments[i].vaddr);
    bool entry_in_text = false;
    for (const auto& s : image.segments) {
        EXPECT_FALSE(s.write && s.exec);
        entry_in_text |= s.exec && image.entry >= s.vaddr && image.entry < s.vaddr + s.memsz;
    }
    EXPECT_TRUE(entry_in_text);
    EXPECT_GT(image.phnum, 0); // musl's TLS setup needs them
    auto m = parse_manifest(image.manifest);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->abi_version, NABLA_ABI_VERSION);
}

TEST(ParseElf, AcceptsBuiltStaticPieHello) {
    auto f = read_file(NABLA_HELLO_PIE);
    auto image = parse_elf(f);
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_TRUE(image->pie);
    EXPECT_EQ(image->image_start, 0u);
    expect_loadable(*image);
}

TEST(ParseElf, AcceptsBuiltEtExecHello) {
    auto f = read_file(NABLA_HELLO_EXEC);
    auto image = parse_elf(f);
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_FALSE(image->pie);
    EXPECT_EQ(image->image_start, 0x400000u); // NABLA_ET_EXEC_BASE
    expect_loadable(*image);
}

// A kernel cut short anywhere before the end of its loaded bytes is refused
// (the section headers after them are not needed).
TEST(ParseElf, BuiltHelloCutShortIsRefusedAtEveryLength) {
    auto f = read_file(NABLA_HELLO_PIE);
    auto image = parse_elf(f);
    ASSERT_TRUE(image) << image.error().message;
    uint64_t needed = uint64_t(image->manifest.data() + image->manifest.size() - f.data());
    for (const auto& s : image->segments) needed = std::max(needed, s.offset + s.filesz);
    ASSERT_LE(needed, f.size());
    for (size_t len = 0; len < needed; len++) {
        auto cut = parse_elf(std::span(f).first(len));
        ASSERT_FALSE(cut) << "accepted a kernel cut to " << len << " bytes";
        ASSERT_EQ(cut.error().code, Exit::bad_kernel) << cut.error().message;
    }
    EXPECT_TRUE(parse_elf(std::span(f).first(needed)));
}

// --- where the loaded guest finds its program headers -------------------------

// Loads f into real (reserved, never run) guest memory and returns the boot
// info's phdr address minus the load bias, i.e. as a link address; checks the
// table is really there.
uint64_t loaded_phdr_link_address(const Bytes& f) {
    auto image = parse_elf(f);
    EXPECT_TRUE(image) << image.error().message;
    if (!image) return 0;
    EXPECT_GT(image->phnum, 0);
    Devices devs;
    BootFacts facts{0, 0, 0, {"kernel"}, {}, {}, 0};
    auto mem = GuestMemory::reserve(*image, 8 << 20);
    EXPECT_TRUE(mem) << mem.error().message;
    if (!mem) return 0;
    auto layout = plan_layout(*image, mem->mem_start(), mem->mem_bytes(), boot_info_bytes(devs, facts));
    EXPECT_TRUE(layout) << layout.error().message;
    if (!layout) return 0;
    auto ok = mem->load(*image, f, *layout);
    EXPECT_TRUE(ok) << ok.error().message;
    auto bi_addr = write_boot_info(*mem, *layout, *image, Manifest{NABLA_ABI_VERSION, {}}, devs, facts);
    EXPECT_TRUE(bi_addr) << bi_addr.error().message;
    if (!ok || !bi_addr) return 0;
    nabla_boot_info bi;
    std::memcpy(&bi, mem->bytes(*bi_addr, sizeof bi).data(), sizeof bi);
    EXPECT_EQ(bi.phnum, image->phnum);
    // The table the guest is pointed at is the file's table, inside guest memory.
    uint64_t table = uint64_t{bi.phnum} * sizeof(Elf64_Phdr);
    auto loaded = mem->bytes(bi.phdr, table);
    EXPECT_EQ(loaded.size(), table) << "phdr " << fmt_hex(bi.phdr) << " is outside guest memory";
    if (loaded.size() == table) {
        EXPECT_EQ(std::memcmp(loaded.data(), f.data() + image->phoff, table), 0) << "phdr points at other bytes";
    }
    return bi.phdr - layout->bias;
}

TEST(LoadedImage, GuestFindsProgramHeadersInTheFirstSegment) {
    EXPECT_EQ(loaded_phdr_link_address(TestElf{}.build()), sizeof(Elf64_Ehdr));
}

// The program headers may sit in a later segment than the first; the guest
// must be pointed at them there, not into its guard page.
TEST(LoadedImage, GuestFindsProgramHeadersInALaterSegment) {
    TestElf t;
    uint64_t headers_at = t.data_off() + 0x2000; // first page after data and bss
    t.extra.push_back({PT_LOAD, PF_R, 0, headers_at, headers_at, 0x1000, 0x1000, 0x1000});
    auto f = t.build();
    edit_phdr(f, ph_rodata, [&](Elf64_Phdr& p) { // the first segment: the notes only
        p.p_offset = p.p_vaddr = p.p_paddr = TestElf::notes_off;
        p.p_filesz = p.p_memsz = t.notes.size();
    });
    EXPECT_EQ(loaded_phdr_link_address(f), headers_at + sizeof(Elf64_Ehdr));
}

// --- the ELF header ----------------------------------------------------------

TEST(ParseElfHeader, RejectsShortFile) {
    auto f = TestElf{}.build();
    f.resize(sizeof(Elf64_Ehdr) - 1);
    EXPECT_TRUE(contains(rejection(f).message, "file is 63 bytes, smaller than an ELF header"));
    EXPECT_TRUE(contains(rejection(Bytes{}).message, "file is 0 bytes"));
}

TEST(ParseElfHeader, RejectsBadMagic) {
    auto f = TestElf{}.build();
    f[1] = std::byte{'e'};
    EXPECT_TRUE(contains(rejection(f).message, "bad magic"));
}

TEST(ParseElfHeader, RejectsElfClass32) {
    auto f = TestElf{}.build();
    edit_ehdr(f, [](Elf64_Ehdr& e) { e.e_ident[EI_CLASS] = ELFCLASS32; });
    EXPECT_TRUE(contains(rejection(f).message, "ELF class 1 is not ELFCLASS64"));
}

TEST(ParseElfHeader, RejectsBigEndian) {
    auto f = TestElf{}.build();
    edit_ehdr(f, [](Elf64_Ehdr& e) { e.e_ident[EI_DATA] = ELFDATA2MSB; });
    EXPECT_TRUE(contains(rejection(f).message, "not little-endian"));
}

TEST(ParseElfHeader, RejectsWrongVersion) {
    auto f = TestElf{}.build();
    edit_ehdr(f, [](Elf64_Ehdr& e) { e.e_version = 2; });
    EXPECT_TRUE(contains(rejection(f).message, "ELF version 2 is not EV_CURRENT"));
}

TEST(ParseElfHeader, RejectsWrongMachine) {
    auto f = TestElf{}.build();
    edit_ehdr(f, [](Elf64_Ehdr& e) { e.e_machine = EM_AARCH64; });
    EXPECT_TRUE(contains(rejection(f).message, "ELF machine 183 is not x86_64 (62)"));
}

TEST(ParseElfHeader, RejectsRelocatableObject) {
    auto f = TestElf{}.build();
    edit_ehdr(f, [](Elf64_Ehdr& e) { e.e_type = ET_REL; });
    EXPECT_TRUE(contains(rejection(f).message, "ELF type 1 is neither ET_EXEC nor ET_DYN"));
}

TEST(ParseElfHeader, RejectsBadEhsize) {
    auto f = TestElf{}.build();
    edit_ehdr(f, [](Elf64_Ehdr& e) { e.e_ehsize = 52; });
    EXPECT_TRUE(contains(rejection(f).message, "e_ehsize 52 is not 64"));
}

TEST(ParseElfHeader, RejectsBadPhentsize) {
    auto f = TestElf{}.build();
    edit_ehdr(f, [](Elf64_Ehdr& e) { e.e_phentsize = 32; });
    EXPECT_TRUE(contains(rejection(f).message, "e_phentsize 32 is not 56"));
}

TEST(ParseElfHeader, RejectsNoProgramHeaders) {
    auto f = TestElf{}.build();
    edit_ehdr(f, [](Elf64_Ehdr& e) { e.e_phnum = 0; });
    EXPECT_TRUE(contains(rejection(f).message, "e_phnum 0 is not in 1..64"));
}

TEST(ParseElfHeader, RejectsMoreThan64ProgramHeaders) {
    TestElf t;
    t.extra.resize(max_program_headers + 1 - ph_standard_count, Elf64_Phdr{PT_NULL, 0, 0, 0, 0, 0, 0, 0});
    EXPECT_TRUE(contains(rejection(t.build()).message, "e_phnum 65 is not in 1..64"));
}

TEST(ParseElfHeader, RejectsProgramHeaderTablePastEndOfFile) {
    auto f = TestElf{}.build();
    uint64_t phoff = f.size() - sizeof(Elf64_Phdr); // room for one of five
    edit_ehdr(f, [&](Elf64_Ehdr& e) { e.e_phoff = phoff; });
    auto e = rejection(f);
    EXPECT_TRUE(contains(e.message, "program header table"));
    EXPECT_TRUE(contains(e.message, fmt_hex(phoff)));
    EXPECT_TRUE(contains(e.message, "past the end of the file"));
}

TEST(ParseElfHeader, RejectsProgramHeaderOffsetThatOverflows) {
    auto f = TestElf{}.build();
    edit_ehdr(f, [](Elf64_Ehdr& e) { e.e_phoff = UINT64_MAX - 16; }); // + 5 * 56 wraps to a small number
    auto e = rejection(f);
    EXPECT_TRUE(contains(e.message, "program header table (offset 0xffffffffffffffef"));
    EXPECT_TRUE(contains(e.message, "past the end of the file"));
}

// --- PT_LOAD segments -------------------------------------------------------

TEST(ParseElfLoad, RejectsFileRangePastEndOfFile) {
    auto f = TestElf{}.build();
    edit_phdr(f, ph_data, [](Elf64_Phdr& p) { p.p_filesz += 1; p.p_memsz += 1; });
    auto e = rejection(f);
    EXPECT_TRUE(contains(e.message, "PT_LOAD #2: file range"));
    EXPECT_TRUE(contains(e.message, "+0x81 past end of file"));
}

TEST(ParseElfLoad, RejectsFileOffsetThatOverflows) {
    auto f = TestElf{}.build();
    edit_phdr(f, ph_data, [](Elf64_Phdr& p) { p.p_offset = UINT64_MAX - 0x10; });
    auto e = rejection(f);
    EXPECT_TRUE(contains(e.message, "PT_LOAD #2: file range 0xffffffffffffffef+0x80 past end of file"));
}

TEST(ParseElfLoad, RejectsFileszLargerThanMemsz) {
    auto f = TestElf{}.build();
    edit_phdr(f, ph_text, [](Elf64_Phdr& p) { p.p_memsz = p.p_filesz - 1; });
    EXPECT_TRUE(contains(rejection(f).message, "PT_LOAD #1: p_filesz 0x100 > p_memsz 0xff"));
}

TEST(ParseElfLoad, RejectsEmptySegment) {
    auto f = TestElf{}.build();
    edit_phdr(f, ph_data, [](Elf64_Phdr& p) { p.p_filesz = p.p_memsz = 0; });
    EXPECT_TRUE(contains(rejection(f).message, "PT_LOAD #2: p_memsz is 0"));
}

TEST(ParseElfLoad, RejectsAlignmentNotAPowerOfTwo) {
    auto f = TestElf{}.build();
    edit_phdr(f, ph_text, [](Elf64_Phdr& p) { p.p_align = 0x3000; });
    EXPECT_TRUE(contains(rejection(f).message, "PT_LOAD #1: p_align 0x3000 is not a power of two >= 0x1000"));
}

TEST(ParseElfLoad, RejectsAlignmentBelowAPage) {
    auto f = TestElf{}.build();
    edit_phdr(f, ph_text, [](Elf64_Phdr& p) { p.p_align = 0x800; });
    EXPECT_TRUE(contains(rejection(f).message, "PT_LOAD #1: p_align 0x800 is not a power of two"));
    edit_phdr(f, ph_text, [](Elf64_Phdr& p) { p.p_align = 0; });
    EXPECT_TRUE(contains(rejection(f).message, "PT_LOAD #1: p_align 0x0 is not a power of two"));
}

TEST(ParseElfLoad, RejectsVaddrAndOffsetDisagreeingModuloAlign) {
    TestElf t;
    auto f = t.build();
    edit_phdr(f, ph_data, [](Elf64_Phdr& p) { p.p_vaddr += 0x10; });
    EXPECT_TRUE(contains(rejection(f).message,
                         fmt_hex(t.data_off() + 0x10) + " and p_offset " + fmt_hex(t.data_off()) +
                             " disagree modulo p_align 0x1000"));
}

TEST(ParseElfLoad, RejectsSegmentEndingPastTheUserAddressSpace) {
    auto f = TestElf{}.build();
    edit_phdr(f, ph_data, [](Elf64_Phdr& p) { p.p_vaddr = (uint64_t{1} << 47) - 0x1000; });
    EXPECT_TRUE(contains(rejection(f).message,
                         "PT_LOAD #2: p_vaddr 0x7ffffffff000 + p_memsz 0x1080 is outside the user address space"));
}

TEST(ParseElfLoad, RejectsSegmentEndThatOverflows) {
    auto f = TestElf{}.build();
    edit_phdr(f, ph_data, [](Elf64_Phdr& p) { p.p_vaddr = 0xfffffffffffff000; });
    EXPECT_TRUE(contains(rejection(f).message, "p_vaddr 0xfffffffffffff000 + p_memsz 0x1080 is outside"));
}

TEST(ParseElfLoad, RejectsWritableAndExecutable) {
    TestElf t;
    auto f = t.build();
    edit_phdr(f, ph_text, [](Elf64_Phdr& p) { p.p_flags = PF_R | PF_W | PF_X; });
    EXPECT_TRUE(contains(rejection(f).message, "PT_LOAD #1 at " + fmt_hex(t.text_off()) +
                                                   " is both writable and executable (W^X)"));
}

TEST(ParseElfLoad, RejectsSegmentsOutOfOrder) {
    TestElf t;
    auto f = t.build();
    auto text = test::get<Elf64_Phdr>(f, sizeof(Elf64_Ehdr) + ph_text * sizeof(Elf64_Phdr));
    auto data = test::get<Elf64_Phdr>(f, sizeof(Elf64_Ehdr) + ph_data * sizeof(Elf64_Phdr));
    edit_phdr(f, ph_text, [&](Elf64_Phdr& p) { p = data; });
    edit_phdr(f, ph_data, [&](Elf64_Phdr& p) { p = text; });
    EXPECT_TRUE(contains(rejection(f).message, "PT_LOAD #2 at " + fmt_hex(t.text_off()) + " comes after one at " +
                                                   fmt_hex(t.data_off()) + ": segments must be in ascending order"));
}

TEST(ParseElfLoad, RejectsTwoSegmentsSharingAPage) {
    TestElf t;
    auto f = t.build();
    edit_phdr(f, ph_text, [](Elf64_Phdr& p) { p.p_memsz = 0x1001; }); // its last byte is on data's page
    EXPECT_TRUE(contains(rejection(f).message, "PT_LOAD #2 at " + fmt_hex(t.data_off()) +
                                                   " overlaps the page of the one ending at " +
                                                   fmt_hex(t.text_off() + 0x1001)));
}

TEST(ParseElfLoad, RejectsNoLoadSegment) {
    auto f = TestElf{}.build();
    for (size_t i : {ph_rodata, ph_text, ph_data}) edit_phdr(f, i, [](Elf64_Phdr& p) { p.p_type = PT_NULL; });
    EXPECT_TRUE(contains(rejection(f).message, "no PT_LOAD segment"));
}

// --- the entry point and the other program headers ----------------------------

TEST(ParseElfEntry, RejectsEntryOutsideEverySegment) {
    auto f = TestElf{}.build();
    edit_ehdr(f, [](Elf64_Ehdr& e) { e.e_entry = 0x100000; });
    EXPECT_TRUE(contains(rejection(f).message, "entry point 0x100000 is not inside an executable segment"));
}

TEST(ParseElfEntry, RejectsEntryJustPastTheText) {
    TestElf t;
    auto f = t.build();
    edit_ehdr(f, [&](Elf64_Ehdr& e) { e.e_entry = t.text_off() + text_size; });
    EXPECT_TRUE(contains(rejection(f).message, "entry point " + fmt_hex(t.text_off() + text_size) + " is not inside"));
}

TEST(ParseElfEntry, RejectsEntryInANonExecutableSegment) {
    TestElf t;
    auto f = t.build();
    edit_ehdr(f, [&](Elf64_Ehdr& e) { e.e_entry = t.data_off(); });
    EXPECT_TRUE(contains(rejection(f).message, "entry point " + fmt_hex(t.data_off()) +
                                                   " is not inside an executable segment"));
}

TEST(ParseElfOtherHeaders, RejectsExecutableStack) {
    auto f = TestElf{}.build();
    edit_phdr(f, ph_stack, [](Elf64_Phdr& p) { p.p_flags |= PF_X; });
    EXPECT_TRUE(contains(rejection(f).message, "PT_GNU_STACK asks for an executable stack"));
}

TEST(ParseElfOtherHeaders, RejectsNonEmptyDynamicInEtExec) {
    TestElf t;
    t.type = ET_EXEC;
    t.base = 0x400000;
    uint64_t at = t.base + t.data_off();
    t.extra.push_back({PT_DYNAMIC, PF_R | PF_W, t.data_off(), at, at, 0x40, 0x40, 8});
    EXPECT_TRUE(contains(rejection(t.build()).message, "non-empty PT_DYNAMIC in an ET_EXEC file"));
}

TEST(ParseElfOtherHeaders, RejectsTlsOutsideTheLoads) {
    TestElf t;
    t.extra.push_back({PT_TLS, PF_R, 0, 0x100000, 0x100000, 0, 0x40, 8});
    EXPECT_TRUE(contains(rejection(t.build()).message, "PT_TLS at 0x100000 size 0x40 is not inside a PT_LOAD"));
}

TEST(ParseElfOtherHeaders, RejectsTlsStraddlingTheEndOfALoad) {
    TestElf t;
    uint64_t at = t.data_off() + data_memsz - 0x10;
    t.extra.push_back({PT_TLS, PF_R, 0, at, at, 0, 0x40, 8});
    EXPECT_TRUE(contains(rejection(t.build()).message, "PT_TLS at " + fmt_hex(at) + " size 0x40 is not inside"));
}

TEST(ParseElfOtherHeaders, RejectsTwoTlsHeaders) {
    TestElf t;
    t.extra.push_back({PT_TLS, PF_R, 0, 0, 0, 0, 0, 8});
    t.extra.push_back({PT_TLS, PF_R, 0, 0, 0, 0, 0, 8});
    EXPECT_TRUE(contains(rejection(t.build()).message, "more than one PT_TLS"));
}

// --- the manifest note ------------------------------------------------------

TEST(ParseElfNotes, RejectsMissingManifestNote) {
    TestElf t;
    t.notes = test::note_bytes("GNU", NT_GNU_BUILD_ID, Bytes(20, std::byte{0xab}));
    EXPECT_TRUE(contains(rejection(t.build()).message, "no NABLA manifest note: not a nabla unikernel"));

    TestElf none; // no notes at all: an empty PT_NOTE
    none.notes.clear();
    EXPECT_TRUE(contains(rejection(none.build()).message, "no NABLA manifest note"));
}

TEST(ParseElfNotes, RejectsOwnerNablaWithoutItsNul) {
    TestElf t;
    // namesz 5 ("NABLA" without NUL) is not our owner: no manifest found.
    Bytes desc = test::manifest_bytes({});
    Bytes n;
    Elf64_Nhdr nh{5, static_cast<uint32_t>(desc.size()), NABLA_NOTE_MANIFEST};
    test::append(n, &nh, sizeof nh);
    test::append(n, "NABLA\0\0\0", 8);
    n.insert(n.end(), desc.begin(), desc.end());
    t.notes = n;
    EXPECT_TRUE(contains(rejection(t.build()).message, "no NABLA manifest note"));
}

TEST(ParseElfNotes, RejectsTruncatedNoteHeader) {
    TestElf t;
    size_t manifest_size = t.notes.size();
    t.notes.resize(manifest_size + sizeof(Elf64_Nhdr) - 1); // a header short of one byte
    EXPECT_TRUE(contains(rejection(t.build()).message, "truncated note header at note offset " + fmt_hex(manifest_size)));
}

TEST(ParseElfNotes, RejectsDescriptorPastTheSegment) {
    TestElf t;
    auto f = t.build();
    test::put<uint32_t>(f, TestElf::notes_off + 4, 0x1000); // n_descsz
    EXPECT_TRUE(contains(rejection(f).message,
                         "note at offset 0x0 has namesz 6 descsz 4096 past its segment (" + fmt_hex(t.notes.size())));
}

TEST(ParseElfNotes, RejectsNamePastTheSegment) {
    auto f = TestElf{}.build();
    test::put<uint32_t>(f, TestElf::notes_off, 0xffffffff); // n_namesz
    EXPECT_TRUE(contains(rejection(f).message, "has namesz 4294967295 descsz 8 past its segment"));
}

TEST(ParseElfNotes, RejectsNoteSegmentPastEndOfFile) {
    auto f = TestElf{}.build();
    edit_phdr(f, ph_note, [&](Elf64_Phdr& p) { p.p_offset = f.size() - 4; });
    EXPECT_TRUE(contains(rejection(f).message, "PT_NOTE #3 (offset"));
}

TEST(ParseElfNotes, RejectsTwoManifestNotes) {
    TestElf t;
    Bytes one = t.notes;
    t.notes.insert(t.notes.end(), one.begin(), one.end());
    EXPECT_TRUE(contains(rejection(t.build()).message, "more than one NABLA manifest note"));
}

TEST(ParseElfNotes, RejectsEmptyManifestNote) {
    TestElf t;
    t.notes = test::manifest_note({});
    EXPECT_TRUE(contains(rejection(t.build()).message, "NABLA manifest note is empty"));
}

} // namespace
} // namespace nabla

namespace nabla {
namespace {

// Loads the test image with these devices and returns the device table the
// guest finds in its boot info (empty, with a failure recorded, if loading fails).
std::vector<nabla_device> loaded_device_table(const Devices& devs, const Manifest& manifest) {
    auto failed = [](const std::string& why) {
        ADD_FAILURE() << why;
        return std::vector<nabla_device>{};
    };
    auto f = TestElf{}.build();
    auto image = parse_elf(f);
    if (!image) return failed(image.error().message);
    BootFacts facts{0, 0, 0, {"kernel"}, {}, {}, 0};
    auto mem = GuestMemory::reserve(*image, 8 << 20);
    if (!mem) return failed(mem.error().message);
    auto layout = plan_layout(*image, mem->mem_start(), mem->mem_bytes(), boot_info_bytes(devs, facts));
    if (!layout) return failed(layout.error().message);
    if (!mem->load(*image, f, *layout)) return failed("loading the image failed");
    auto bi_addr = write_boot_info(*mem, *layout, *image, manifest, devs, facts);
    if (!bi_addr) return failed(bi_addr.error().message);
    nabla_boot_info bi;
    std::memcpy(&bi, mem->bytes(*bi_addr, sizeof bi).data(), sizeof bi);
    std::vector<nabla_device> d(bi.device_count);
    std::memcpy(d.data(), mem->bytes(bi.devices, d.size() * sizeof(nabla_device)).data(), d.size() * sizeof(nabla_device));
    return d;
}

// The guest's device table follows the manifest's order, whatever order the
// command line attached the devices in.
TEST(LoadedImage, DeviceTableFollowsTheManifest) {
    Devices devs;
    devs.blocks.push_back({"disk", "disk.img", UniqueFd{}, 1 << 20, 512, true});
    devs.taps.push_back({"service", "tap0", UniqueFd{}, Mac{2, 0, 0, 0, 0, 1}, 1500});
    Manifest manifest{NABLA_ABI_VERSION, {{"service", DeviceKind::net}, {"disk", DeviceKind::block}}};
    auto d = loaded_device_table(devs, manifest);
    ASSERT_EQ(d.size(), 2u);
    EXPECT_STREQ(d[0].name, "service");
    EXPECT_EQ(d[0].kind, NABLA_DEVICE_NET);
    EXPECT_EQ(d[0].u.net.mtu, 1500u);
    EXPECT_STREQ(d[1].name, "disk");
    EXPECT_EQ(d[1].kind, NABLA_DEVICE_BLOCK);
    EXPECT_EQ(d[1].u.block.read_only, 1u);
}

// --net-ip, --net-gw, --net-route and --net-mtu reach the guest's device table.
TEST(LoadedImage, NetDeviceCarriesItsIpv4Setup) {
    Devices devs;
    Ip4Config ip4{Ip4Net{{10, 1, 2, 3}, 32}, Ip4{169, 254, 1, 1}, {{{{192, 168, 60, 0}, 24}, {10, 0, 0, 3}}}};
    devs.taps.push_back({"eth0", "tap0", UniqueFd{}, Mac{2, 0, 0, 0, 0, 1}, 9000, ip4});
    devs.taps.push_back({"bare", "tap1", UniqueFd{}, Mac{2, 0, 0, 0, 0, 2}, 1500});
    Manifest manifest{NABLA_ABI_VERSION, {{"eth0", DeviceKind::net}, {"bare", DeviceKind::net}}};
    auto d = loaded_device_table(devs, manifest);
    ASSERT_EQ(d.size(), 2u);
    const auto& net = d[0].u.net;
    EXPECT_EQ(net.mtu, 9000u);
    EXPECT_EQ(std::vector<uint8_t>(net.ip4, net.ip4 + 4), (std::vector<uint8_t>{10, 1, 2, 3}));
    EXPECT_EQ(net.ip4_prefix, 32u);
    EXPECT_EQ(std::vector<uint8_t>(net.ip4_gateway, net.ip4_gateway + 4), (std::vector<uint8_t>{169, 254, 1, 1}));
    ASSERT_EQ(net.route_count, 1u);
    EXPECT_EQ(std::vector<uint8_t>(net.routes[0].dest, net.routes[0].dest + 4), (std::vector<uint8_t>{192, 168, 60, 0}));
    EXPECT_EQ(net.routes[0].prefix, 24u);
    EXPECT_EQ(std::vector<uint8_t>(net.routes[0].gateway, net.routes[0].gateway + 4),
              (std::vector<uint8_t>{10, 0, 0, 3}));
    // Nothing given: all zero, which the guest reads as "no address".
    const auto& bare = d[1].u.net;
    EXPECT_EQ(bare.mtu, 1500u);
    EXPECT_EQ(std::vector<uint8_t>(bare.ip4, bare.ip4 + 4), (std::vector<uint8_t>{0, 0, 0, 0}));
    EXPECT_EQ(std::vector<uint8_t>(bare.ip4_gateway, bare.ip4_gateway + 4), (std::vector<uint8_t>{0, 0, 0, 0}));
    EXPECT_EQ(bare.route_count, 0u);
}

} // namespace
} // namespace nabla

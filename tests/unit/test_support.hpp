// Helpers shared by the tender's unit tests: builders for the hostile inputs
// the tender parses (manifest descriptors, ELF notes) and a substring check
// that prints both strings when it fails.
#pragma once

#include "error.hpp"

#include "nabla/abi.h"

#include <elf.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace nabla {

// gtest prints an Exit as "Exit 64" instead of its raw bytes.
inline void PrintTo(Exit code, std::ostream* os) { *os << "Exit " << static_cast<int>(code); }

} // namespace nabla

namespace nabla::test {

using Bytes = std::vector<std::byte>;

// EXPECT_TRUE(contains(message, "piece")): on failure shows the whole message.
inline ::testing::AssertionResult contains(std::string_view text, std::string_view piece) {
    if (text.find(piece) != std::string_view::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << piece << "'";
}

// The error of a Result that must have failed; an empty message if it did not,
// so that the caller's expectations on code and message fail too.
template <typename T>
Error error_of(const Result<T>& r) {
    if (r) {
        ADD_FAILURE() << "expected an error, got success";
        return {Exit{0}, ""};
    }
    return r.error();
}

// The way the tender prints numbers in its messages: "0x1f".
inline std::string fmt_hex(uint64_t v) { return fmt::format("{:#x}", v); }

inline void append(Bytes& out, const void* data, size_t size) {
    auto p = static_cast<const std::byte*>(data);
    out.insert(out.end(), p, p + size);
}

inline void pad_to(Bytes& out, size_t alignment) {
    while (out.size() % alignment) out.push_back(std::byte{0});
}

// Reads or rewrites a plain struct at a byte offset (no aliasing, no alignment).
template <typename T>
T get(const Bytes& b, size_t offset) {
    T v;
    std::memcpy(&v, b.data() + offset, sizeof v);
    return v;
}
template <typename T>
void put(Bytes& b, size_t offset, const T& v) {
    std::memcpy(b.data() + offset, &v, sizeof v);
}

struct DeviceDecl {
    std::string name; // copied into the 68-byte field as is, NUL-padded
    uint32_t kind;
};

// A manifest descriptor as nabla-cc emits it: header, then count entries.
inline Bytes manifest_bytes(const std::vector<DeviceDecl>& devices, uint32_t abi = NABLA_ABI_VERSION) {
    Bytes out;
    nabla_manifest head{abi, static_cast<uint32_t>(devices.size())};
    append(out, &head, sizeof head);
    for (const auto& d : devices) {
        nabla_manifest_entry e{};
        std::memcpy(e.name, d.name.data(), std::min(d.name.size(), sizeof e.name));
        e.kind = d.kind;
        append(out, &e, sizeof e);
    }
    return out;
}

// Byte offset of entry i's name inside a manifest descriptor.
inline size_t entry_offset(size_t i) { return sizeof(nabla_manifest) + i * sizeof(nabla_manifest_entry); }

// One ELF note: header, owner (with its NUL) and descriptor, each 4-aligned.
inline Bytes note_bytes(std::string_view owner, uint32_t type, const Bytes& desc) {
    Bytes out;
    Elf64_Nhdr nh{static_cast<uint32_t>(owner.size() + 1), static_cast<uint32_t>(desc.size()), type};
    append(out, &nh, sizeof nh);
    append(out, owner.data(), owner.size());
    out.push_back(std::byte{0});
    pad_to(out, 4);
    out.insert(out.end(), desc.begin(), desc.end());
    pad_to(out, 4);
    return out;
}

inline Bytes manifest_note(const Bytes& desc) { return note_bytes(NABLA_NOTE_OWNER, NABLA_NOTE_MANIFEST, desc); }

} // namespace nabla::test

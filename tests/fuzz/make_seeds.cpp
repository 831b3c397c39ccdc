// Writes bare manifest descriptors into the fuzzer's seed corpus, from the
// ABI's own structs, so the manifest path starts from valid inputs.
#include "nabla/abi.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

bool write_manifest(const std::string& path, const std::vector<nabla_manifest_entry>& entries) {
    nabla_manifest head{NABLA_ABI_VERSION, static_cast<uint32_t>(entries.size())};
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    bool ok = std::fwrite(&head, sizeof head, 1, f) == 1;
    for (const auto& e : entries) ok = ok && std::fwrite(&e, sizeof e, 1, f) == 1;
    return std::fclose(f) == 0 && ok;
}

nabla_manifest_entry entry(const char* name, uint32_t kind) {
    nabla_manifest_entry e{};
    std::strncpy(e.name, name, NABLA_DEVICE_NAME_MAX);
    e.kind = kind;
    return e;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 64;
    }
    std::string dir = argv[1];
    bool ok = write_manifest(dir + "/manifest-empty", {}) &&
              write_manifest(dir + "/manifest-net-block",
                             {entry("net0", NABLA_DEVICE_NET), entry("disk", NABLA_DEVICE_BLOCK)});
    if (!ok) std::perror(dir.c_str());
    return ok ? 0 : 1;
}

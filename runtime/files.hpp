// Small file helpers whose errors name the file: reading, atomic replacement,
// writing control files (cgroups, /proc), removing a tree without following
// symlinks.
#pragma once

#include "error.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace nabla::runnc {

Result<std::string> read_file(const std::string& path, size_t max_bytes = 16 << 20);

// Writes path.tmp and renames it over path: readers see the old or the new
// content, never a part.
Result<void> write_file_atomic(const std::string& path, std::string_view content, mode_t mode = 0644);

// One write(2) of content to an existing file (cgroup and /proc knobs).
Result<void> write_control(const std::string& path, std::string_view content);

// mkdir -p; returns the directories it created, outermost first.
Result<std::vector<std::string>> make_dirs(const std::string& path, mode_t mode);

// rm -r without following symlinks; a missing path is not an error.
Result<void> remove_tree(const std::string& path);

// The directory runnc's own binary is in: nabla-run and nabla-mkroot sit
// next to it.
Result<std::string> own_directory();

bool path_exists(const std::string& path);

} // namespace nabla::runnc

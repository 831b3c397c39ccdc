// The container's cgroups. On a hybrid host (this machine: cgroup2 at
// /sys/fs/cgroup/unified holding only hugetlb, v1 hierarchies for the rest)
// each controller runnc uses (memory, pids, cpu, freezer) lives in the
// hierarchy that has it: cgroup2 when its cgroup.controllers lists it, else
// the v1 hierarchy mounted for it. The cgroup2 directory is made whenever
// cgroup2 is mounted: it is where the container's processes are listed.
//
// Layout: linux.cgroupsPath, absolute (under each hierarchy's root) or
// relative (under runnc's own cgroup there); without one, /runnc/ID.
#pragma once

#include "error.hpp"
#include "oci_config.hpp"

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <sys/types.h>
#include <vector>

namespace nabla::runnc {

struct CgroupDir {
    std::string path; // e.g. /sys/fs/cgroup/memory/runnc/ID
    bool v2 = false;
    std::vector<std::string> controllers; // those runnc drives here
};

struct CgroupSet {
    std::vector<CgroupDir> dirs;
    std::vector<std::string> prune; // parents runnc may remove once empty (the default /runnc)
    bool empty() const { return dirs.empty(); }
};

// Makes the directories and applies the limits; on failure removes what it
// made. `cgroups_path` empty: /runnc/ID.
Result<CgroupSet> create_cgroups(std::string_view cgroups_path, std::string_view id, const Resources& resources);

Result<void> apply_resources(const CgroupSet& set, const Resources& resources);
Result<void> join_cgroups(const CgroupSet& set, pid_t pid);

// Host pids in the container's cgroup (the cgroup2 one when there is one).
Result<std::vector<pid_t>> cgroup_pids(const CgroupSet& set);

// The freezer: v1 freezer.state, or cgroup2's cgroup.freeze. Waits until done.
Result<void> freeze_cgroups(const CgroupSet& set, bool frozen);
bool cgroups_frozen(const CgroupSet& set);

// rmdir every directory (waiting up to `wait_ms` for exiting processes to
// leave), then the empty parents in `prune`. A missing directory is fine.
Result<void> remove_cgroups(const CgroupSet& set, int wait_ms = 2000);

// The memory limit the cgroup holds, in bytes (for tests and `state`).
Result<std::string> read_cgroup_value(const CgroupSet& set, std::string_view v1_file, std::string_view v2_file);

// Removes the set when it goes out of scope, unless released.
class CgroupGuard {
public:
    explicit CgroupGuard(CgroupSet set) : set_(std::move(set)) {}
    CgroupGuard(const CgroupGuard&) = delete;
    CgroupGuard& operator=(const CgroupGuard&) = delete;
    ~CgroupGuard() {
        if (armed_) (void)remove_cgroups(set_);
    }
    const CgroupSet& set() const { return set_; }
    void release() { armed_ = false; }

private:
    CgroupSet set_;
    bool armed_ = true;
};

void to_json(nlohmann::json& j, const CgroupSet& set);
void from_json(const nlohmann::json& j, CgroupSet& set);

// The cgroup shares value → cgroup2 cpu.weight (as runc and crun convert).
uint64_t shares_to_weight(uint64_t shares);

} // namespace nabla::runnc

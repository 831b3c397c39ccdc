// A container's state directory, --root/ID: what runnc knows about it between
// commands. Files:
//   state.json   the record below, replaced atomically
//   start.fifo   create's container process blocks opening it until start
//   exit         the container's exit status, written by its init
//   root/        mount point of the container's minimal root (its own mount
//                namespace only: the host sees an empty directory)
// Every command holds an flock on the directory while it changes anything.
#pragma once

#include "cgroup.hpp"
#include "error.hpp"
#include "oci_config.hpp"
#include "unique_fd.hpp"

#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace nabla::runnc {

inline constexpr std::string_view oci_version = "1.0.2";

// A process, told apart from a later one that reuses its pid by its start
// time (field 22 of /proc/PID/stat).
struct ProcessId {
    pid_t pid = 0;
    uint64_t start_time = 0;
};
std::optional<ProcessId> identify_process(pid_t pid);
bool process_alive(const ProcessId& p); // the same process, and not a zombie

enum class Status { creating, created, running, paused, stopped };
std::string_view status_name(Status s);

// How the container ended, as its init wrote it.
struct ExitStatus {
    int code = 0;   // exit code, or 128 + signal
    int signal = 0; // the signal that killed the guest, if one did
};

struct Record {
    std::string id;
    std::string bundle; // absolute
    std::string rootfs; // absolute
    std::string created; // RFC 3339
    uid_t owner = 0;
    std::map<std::string, std::string> annotations;
    ProcessId init;    // the container's pid: what engines signal
    ProcessId creator; // the runnc create that is making it
    bool started = false;
    CgroupSet cgroups;
    std::string image; // the cached root image, if the guest has one
    std::vector<Hook> poststart, poststop;
};

class StateDir {
public:
    // Makes --root/ID (and --root), locked; Exit::exists if it is there.
    // Removed again when the StateDir goes out of scope uncommitted.
    static Result<StateDir> create(const std::string& root, const std::string& id);
    // Opens an existing one, locked unless only reading; Exit::not_found
    // when there is none.
    static Result<StateDir> open(const std::string& root, const std::string& id, bool lock = true);

    StateDir(StateDir&&) noexcept = default;
    StateDir& operator=(StateDir&&) noexcept = default;
    ~StateDir();

    const std::string& path() const { return path_; }
    std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

    Result<Record> load() const;
    Result<void> save(const Record& record) const;
    std::optional<ExitStatus> exit_status() const;
    void commit() { remove_on_close_ = false; }
    Result<void> remove(); // the whole directory, now

private:
    StateDir(std::string path, UniqueFd fd, bool remove_on_close)
        : path_(std::move(path)), fd_(std::move(fd)), remove_on_close_(remove_on_close) {}
    std::string path_;
    UniqueFd fd_; // holds the flock
    bool remove_on_close_ = false;
};

// The status now, from the record and the processes.
Status current_status(const Record& record);

// The OCI state JSON `runnc state` prints and hooks read on stdin, with
// exitStatus when stopped and known.
std::string oci_state_json(const Record& record, Status status, std::optional<ExitStatus> exit = {});

// The IDs under root (state directories only).
std::vector<std::string> list_ids(const std::string& root);

std::string format_exit_record(const ExitStatus& e); // "exited 3\n", "signaled 9\n"
std::optional<ExitStatus> parse_exit_record(std::string_view text);

std::string now_rfc3339();

} // namespace nabla::runnc

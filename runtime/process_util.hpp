// Child processes as values: spawn() forks (with a pidfd, so waiting can
// time out and signals cannot hit a recycled pid), the child starts with
// default signal handling and every inherited fd close-on-exec, and an exec
// failure comes back as its errno. A Child not waited for is killed and
// reaped when it goes out of scope.
#pragma once

#include "error.hpp"
#include "unique_fd.hpp"

#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace nabla::runnc {

// argv/envp for execve, owning their strings.
class CStrings {
public:
    explicit CStrings(const std::vector<std::string>& strings) : strings_(strings) {
        for (auto& s : strings_) pointers_.push_back(s.data());
        pointers_.push_back(nullptr);
    }
    CStrings(const CStrings&) = delete;
    CStrings& operator=(const CStrings&) = delete;
    char* const* get() { return pointers_.data(); }

private:
    std::vector<std::string> strings_;
    std::vector<char*> pointers_;
};

struct ChildStatus {
    int wait_status = 0; // as waitpid gives it
    int exec_errno = 0;  // not 0: the exec failed with it
};

class Child {
public:
    Child(pid_t pid, UniqueFd pidfd, UniqueFd exec_error)
        : pid(pid), pidfd(std::move(pidfd)), exec_error_(std::move(exec_error)) {}
    Child(Child&& other) noexcept;
    Child& operator=(Child&&) = delete;
    ~Child();

    void kill(int sig) const;
    Result<ChildStatus> wait(); // blocks
    // Blocks until the child has exec'd (0) or failed to (its errno).
    int exec_result();
    void release() { waited_ = true; } // leave it running, unowned

    pid_t pid;
    UniqueFd pidfd;

private:
    UniqueFd exec_error_;
    bool waited_ = false;
};

// Runs `child` in a new process; it returns only if its exec failed, with
// the errno. `clone_flags` adds namespaces (CLONE_NEW*).
Result<Child> spawn(const std::function<int()>& child, unsigned long clone_flags = 0);

// Signal dispositions back to default and nothing blocked, as a new program
// expects them.
void reset_signals();

// Closes every fd but those listed.
void close_fds_except(std::vector<int> keep);

// Waits for a process that is not our child to end (a pidfd polled), up to
// timeout_ms; true if it ended.
bool wait_for_exit(pid_t pid, int timeout_ms);

} // namespace nabla::runnc

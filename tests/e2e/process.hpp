// Runs a program the way a user would, capturing what they would see.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace nabla::test {

struct Outcome {
    bool exited = false;   // else killed by a signal
    int code = -1;         // exit status, or the signal number
    std::string out, err;
    bool timed_out = false;

    bool exited_with(int status) const { return exited && code == status; }
    bool killed_by(int signal) const { return !exited && code == signal; }
};

// argv[0] is a path. The child gets /dev/null as stdin and is killed at the timeout.
Outcome run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout = std::chrono::seconds(20));

// nabla-run with these arguments.
Outcome nabla_run(std::vector<std::string> args);

// Paths of things the build made.
std::string bin(const std::string& name);  // build/bin/NAME
std::string guest(const std::string& name); // build/bin/NAME.nabla

// A scratch file of the given size, removed when the object goes.
class TempFile {
public:
    explicit TempFile(size_t size, char fill = 0);
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }
    std::string contents() const;

private:
    std::string path_;
};

// A scratch directory, removed with everything in it when the object goes.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string at(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

std::string describe(const Outcome& o); // for assertion messages

// A shell command, its output discarded; true on exit status 0.
bool sh(const std::string& cmd);

} // namespace nabla::test

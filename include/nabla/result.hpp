// Errors as values for the host tools (nabla-run, runnc, nabla-hap): a
// Result<T> is a T or an Error carrying the tool's exit status and one line
// that says what and where. Each tool has its own Exit enum (its documented
// statuses); only its main() prints.
#pragma once

#include <cerrno>
#include <cstring>
#include <expected>
#include <string>
#include <string_view>

namespace nabla {

template <typename Exit>
struct BasicError {
    Exit code;
    std::string message;
};

template <typename Exit>
std::unexpected<BasicError<Exit>> fail(Exit code, std::string message) {
    return std::unexpected(BasicError<Exit>{code, std::move(message)});
}

// For a failed host call: appends strerror(errno).
template <typename Exit>
std::unexpected<BasicError<Exit>> fail_errno(Exit code, std::string message) {
    int saved = errno;
    return fail(code, std::move(message) + ": " + std::strerror(saved));
}

// Puts what was being done in front of an error on its way up.
template <typename Exit>
BasicError<Exit> in_context(std::string_view what, BasicError<Exit> e) {
    e.message = std::string(what) + ": " + e.message;
    return e;
}

} // namespace nabla

#include "commands.hpp"

#include "container.hpp"
#include "files.hpp"

#include <unistd.h>

namespace nabla::runnc {

Result<Outcome> cmd_pause(const Invocation& inv) {
    if (auto ok = pause_container(inv.global, inv.args[0], true); !ok) return std::unexpected(ok.error());
    return Outcome{};
}

Result<Outcome> cmd_resume(const Invocation& inv) {
    if (auto ok = pause_container(inv.global, inv.args[0], false); !ok) return std::unexpected(ok.error());
    return Outcome{};
}

Result<Outcome> cmd_update(const Invocation& inv) {
    Resources resources = inv.options.resources;
    if (!inv.options.resources_file.empty()) {
        // As runc: the file holds linux.resources; flags given too win.
        const auto& file = inv.options.resources_file;
        auto text = read_file(file == "-" ? "/dev/stdin" : file, 1 << 20);
        if (!text) return std::unexpected(in_context("--resources", text.error()));
        auto from_file = parse_resources(*text, file == "-" ? "--resources (stdin)" : "--resources " + file);
        if (!from_file) return std::unexpected(from_file.error());
        auto take = [](auto& into, const auto& from) {
            if (!into) into = from;
        };
        take(resources.memory_limit, from_file->memory_limit);
        take(resources.memory_reservation, from_file->memory_reservation);
        take(resources.memory_swap, from_file->memory_swap);
        take(resources.cpu_shares, from_file->cpu_shares);
        take(resources.cpu_quota, from_file->cpu_quota);
        take(resources.cpu_period, from_file->cpu_period);
        take(resources.pids_limit, from_file->pids_limit);
    }
    if (resources.empty()) return fail(Exit::usage, "update: nothing to change (see runnc update --help)");
    if (auto ok = update_container(inv.global, inv.args[0], resources); !ok) return std::unexpected(ok.error());
    return Outcome{};
}

} // namespace nabla::runnc

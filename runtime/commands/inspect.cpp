#include "commands.hpp"

#include "container.hpp"
#include "files.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace nabla::runnc {

Result<Outcome> cmd_state(const Invocation& inv) {
    auto json = container_state_json(inv.global, inv.args[0]);
    if (!json) return std::unexpected(json.error());
    return Outcome{*json + "\n"};
}

Result<Outcome> cmd_list(const Invocation& inv) {
    auto containers = list_containers(inv.global);
    std::string out;
    if (inv.options.quiet) {
        for (const auto& c : containers) out += c.record.id + "\n";
    } else if (inv.options.json) {
        auto a = nlohmann::json::array();
        for (const auto& c : containers)
            a.push_back({{"ociVersion", oci_version},
                         {"id", c.record.id},
                         {"pid", c.status == Status::stopped ? 0 : c.record.init.pid},
                         {"status", status_name(c.status)},
                         {"bundle", c.record.bundle},
                         {"rootfs", c.record.rootfs},
                         {"created", c.record.created},
                         {"annotations", c.record.annotations},
                         {"owner", std::to_string(c.record.owner)}});
        out = a.dump() + "\n";
    } else {
        constexpr auto row = "{:<20} {:<8} {:<9} {:<40} {:<31} {}\n";
        out = fmt::format(row, "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
        for (const auto& c : containers)
            out += fmt::format(row, c.record.id, c.status == Status::stopped ? 0 : c.record.init.pid,
                               status_name(c.status), c.record.bundle, c.record.created, c.record.owner);
    }
    return Outcome{out};
}

Result<Outcome> cmd_ps(const Invocation& inv) {
    auto pids = container_pids(inv.global, inv.args[0]);
    if (!pids) return std::unexpected(pids.error());
    if (inv.options.json) return Outcome{nlohmann::json(*pids).dump() + "\n"};
    std::string out = fmt::format("{:<8} {}\n", "PID", "CMD");
    for (pid_t p : *pids) {
        auto cmdline = read_file(fmt::format("/proc/{}/cmdline", p), 4096).value_or("");
        for (auto& ch : cmdline)
            if (ch == '\0') ch = ' ';
        while (!cmdline.empty() && cmdline.back() == ' ') cmdline.pop_back();
        out += fmt::format("{:<8} {}\n", p, cmdline);
    }
    return Outcome{out};
}

} // namespace nabla::runnc

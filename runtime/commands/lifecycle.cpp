#include "commands.hpp"

#include "container.hpp"

#include <csignal>

namespace nabla::runnc {

namespace {
CreateRequest request(const Invocation& inv) { return {inv.args[0], inv.options.bundle, inv.options.pid_file}; }
} // namespace

Result<Outcome> run_command(const Invocation& inv) {
    switch (inv.command) {
    case Command::create: return cmd_create(inv);
    case Command::run: return cmd_run(inv);
    case Command::start: return cmd_start(inv);
    case Command::kill: return cmd_kill(inv);
    case Command::del: return cmd_delete(inv);
    case Command::state: return cmd_state(inv);
    case Command::list: return cmd_list(inv);
    case Command::ps: return cmd_ps(inv);
    case Command::pause: return cmd_pause(inv);
    case Command::resume: return cmd_resume(inv);
    case Command::update: return cmd_update(inv);
    case Command::spec: return cmd_spec(inv);
    case Command::features: return cmd_features(inv);
    case Command::exec: break; // refused by the command table
    }
    return fail(Exit::unsupported, inv.command_name + ": not supported");
}

Result<Outcome> cmd_create(const Invocation& inv) {
    auto created = create_container(inv.global, request(inv), false);
    if (!created) return std::unexpected(created.error());
    return Outcome{};
}

Result<Outcome> cmd_run(const Invocation& inv) {
    auto status = run_container(inv.global, request(inv), inv.options.detach);
    if (!status) return std::unexpected(status.error());
    return Outcome{{}, *status};
}

Result<Outcome> cmd_start(const Invocation& inv) {
    if (auto ok = start_container(inv.global, inv.args[0]); !ok) return std::unexpected(ok.error());
    return Outcome{};
}

Result<Outcome> cmd_kill(const Invocation& inv) {
    auto sig = parse_signal(inv.args.size() > 1 ? inv.args[1] : "TERM");
    if (!sig) return std::unexpected(sig.error());
    if (auto ok = kill_container(inv.global, inv.args[0], *sig, inv.options.all); !ok) return std::unexpected(ok.error());
    return Outcome{};
}

Result<Outcome> cmd_delete(const Invocation& inv) {
    if (auto ok = delete_container(inv.global, inv.args[0], inv.options.force); !ok) return std::unexpected(ok.error());
    return Outcome{};
}

} // namespace nabla::runnc

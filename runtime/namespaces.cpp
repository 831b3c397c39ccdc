#include "namespaces.hpp"

#include <algorithm>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>

namespace nabla::runnc {
namespace {

struct NamespaceRule {
    NamespaceKind kind;
    int flag;
    bool always_new; // made even when config.json does not list it
    bool joinable;   // a path in config.json is honoured
};

// user and time are refused by the config parser, and pid and mount paths
// too: the rows say what is left.
constexpr NamespaceRule rules[] = {
    {NamespaceKind::mount, CLONE_NEWNS, true, false},
    {NamespaceKind::pid, CLONE_NEWPID, true, false},
    {NamespaceKind::ipc, CLONE_NEWIPC, true, true},
    {NamespaceKind::uts, CLONE_NEWUTS, true, true},
    {NamespaceKind::network, CLONE_NEWNET, false, true},
    {NamespaceKind::cgroup, CLONE_NEWCGROUP, false, true},
};

} // namespace

Result<NamespacePlan> plan_namespaces(const std::vector<Namespace>& namespaces) {
    NamespacePlan plan;
    for (const auto& rule : rules) {
        auto it = std::ranges::find(namespaces, rule.kind, &Namespace::kind);
        bool listed = it != namespaces.end();
        if (listed && !it->path.empty() && rule.joinable) {
            auto what = fmt::format("linux.namespaces[{}] ({})", it - namespaces.begin(), it->path);
            UniqueFd fd(::open(it->path.c_str(), O_RDONLY | O_CLOEXEC));
            if (!fd.valid())
                return fail_errno(errno == ENOENT ? Exit::no_input : Exit::os_error, fmt::format("{}: cannot open", what));
            int type = ::ioctl(fd.get(), NS_GET_NSTYPE);
            if (type != rule.flag)
                return fail(Exit::config, fmt::format("{}: is not a {} namespace", what, namespace_name(rule.kind)));
            plan.joins.push_back({std::move(fd), rule.flag, what});
            continue;
        }
        if (!rule.always_new && !listed) continue;
        if (rule.kind == NamespaceKind::cgroup) plan.new_cgroup = true;
        else plan.clone_flags |= static_cast<unsigned long>(rule.flag);
    }
    return plan;
}

Result<void> enter_namespaces(const NamespacePlan& plan) {
    for (const auto& j : plan.joins)
        if (::setns(j.fd.get(), j.type) != 0) return fail_os(fmt::format("{}: cannot join", j.what));
    if (plan.new_cgroup && ::unshare(CLONE_NEWCGROUP) != 0) return fail_os("cannot create a cgroup namespace");
    return {};
}

} // namespace nabla::runnc

#include "privileges.hpp"

#include <fmt/format.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace nabla::runnc {

Result<void> drop_privileges(const User& user) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return fail_os("prctl(PR_SET_NO_NEW_PRIVS)");
    // uid 0 keeps no capabilities across exec, and cannot be given them back.
    if (::prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0) != 0)
        return fail_os("prctl(PR_SET_SECUREBITS)");
    // The bounding set needs CAP_SETPCAP to shrink: before capset empties it.
    for (int cap = 0; ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) return fail_os(fmt::format("prctl(PR_CAPBSET_DROP, {})", cap));
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) return fail_os("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
    std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
    if (::setgroups(groups.size(), groups.data()) != 0) return fail_os("process.user.additionalGids: setgroups");
    if (::setresgid(user.gid, user.gid, user.gid) != 0) return fail_os(fmt::format("process.user.gid: setresgid({})", user.gid));
    if (::setresuid(user.uid, user.uid, user.uid) != 0) return fail_os(fmt::format("process.user.uid: setresuid({})", user.uid));
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    if (::syscall(SYS_capset, &header, data) != 0) return fail_os("capset");
    return {};
}

} // namespace nabla::runnc

#include "state.hpp"

#include "files.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nabla::runnc {
namespace {

using json = nlohmann::json;

json hooks_to_json(const std::vector<Hook>& hooks) {
    json a = json::array();
    for (const auto& h : hooks) {
        json o = {{"path", h.path}, {"args", h.args}, {"env", h.env}};
        if (h.timeout) o["timeout"] = *h.timeout;
        a.push_back(std::move(o));
    }
    return a;
}

std::vector<Hook> hooks_from_json(const json& a) {
    std::vector<Hook> out;
    for (const auto& o : a) {
        Hook h{o.at("path").get<std::string>(), o.at("args").get<std::vector<std::string>>(),
               o.at("env").get<std::vector<std::string>>(), {}};
        if (o.contains("timeout")) h.timeout = o.at("timeout").get<int>();
        out.push_back(std::move(h));
    }
    return out;
}

Result<UniqueFd> lock_dir(const std::string& path, bool lock = true) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return fail_os(fmt::format("cannot open {}", path));
    if (lock && ::flock(fd.get(), LOCK_EX) != 0) return fail_os(fmt::format("cannot lock {}", path));
    return fd;
}

} // namespace

std::string now_rfc3339() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm t{};
    gmtime_r(&ts.tv_sec, &t);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
    return fmt::format("{}.{:09}Z", buf, ts.tv_nsec);
}

std::optional<ProcessId> identify_process(pid_t pid) {
    auto stat = read_file(fmt::format("/proc/{}/stat", pid), 4096);
    if (!stat) return {};
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    auto close = stat->rfind(')');
    if (close == std::string::npos) return {};
    std::string_view rest = std::string_view(*stat).substr(close + 2);
    if (rest.starts_with('Z') || rest.starts_with('X')) return {}; // exited, not yet reaped
    // Field 3 is the state; the start time is field 22.
    size_t pos = 0;
    for (int field = 3; field < 22; field++) {
        pos = rest.find(' ', pos);
        if (pos == std::string_view::npos) return {};
        pos++;
    }
    uint64_t start = 0;
    auto [end, ec] = std::from_chars(rest.data() + pos, rest.data() + rest.size(), start);
    if (ec != std::errc{}) return {};
    return ProcessId{pid, start};
}

bool process_alive(const ProcessId& p) {
    if (p.pid <= 0) return false;
    auto now = identify_process(p.pid);
    return now && now->start_time == p.start_time;
}

std::string_view status_name(Status s) {
    switch (s) {
    case Status::creating: return "creating";
    case Status::created: return "created";
    case Status::running: return "running";
    case Status::paused: return "paused";
    case Status::stopped: return "stopped";
    }
    return "stopped";
}

Result<StateDir> StateDir::create(const std::string& root, const std::string& id) {
    if (auto ok = make_dirs(root, 0700); !ok) return std::unexpected(ok.error());
    auto path = root + "/" + id;
    if (::mkdir(path.c_str(), 0700) != 0) {
        if (errno == EEXIST) return fail(Exit::exists, fmt::format("container \"{}\" exists already", id));
        return fail_os(fmt::format("cannot create {}", path));
    }
    auto fd = lock_dir(path);
    if (!fd) {
        ::rmdir(path.c_str());
        return std::unexpected(fd.error());
    }
    return StateDir(path, std::move(*fd), true);
}

Result<StateDir> StateDir::open(const std::string& root, const std::string& id, bool lock) {
    auto path = root + "/" + id;
    auto fd = lock_dir(path, lock);
    // A delete that held the lock before us may have removed it meanwhile.
    struct stat st{};
    if (!fd || ::fstat(fd->get(), &st) != 0 || st.st_nlink == 0 || !path_exists(path + "/state.json")) {
        if (!fd && errno != ENOENT && errno != ENOTDIR) return std::unexpected(fd.error());
        return fail(Exit::not_found, fmt::format("container \"{}\" does not exist", id));
    }
    return StateDir(path, std::move(*fd), false);
}

StateDir::~StateDir() {
    if (remove_on_close_ && !path_.empty()) (void)remove_tree(path_);
}

Result<void> StateDir::remove() {
    remove_on_close_ = false;
    return remove_tree(path_);
}

Result<Record> StateDir::load() const {
    auto text = read_file(file("state.json"));
    if (!text) return std::unexpected(text.error());
    try {
        auto j = json::parse(*text);
        Record r;
        r.id = j.at("id").get<std::string>();
        r.bundle = j.at("bundle").get<std::string>();
        r.rootfs = j.at("rootfs").get<std::string>();
        r.created = j.at("created").get<std::string>();
        r.owner = j.at("owner").get<uid_t>();
        r.annotations = j.at("annotations").get<std::map<std::string, std::string>>();
        r.init = {j.at("pid").get<pid_t>(), j.at("pidStartTime").get<uint64_t>()};
        r.creator = {j.at("creatorPid").get<pid_t>(), j.at("creatorStartTime").get<uint64_t>()};
        r.started = j.at("started").get<bool>();
        r.cgroups = j.at("cgroups").get<CgroupSet>();
        r.image = j.at("image").get<std::string>();
        r.poststart = hooks_from_json(j.at("poststart"));
        r.poststop = hooks_from_json(j.at("poststop"));
        return r;
    } catch (const json::exception& e) {
        return fail(Exit::os_error, fmt::format("{}: damaged: {}", file("state.json"), e.what()));
    }
}

Result<void> StateDir::save(const Record& r) const {
    json j = {
        {"ociVersion", oci_version},
        {"id", r.id},
        {"bundle", r.bundle},
        {"rootfs", r.rootfs},
        {"created", r.created},
        {"owner", r.owner},
        {"annotations", r.annotations},
        {"pid", r.init.pid},
        {"pidStartTime", r.init.start_time},
        {"creatorPid", r.creator.pid},
        {"creatorStartTime", r.creator.start_time},
        {"started", r.started},
        {"cgroups", r.cgroups},
        {"image", r.image},
        {"poststart", hooks_to_json(r.poststart)},
        {"poststop", hooks_to_json(r.poststop)},
    };
    return write_file_atomic(file("state.json"), j.dump(2) + "\n", 0600);
}

std::optional<ExitStatus> StateDir::exit_status() const {
    auto text = read_file(file("exit"), 256);
    if (!text) return {};
    return parse_exit_record(*text);
}

std::string format_exit_record(const ExitStatus& e) {
    return e.signal ? fmt::format("signaled {}\n", e.signal) : fmt::format("exited {}\n", e.code);
}

std::optional<ExitStatus> parse_exit_record(std::string_view text) {
    auto space = text.find(' ');
    if (space == std::string_view::npos) return {};
    auto word = text.substr(0, space);
    int n = 0;
    auto num = text.substr(space + 1);
    auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), n);
    if (ec != std::errc{} || n < 0 || n > 255) return {};
    if (word == "exited") return ExitStatus{n, 0};
    if (word == "signaled") return ExitStatus{128 + n, n};
    return {};
}

Status current_status(const Record& r) {
    if (r.init.pid == 0) return process_alive(r.creator) ? Status::creating : Status::stopped;
    if (!process_alive(r.init)) return Status::stopped;
    if (!r.started) return process_alive(r.creator) ? Status::creating : Status::created;
    return cgroups_frozen(r.cgroups) ? Status::paused : Status::running;
}

std::string oci_state_json(const Record& r, Status status, std::optional<ExitStatus> exit) {
    json j = {
        {"ociVersion", oci_version},
        {"id", r.id},
        {"status", status_name(status)},
        {"pid", status == Status::stopped ? 0 : r.init.pid},
        {"bundle", r.bundle},
        {"rootfs", r.rootfs},
        {"created", r.created},
        {"owner", ""},
        {"annotations", r.annotations},
    };
    if (status == Status::stopped && exit) j["exitStatus"] = exit->code;
    return j.dump(2);
}

std::vector<std::string> list_ids(const std::string& root) {
    std::vector<std::string> ids;
    DIR* dir = ::opendir(root.c_str());
    if (!dir) return ids;
    while (auto* e = ::readdir(dir)) {
        std::string name = e->d_name;
        if (name == "." || name == ".." || name == "images") continue;
        if (path_exists(root + "/" + name + "/state.json")) ids.push_back(name);
    }
    ::closedir(dir);
    std::ranges::sort(ids);
    return ids;
}

} // namespace nabla::runnc

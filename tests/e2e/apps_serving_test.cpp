// nginx and Redis (apps/nginx, apps/redis) as unikernels serving real
// clients from Debian through a tap in a network namespace of the test's
// own: curl and wrk against nginx, redis-cli and redis-benchmark against
// Redis. After every hard client (a hundred or a thousand connections at
// once, clients that vanish mid-request) the server must still serve, and
// no test may leave a line of the library OS's "system call ... is not
// implemented: ENOSYS" in the server's output.
#include "netns.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <thread>

using namespace nabla::test;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string sha256(const std::string& path) {
    auto o = run({"/usr/bin/sha256sum", path});
    return o.exited_with(0) ? o.out.substr(0, 64) : "sha256sum failed: " + describe(o);
}

// n pseudo-random bytes, the same for the same seed.
std::string random_bytes(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::string s(n, '\0');
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = rng();
        std::memcpy(&s[i], &v, n - i < 8 ? n - i : 8);
    }
    return s;
}

// The library OS's one line for each unimplemented system call a program
// made: "nabla: system call NAME (N) is not implemented: ENOSYS".
std::vector<std::string> enosys_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (contains(line, "not implemented: ENOSYS")) lines.push_back(line);
    return lines;
}

// A root image unpacked into a scratch directory.
class Unpacked {
public:
    explicit Unpacked(const std::string& image) {
        auto o = run({"/usr/bin/tar", "-xf", image, "-C", dir_.path().string()});
        EXPECT_TRUE(o.exited_with(0)) << describe(o);
    }
    std::string at(const std::string& path) const { return dir_.at(path); }
    std::string root() const { return dir_.path().string(); }

private:
    TempDir dir_;
};

// A namespace with a tap, and one unikernel server in it at a time.
class ServerInNs : public testing::Test {
protected:
    void SetUp() override {
        if (!ns_.ok()) GTEST_SKIP() << ns_.skip_reason();
    }
    void TearDown() override {
        if (server_) finish(true); // still running at the end of the test
    }

    // nabla-run FLAGS (and the tap's) KERNEL ARGS, in the background.
    void start(const std::vector<std::string>& flags, const std::string& kernel, const std::vector<std::string>& args) {
        if (server_) finish(true);
        std::vector<std::string> argv = {bin("nabla-run")};
        argv.insert(argv.end(), flags.begin(), flags.end());
        for (auto& f : ns_.guest_net_flags("eth0")) argv.push_back(f);
        argv.push_back(bin(kernel));
        argv.insert(argv.end(), args.begin(), args.end());
        server_ = std::make_unique<Server>(ns_.wrap(argv));
    }

    // Stops the server (it must still be running if alive) and checks what
    // it printed for system calls the library OS does not implement.
    Outcome finish(bool alive) {
        bool running = server_->running();
        auto o = server_->stop();
        server_.reset();
        if (alive) EXPECT_TRUE(running) << "the server died: " << describe(o);
        for (const auto& line : enosys_lines(o.out + o.err)) {
            std::cout << "[ ENOSYS   ] " << line << "\n";
            ADD_FAILURE() << "the server made a system call the library OS does not implement: " << line;
        }
        return o;
    }

    // True once the server has exited, within the time.
    bool exits_within(std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (server_->running()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(20ms);
        }
        return true;
    }

    Outcome in_ns(const std::vector<std::string>& argv, std::chrono::milliseconds timeout = 20s) {
        return run(ns_.wrap(argv), timeout);
    }
    // A shell command line in the namespace (for redirections).
    Outcome sh_in_ns(const std::string& cmd, std::chrono::milliseconds timeout = 20s) {
        return in_ns({"/bin/sh", "-c", cmd}, timeout);
    }
    std::string log() const { return server_ ? "\nserver: " + server_->out() + server_->err() : ""; }

    NetNs ns_;
    std::unique_ptr<Server> server_;
    TempDir scratch_;
};

// ---------------------------------------------------------------- nginx

class NginxServing : public ServerInNs {
protected:
    // nginx.nabla on IMAGE (nginx.conf: port 8080, files from /www), once it answers.
    void start_nginx(const std::string& image) {
        start({"--block-ro:rootfs=" + image, "--root=rootfs"}, "nginx.nabla", {});
        ASSERT_TRUE(answers()) << "nginx does not answer" << log();
    }
    void SetUp() override {
        ServerInNs::SetUp();
        if (IsSkipped()) return;
        ASSERT_NO_FATAL_FAILURE(start_nginx(bin("nginx-root.img")));
    }

    std::string url(const std::string& path) const { return "http://" + ns_.guest_ip + ":8080" + path; }

    // curl -sS ARGS, in the namespace.
    Outcome curl(std::vector<std::string> args, std::chrono::milliseconds timeout = 20s) {
        args.insert(args.begin(), {"curl", "-sS", "--max-time", "15"});
        return in_ns(args, timeout);
    }
    // The status of a GET of PATH, or curl's complaint.
    std::string status(const std::string& path) {
        auto o = curl({"-o", "/dev/null", "-w", "%{http_code}", url(path)});
        return o.exited_with(0) ? o.out : describe(o);
    }
    // Polls until a GET of / answers 200: nginx says nothing when it is ready.
    bool answers() {
        auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto o = curl({"--connect-timeout", "1", "-o", "/dev/null", "-w", "%{http_code}", url("/")});
            if (o.exited_with(0) && o.out == "200") return true;
            if (!server_->running()) return false;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }
};

TEST_F(NginxServing, ServesIndexHtmlAsItIs) {
    Unpacked image(bin("nginx-root.img"));
    auto o = curl({"-D", scratch_.at("headers"), url("/")});
    ASSERT_TRUE(o.exited_with(0)) << describe(o) << log();
    EXPECT_EQ(o.out, read_file(image.at("www/index.html")));
    auto headers = read_file(scratch_.at("headers"));
    EXPECT_TRUE(contains(headers, "HTTP/1.1 200 OK\r\n")) << headers;
    EXPECT_TRUE(contains(headers, "Content-Type: text/html\r\n")) << headers;
    EXPECT_TRUE(contains(headers, "Server: nginx/1.22.1\r\n")) << headers;
}

TEST_F(NginxServing, ServesAMebibyteFileByteForByte) {
    Unpacked image(bin("nginx-root.img"));
    auto o = curl({"-o", scratch_.at("1M.bin"), "-w", "%{http_code} %{size_download}", url("/1M.bin")});
    ASSERT_TRUE(o.exited_with(0)) << describe(o) << log();
    EXPECT_EQ(o.out, "200 1048576");
    EXPECT_EQ(sha256(scratch_.at("1M.bin")), sha256(image.at("www/1M.bin")));
}

TEST_F(NginxServing, HeadGivesTheLengthAndNoBody) {
    auto o = curl({"-I", "-w", "body %{size_download}", url("/1M.bin")});
    ASSERT_TRUE(o.exited_with(0)) << describe(o) << log();
    EXPECT_EQ(o.out.find("HTTP/1.1 200 OK\r\n"), 0u) << o.out;
    EXPECT_TRUE(contains(o.out, "Content-Length: 1048576\r\n")) << o.out;
    EXPECT_TRUE(contains(o.out, "Accept-Ranges: bytes\r\n")) << o.out;
    EXPECT_TRUE(o.out.ends_with("\r\n\r\nbody 0")) << o.out;
}

TEST_F(NginxServing, MissingFileIs404) {
    EXPECT_EQ(status("/no-such-file.html"), "404");
    EXPECT_EQ(status("/"), "200") << log();
}

// curl with two URLs keeps the connection: one connect for both.
TEST_F(NginxServing, KeepAliveServesTwoRequestsOnOneConnection) {
    auto o = curl({"-o", "/dev/null", "-o", "/dev/null", "-w", "%{num_connects} %{http_code} %{size_download}\n",
                   url("/1M.bin"), url("/")});
    ASSERT_TRUE(o.exited_with(0)) << describe(o) << log();
    Unpacked image(bin("nginx-root.img"));
    EXPECT_EQ(o.out, "1 200 1048576\n0 200 " + std::to_string(read_file(image.at("www/index.html")).size()) + "\n");
}

TEST_F(NginxServing, RangeRequestsGetThoseBytes) {
    Unpacked image(bin("nginx-root.img"));
    std::string file = read_file(image.at("www/1M.bin"));
    struct Case {
        std::string range;
        size_t from, count;
    };
    for (const Case& c : {Case{"1000-1999", 1000, 1000}, Case{"-576", file.size() - 576, 576},
                          Case{"1048000-", 1048000, file.size() - 1048000}, Case{"0-0", 0, 1}}) {
        auto o = curl({"-r", c.range, "-o", scratch_.at("part"), "-w", "%{http_code}", url("/1M.bin")});
        ASSERT_TRUE(o.exited_with(0)) << c.range << ": " << describe(o) << log();
        EXPECT_EQ(o.out, "206") << c.range;
        EXPECT_TRUE(read_file(scratch_.at("part")) == file.substr(c.from, c.count)) << c.range;
    }
    // Past the end: 416.
    auto o = curl({"-r", "2000000-", "-o", "/dev/null", "-w", "%{http_code}", url("/1M.bin")});
    EXPECT_EQ(o.out, "416") << describe(o);
}

// A 20 MB file in a root image made now (nginx's image plus the file), three
// downloads of it at once, each byte for byte.
TEST_F(NginxServing, ServesA20MBFileFromAnImageMadeNow) {
    Unpacked tree(bin("nginx-root.img"));
    std::string big = random_bytes(20'000'000, 20);
    write_file(tree.at("www/20M.bin"), big);
    auto mk = run({bin("nabla-mkroot"), tree.root(), scratch_.at("root.img")});
    ASSERT_TRUE(mk.exited_with(0)) << describe(mk);
    ASSERT_NO_FATAL_FAILURE(start_nginx(scratch_.at("root.img")));

    std::vector<std::string> args = {"--parallel", "--parallel-immediate", "-w", "%{http_code} %{size_download}\n"};
    for (int i = 0; i < 3; i++) {
        args.insert(args.end(), {"-o", scratch_.at("got" + std::to_string(i)), url("/20M.bin")});
    }
    auto o = curl(args, 60s);
    ASSERT_TRUE(o.exited_with(0)) << describe(o) << log();
    EXPECT_EQ(o.out, "200 20000000\n200 20000000\n200 20000000\n");
    std::string want = sha256(tree.at("www/20M.bin"));
    for (int i = 0; i < 3; i++) EXPECT_EQ(sha256(scratch_.at("got" + std::to_string(i))), want) << "download " << i;
    // And a piece from the middle.
    auto part = curl({"-r", "12345678-12399999", "-o", scratch_.at("part"), "-w", "%{http_code}", url("/20M.bin")});
    EXPECT_EQ(part.out, "206") << describe(part);
    EXPECT_TRUE(read_file(scratch_.at("part")) == big.substr(12345678, 12399999 - 12345678 + 1));
}

// wrk: a hundred connections for three seconds, every answer a 200, no
// socket errors (connect, read, write, timeout); nginx serves afterwards.
TEST_F(NginxServing, WrkWithAHundredConnections) {
    auto o = in_ns({"wrk", "-t2", "-c100", "-d3s", url("/")}, 30s);
    ASSERT_TRUE(o.exited_with(0)) << describe(o) << log();
    std::cout << o.out;
    EXPECT_FALSE(contains(o.out, "Socket errors")) << o.out;
    EXPECT_FALSE(contains(o.out, "Non-2xx or 3xx responses")) << o.out;
    auto at = o.out.find(" requests in ");
    ASSERT_NE(at, std::string::npos) << o.out;
    long requests = std::stol(o.out.substr(o.out.rfind('\n', at) + 1));
    EXPECT_GT(requests, 3000) << o.out;
    EXPECT_EQ(status("/"), "200") << log();
    EXPECT_EQ(status("/1M.bin"), "200") << log();
}

// Clients that send part of a request line and close, or reset; that send
// a whole request and reset mid-response; that send headers and half-close.
const char* vanishing_http_clients = R"PY(
import socket, struct, sys
host, port = sys.argv[1], int(sys.argv[2])
def reset(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    s.close()
for i in range(60):
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(b"GET /index.ht")
    if i % 2: reset(s)
    else: s.close()
for i in range(10):
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(b"GET /1M.bin HTTP/1.1\r\nHost: x\r\n\r\n")
    s.recv(4096)
    reset(s)
for i in range(10):  # the request, then the write side closed: the answer still comes
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    s.shutdown(socket.SHUT_WR)
    got = b''
    while True:
        b = s.recv(65536)
        if not b: break
        got += b
    assert got.startswith(b'HTTP/1.1 200 OK'), got[:100]
    s.close()
for i in range(10):  # connect and never send anything
    socket.create_connection((host, port), timeout=5).close()
print('done')
)PY";

TEST_F(NginxServing, KeepsServingAfterClientsVanishMidRequest) {
    auto o = in_ns({"python3", "-c", vanishing_http_clients, ns_.guest_ip, "8080"}, 30s);
    ASSERT_TRUE(o.exited_with(0)) << describe(o) << log();
    EXPECT_EQ(o.out, "done\n");
    EXPECT_EQ(status("/"), "200") << log();
    Unpacked image(bin("nginx-root.img"));
    auto got = curl({"-o", scratch_.at("1M.bin"), url("/1M.bin")});
    ASSERT_TRUE(got.exited_with(0)) << describe(got) << log();
    EXPECT_EQ(sha256(scratch_.at("1M.bin")), sha256(image.at("www/1M.bin")));
}

// ---------------------------------------------------------------- Redis

class RedisServing : public ServerInNs {
protected:
    void SetUp() override {
        ServerInNs::SetUp();
        if (IsSkipped()) return;
        ASSERT_NO_FATAL_FAILURE(start_redis({}));
    }
    // redis-server.nabla with redis.conf from its root image and ARGS after it.
    void start_redis(const std::vector<std::string>& args) {
        std::vector<std::string> all = {"/etc/redis/redis.conf"};
        all.insert(all.end(), args.begin(), args.end());
        start_redis_with({"--block-ro:rootfs=" + bin("redis-root.img"), "--root=rootfs"}, all);
    }
    void start_redis_with(std::vector<std::string> flags, const std::vector<std::string>& args) {
        flags.insert(flags.begin(), "--mem=1024");
        start(flags, "redis-server.nabla", args);
        ASSERT_TRUE(server_->wait_for("Ready to accept connections")) << log();
    }

    // redis-cli -h GUEST ARGS; its output (replies, one a line).
    Outcome cli(std::vector<std::string> args, std::chrono::milliseconds timeout = 20s) {
        args.insert(args.begin(), {"redis-cli", "-h", ns_.guest_ip});
        return in_ns(args, timeout);
    }
    std::string ask(const std::vector<std::string>& args) {
        auto o = cli(args);
        return o.exited_with(0) ? o.out : describe(o);
    }
    // redis-cli -x ARGS with the file as the last argument.
    std::string ask_with_file(const std::string& args, const std::string& path) {
        auto o = sh_in_ns("redis-cli -h " + ns_.guest_ip + " -x " + args + " < " + path);
        return o.exited_with(0) ? o.out : describe(o);
    }
    // A field of INFO.
    std::string info(const std::string& section, const std::string& field) {
        std::string text = ask({"INFO", section});
        auto at = text.find("\n" + field + ":");
        if (at == std::string::npos) return "no " + field + " in " + text;
        at += field.size() + 2;
        return text.substr(at, text.find('\r', at) - at);
    }
    // redis-benchmark -q ARGS: it finished, with every test reporting its rate.
    void benchmark(std::vector<std::string> args) {
        args.insert(args.begin(), {"redis-benchmark", "-h", ns_.guest_ip, "-q"});
        auto o = in_ns(args, 60s);
        ASSERT_TRUE(o.exited_with(0)) << describe(o) << log();
        // -q rewrites a progress line with \r and ends it with the result.
        std::string results;
        std::istringstream pieces(o.out);
        for (std::string piece; std::getline(pieces, piece, '\r');) {
            std::istringstream lines(piece);
            for (std::string line; std::getline(lines, line);)
                if (contains(line, "requests per second")) results += line + "\n";
        }
        std::cout << results;
        EXPECT_TRUE(contains(results, "SET: ")) << o.out;
        EXPECT_TRUE(contains(results, "GET: ")) << o.out;
        EXPECT_FALSE(contains(o.out + o.err, "rror")) << describe(o);
    }
};

TEST_F(RedisServing, AnswersRedisCli) {
    EXPECT_EQ(ask({"PING"}), "PONG\n");
    EXPECT_EQ(ask({"SET", "greeting", "hello nabla"}), "OK\n");
    EXPECT_EQ(ask({"GET", "greeting"}), "hello nabla\n");
    EXPECT_EQ(ask({"INCR", "counter"}), "1\n");
    EXPECT_EQ(ask({"INCRBY", "counter", "41"}), "42\n");
    EXPECT_EQ(ask({"LPUSH", "list", "a", "b", "c"}), "3\n");
    EXPECT_EQ(ask({"LRANGE", "list", "0", "-1"}), "c\nb\na\n");
    EXPECT_EQ(ask({"GET", "missing"}), "\n");
    EXPECT_EQ(ask({"DBSIZE"}), "3\n");
    EXPECT_EQ(ask({"DEL", "list"}), "1\n");
    EXPECT_EQ(ask({"DBSIZE"}), "2\n");
}

// 1 MiB of binary (every byte value, newlines too), set and got back.
TEST_F(RedisServing, OneMebibyteValueRoundTrips) {
    std::string value = random_bytes(1 << 20, 1);
    write_file(scratch_.at("value"), value);
    EXPECT_EQ(ask_with_file("SET big", scratch_.at("value")), "OK\n");
    EXPECT_EQ(ask({"STRLEN", "big"}), "1048576\n");
    auto o = cli({"GET", "big"});
    ASSERT_TRUE(o.exited_with(0)) << describe(o) << log();
    EXPECT_TRUE(o.out == value + "\n") << "got " << o.out.size() << " bytes";
    EXPECT_EQ(ask({"DBSIZE"}), "1\n");
}

// A thousand clients at once (lwIP's backlog of 255 makes some retry their
// SYN): every request answered, no connection refused.
TEST_F(RedisServing, AThousandConcurrentClients) {
    ASSERT_NO_FATAL_FAILURE(benchmark({"-n", "20000", "-c", "1000", "-t", "set,get"}));
    EXPECT_EQ(info("stats", "rejected_connections"), "0");
    EXPECT_EQ(ask({"STRLEN", "key:__rand_int__"}), "3\n"); // what SET wrote (-d 3)
    EXPECT_EQ(ask({"PING"}), "PONG\n") << log();
}

TEST_F(RedisServing, PipelinedClients) {
    ASSERT_NO_FATAL_FAILURE(benchmark({"-n", "200000", "-c", "50", "-P", "16", "-t", "set,get"}));
    EXPECT_EQ(ask({"STRLEN", "key:__rand_int__"}), "3\n");
    EXPECT_EQ(ask({"PING"}), "PONG\n") << log();
}

// Half a command then a close or a reset, a reset in the middle of a large
// SET, a client that never speaks: Redis keeps serving the rest.
const char* vanishing_redis_clients = R"PY(
import socket, struct, sys
host = sys.argv[1]
def reset(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    s.close()
for i in range(40):
    s = socket.create_connection((host, 6379), timeout=5)
    s.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nva")
    if i % 2: reset(s)
    else: s.close()
for i in range(5):
    s = socket.create_connection((host, 6379), timeout=5)
    s.sendall(b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$4000000\r\n" + b"x" * 1000000)
    reset(s)
for i in range(5):
    socket.create_connection((host, 6379), timeout=5).close()
s = socket.create_connection((host, 6379), timeout=5)
s.sendall(b"PING\r\n")
assert s.recv(100) == b"+PONG\r\n"
print('done')
)PY";

TEST_F(RedisServing, KeepsServingAfterClientsVanishMidCommand) {
    auto o = in_ns({"python3", "-c", vanishing_redis_clients, ns_.guest_ip}, 30s);
    ASSERT_TRUE(o.exited_with(0)) << describe(o) << log();
    EXPECT_EQ(o.out, "done\n");
    EXPECT_EQ(ask({"DBSIZE"}), "0\n") << "a half command was carried out";
    EXPECT_EQ(ask({"SET", "k", "v"}), "OK\n") << log();
}

// SHUTDOWN NOSAVE: Redis closes its listeners and exits 0; redis-cli sees
// the connection end (the library OS closes every descriptor at exit).
TEST_F(RedisServing, ShutdownNosaveExitsCleanly) {
    EXPECT_EQ(ask({"SET", "k", "v"}), "OK\n");
    auto o = cli({"SHUTDOWN", "NOSAVE"}, 10s);
    EXPECT_TRUE(o.exited_with(0)) << describe(o) << log();
    ASSERT_TRUE(exits_within(5s)) << log();
    auto end = finish(false);
    EXPECT_TRUE(end.exited_with(0)) << describe(end);
    EXPECT_TRUE(contains(end.out, "Redis is now ready to exit, bye bye...")) << end.out;
}

// A foreground SAVE of a dump past 4 MiB (Redis's rdb-save-incremental-fsync
// calls sync_file_range every 4 MiB) into /data in the writable layer, then
// DEBUG RELOAD: the dump is written, renamed over dump.rdb and read back.
TEST_F(RedisServing, SavesADumpPast4MiBAndReloadsIt) {
    ASSERT_NO_FATAL_FAILURE(start_redis({"--enable-debug-command", "yes"}));
    write_file(scratch_.at("value"), random_bytes(1 << 20, 2));
    for (int i = 0; i < 6; i++) EXPECT_EQ(ask_with_file("SET big" + std::to_string(i), scratch_.at("value")), "OK\n");
    EXPECT_EQ(ask({"SET", "small", "v"}), "OK\n");
    EXPECT_EQ(ask({"SAVE"}), "OK\n") << log();
    EXPECT_EQ(info("persistence", "rdb_last_bgsave_status"), "ok");
    EXPECT_EQ(ask({"DEBUG", "RELOAD"}), "OK\n") << log();
    EXPECT_EQ(ask({"DBSIZE"}), "7\n");
    EXPECT_EQ(ask({"STRLEN", "big5"}), "1048576\n");
    EXPECT_EQ(ask({"GET", "small"}), "v\n");
    EXPECT_TRUE(contains(server_->out(), "DB saved on disk")) << log();
    EXPECT_TRUE(contains(server_->out(), "Done loading RDB, keys loaded: 7")) << log();
}

// Persistence across runs on a block device, the host file FILE, mounted as
// /data/dump.rdb. Redis saves to temp-PID.rdb and renames it over dump.rdb;
// the library OS moves the bytes onto the device for that rename (it cannot
// move the device). A mounted file starts each run at the device's full
// size: Redis reads its dump up to the end marker and ignores what follows,
// but the device must hold a valid dump from the start (an empty one: the
// header, the end marker, a zero checksum, which Redis takes as "not
// checksummed").
//
// redis-server.nabla declares one block device, rootfs, so it is attached
// read-write as the data device, without a root image; the configuration is
// on the command line.
TEST_F(RedisServing, PersistsOnABlockDeviceAcrossRuns) {
    std::string device = scratch_.at("data.img");
    std::string empty_dump = std::string("REDIS0010\xff", 10) + std::string(8, '\0');
    write_file(device, empty_dump + std::string((8u << 20) - empty_dump.size(), '\0'));
    const std::vector<std::string> flags = {"--block:rootfs=" + device, "--mount:rootfs=/data/dump.rdb"};
    const std::vector<std::string> args = {"--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data",
                                           "--dbfilename", "dump.rdb", "--save", ""};

    // First run: an empty database, then keys, 5 MiB of them, saved.
    ASSERT_NO_FATAL_FAILURE(start_redis_with(flags, args));
    EXPECT_EQ(ask({"DBSIZE"}), "0\n");
    std::string value = random_bytes(1 << 20, 3);
    write_file(scratch_.at("value"), value);
    for (int i = 0; i < 5; i++) EXPECT_EQ(ask_with_file("SET big" + std::to_string(i), scratch_.at("value")), "OK\n");
    EXPECT_EQ(ask({"SET", "greeting", "hello again"}), "OK\n");
    EXPECT_EQ(ask({"RPUSH", "list", "a", "b", "c"}), "3\n");
    EXPECT_EQ(ask({"SAVE"}), "OK\n") << log();
    EXPECT_EQ(ask({"SHUTDOWN", "NOSAVE"}), "") << log();
    ASSERT_TRUE(exits_within(5s)) << log();
    auto first = finish(false);
    EXPECT_TRUE(first.exited_with(0)) << describe(first);
    // On the host: the dump at the start of the device.
    EXPECT_EQ(read_file(device).substr(0, 9), "REDIS0010");

    // Second run on the same file: the keys are back.
    ASSERT_NO_FATAL_FAILURE(start_redis_with(flags, args));
    EXPECT_TRUE(contains(server_->out(), "Done loading RDB, keys loaded: 7")) << log();
    EXPECT_EQ(ask({"DBSIZE"}), "7\n");
    EXPECT_EQ(ask({"GET", "greeting"}), "hello again\n");
    EXPECT_EQ(ask({"LRANGE", "list", "0", "-1"}), "a\nb\nc\n");
    auto o = cli({"GET", "big4"});
    EXPECT_TRUE(o.out == value + "\n") << "got " << o.out.size() << " bytes";
}

} // namespace

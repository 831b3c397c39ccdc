// SQLite (apps/sqlite), built unmodified with nabla-cc, next to the same
// source built natively. The database is a block device mounted as one file
// (--mount:data=/data/test.db) of fixed size; the native peer runs the same
// SQL on a host file of the same size. Output must match byte for byte.
#include "process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>

using namespace nabla::test;
namespace fs = std::filesystem;

namespace {

constexpr size_t device_size = 16 << 20;
const std::string db = "/data/test.db";

// SQLite takes a file of nonzero size whose first page is not a database
// header for "not a database", zeros included. Formatting: with
// SQLITE_DBCONFIG_RESET_DATABASE the shell sees an empty database, and its
// first write transaction writes page 1 (no truncation, which a device
// cannot do).
const std::vector<std::string> format = {".dbconfig reset_database on", "PRAGMA user_version=0",
                                         ".dbconfig reset_database off"};
const std::string formatted = "     reset_database on\n     reset_database off\n";

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// The shell under nabla-run with DEVICE mounted at /data/test.db. -init
// /dev/null on both sides: no ~/.sqliterc (the guest has no home directory).
Outcome on_nabla(const std::string& device, const std::vector<std::string>& args,
                 const std::vector<std::string>& options = {}) {
    std::vector<std::string> argv = {bin("nabla-run"), "--block:data=" + device, "--mount:data=" + db};
    argv = argv + options + std::vector<std::string>{guest("sqlite3"), "-init", "/dev/null", db};
    return run(argv + args);
}

Outcome on_native(const std::string& file, const std::vector<std::string>& args) {
    return run(std::vector<std::string>{"/usr/bin/env", "-i", bin("sqlite3-native"), "-init", "/dev/null", file} + args);
}

void expect_same(const Outcome& o, const Outcome& native, int status = 0) {
    EXPECT_TRUE(native.exited_with(status)) << describe(native);
    EXPECT_TRUE(o.exited_with(status)) << describe(o);
    EXPECT_EQ(o.out, native.out);
    EXPECT_EQ(o.err, native.err);
}

// The same SQL on a fresh formatted device in nabla and on a fresh
// formatted host file of the same size natively.
struct Case {
    std::string name;
    std::vector<std::string> args;
    int status = 0;
};

const std::vector<Case> cases = {
    {"Tables",
     {"CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT NOT NULL, c REAL);"
      "INSERT INTO t(b, c) VALUES ('one', 1.5), ('two', 2.25), ('three', NULL), ('four', -4e10);"
      "SELECT * FROM t ORDER BY a;"
      "SELECT count(*), count(c), sum(c), avg(c), group_concat(b, ',') FROM t;"
      "UPDATE t SET c = c * 2 WHERE c IS NOT NULL; SELECT changes();"
      "DELETE FROM t WHERE b LIKE 't%'; SELECT changes(), total_changes();"
      "SELECT a, b, c, typeof(c) FROM t ORDER BY b;"}},
    {"IndexesAndJoins",
     {"CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT);"
      "CREATE TABLE o(id INTEGER PRIMARY KEY, p INTEGER REFERENCES p, qty INTEGER);"
      "INSERT INTO p(name) SELECT 'p' || value FROM generate_series(1, 50);"
      "INSERT INTO o(p, qty) SELECT value % 50 + 1, value * 7 % 13 FROM generate_series(1, 2000);"
      "CREATE INDEX o_p ON o(p);"
      "EXPLAIN QUERY PLAN SELECT name, sum(qty) FROM p JOIN o ON o.p = p.id GROUP BY p.id;"
      "SELECT name, count(*), sum(qty) FROM p JOIN o ON o.p = p.id GROUP BY p.id ORDER BY 3 DESC, 1 LIMIT 5;"
      "PRAGMA integrity_check;"}},
    {"Functions",
     {"SELECT json_object('a', 1, 'b', json_array(1, 2.5, 'x')), json_extract('{\"k\":[3,4]}', '$.k[1]');"
      "SELECT printf('%.3f|%5d|%-5s|%x|%e', pi(), 42, 'ab', 255, 12345.678), sqrt(2), pow(2, 0.5), ln(10);"
      "SELECT upper('abc'), substr('hello', 2, 3), replace('a-b-c', '-', '+'), instr('nabla', 'bl'), hex('∇');"
      "SELECT round(2.675, 2), 7 / 2, 7 % 3, 1e308 * 10, -0.0, 0.1 + 0.2, cast('12abc' AS INTEGER);"
      "SELECT date('2000-01-31', '+1 month'), strftime('%Y-%m-%dT%H:%M:%f', 1700000000.5, 'unixepoch'),"
      " julianday('2024-02-29 12:00:00'), unixepoch('1970-01-02');"}},
    {"RecursiveCteAndWindows",
     {"WITH RECURSIVE f(n, a, b) AS (SELECT 1, 0, 1 UNION ALL SELECT n + 1, b, a + b FROM f WHERE n < 60)"
      " SELECT n, a FROM f WHERE n % 10 = 0;"
      "CREATE TABLE s(g, v); INSERT INTO s SELECT value % 3, value * value % 17 FROM generate_series(1, 12);"
      "SELECT g, v, row_number() OVER w, rank() OVER w, sum(v) OVER w FROM s"
      " WINDOW w AS (PARTITION BY g ORDER BY v) ORDER BY g, v;"}},
    {"OutputModes",
     {"CREATE TABLE m(a, b); INSERT INTO m VALUES (1, 'x,y'), (2, NULL), (3, 'quote\"d');", ".headers on",
      ".mode box", "SELECT * FROM m;", ".mode csv", "SELECT * FROM m;", ".mode json", "SELECT * FROM m;",
      ".mode line", "SELECT * FROM m;", ".schema", ".tables"}},
    {"RTree",
     {"CREATE VIRTUAL TABLE r USING rtree(id, x0, x1, y0, y1);"
      "INSERT INTO r SELECT value, value, value + 2, value * 2, value * 2 + 3 FROM generate_series(1, 500);"
      "SELECT id FROM r WHERE x0 <= 101 AND x1 >= 100 AND y0 <= 205 AND y1 >= 200 ORDER BY id;"}},
    // Bigger than the page cache (50 pages), so pages are written to the
    // device inside the transaction, and one rolled back after that.
    {"SpillAndRollback",
     {"PRAGMA cache_size = 50;"
      "CREATE TABLE big(k INTEGER PRIMARY KEY, v TEXT);"
      "INSERT INTO big SELECT value, printf('%0200d', value * 7919 % 100003) FROM generate_series(1, 20000);"
      "CREATE INDEX big_v ON big(v);"
      "BEGIN; DELETE FROM big WHERE k % 2 = 0;"
      "INSERT INTO big SELECT value + 100000, hex(value) FROM generate_series(1, 20000); ROLLBACK;"
      "SELECT count(*), sum(k), min(v), max(v) FROM big; PRAGMA integrity_check;"}},
    {"SqlErrorExitsOne", {"SELECT 1;", "SELECT * FROM nosuch;", "SELECT 2;"}, 1},
    {"SyntaxErrorExitsOne", {"SELEC 1;"}, 1},
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class SqliteSql : public testing::TestWithParam<Case> {};

TEST_P(SqliteSql, PrintsWhatNativeSqlitePrints) {
    const Case& c = GetParam();
    TempFile device(device_size), host(device_size);
    auto native = on_native(host.path(), format + c.args);
    auto o = on_nabla(device.path(), format + c.args);
    expect_same(o, native, c.status);
    EXPECT_TRUE(o.out.starts_with(formatted)) << o.out;
    if (c.status == 0) {
        EXPECT_EQ(o.err, "") << "no message, no ENOSYS";
    } else {
        EXPECT_TRUE(o.err.starts_with("Error: ") || o.err.starts_with("Parse error")) << o.err;
    }
    EXPECT_EQ(fs::file_size(device.path()), device_size) << "a device keeps its size";
}

INSTANTIATE_TEST_SUITE_P(Cases, SqliteSql, testing::ValuesIn(cases), [](const auto& info) { return info.param.name; });

TEST(Sqlite, AZeroFilledFileIsNotADatabaseOnEitherSide) {
    TempFile device(device_size), host(device_size);
    auto o = on_nabla(device.path(), {"SELECT count(*) FROM sqlite_master;"});
    expect_same(o, on_native(host.path(), {"SELECT count(*) FROM sqlite_master;"}), 26); // SQLITE_NOTADB
    EXPECT_EQ(o.err, "Error: in prepare, file is not a database (26)\n");
    EXPECT_EQ(device.contents(), std::string(device_size, '\0')) << "nothing was written";
}

TEST(Sqlite, ADatabaseWrittenInOneRunIsReadInTheNext) {
    TempFile device(device_size);
    auto o = on_nabla(device.path(), format + std::vector<std::string>{
                                                  "CREATE TABLE kv(k TEXT PRIMARY KEY, v);"
                                                  "INSERT INTO kv VALUES ('a', 1), ('b', 2);"});
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    o = on_nabla(device.path(), {"INSERT INTO kv VALUES ('c', 3); SELECT * FROM kv ORDER BY k;"});
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, "a|1\nb|2\nc|3\n");
    o = on_nabla(device.path(), {"SELECT group_concat(k || '=' || v, ' ') FROM kv; PRAGMA integrity_check;"});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, "a=1 b=2 c=3\nok\n");
    EXPECT_EQ(o.err, "");
}

TEST(Sqlite, NativeSqliteReadsTheFileNablaWrote) {
    TempFile device(device_size), copy(0);
    auto o = on_nabla(device.path(), format + std::vector<std::string>{
                                                  "CREATE TABLE t(x INTEGER PRIMARY KEY, y TEXT);"
                                                  "INSERT INTO t SELECT value, printf('%05d', value) FROM generate_series(1, 5000);"
                                                  "CREATE INDEX t_y ON t(y);"});
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    fs::copy_file(device.path(), copy.path(), fs::copy_options::overwrite_existing);
    auto native = on_native(copy.path(), {"PRAGMA integrity_check; SELECT count(*), sum(x), max(y) FROM t;"});
    EXPECT_TRUE(native.exited_with(0)) << describe(native);
    EXPECT_EQ(native.out, "ok\n5000|12502500|05000\n");
    EXPECT_EQ(native.err, "");
}

TEST(Sqlite, NablaReadsAndWritesADatabaseNativeSqliteMade) {
    TempFile device(0);
    // A database made on the host the ordinary way, then padded to a device.
    auto native = on_native(device.path(), {"CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);"});
    ASSERT_TRUE(native.exited_with(0)) << describe(native);
    fs::resize_file(device.path(), device_size);
    auto o = on_nabla(device.path(), {"INSERT INTO t VALUES (3); SELECT sum(x) FROM t;"});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, "6\n");
    native = on_native(device.path(), {"PRAGMA integrity_check; SELECT count(*) FROM t;"});
    EXPECT_EQ(native.out, "ok\n3\n") << describe(native);
}

// The rollback journal is a file beside the database, in the in-memory
// writable layer: a crash of the guest loses it (see README).
TEST(Sqlite, TheJournalIsAFileInTheWritableLayer) {
    TempFile device(device_size);
    auto o = on_nabla(device.path(), format + std::vector<std::string>{
                                                  "BEGIN; CREATE TABLE j(x); INSERT INTO j VALUES (1);"
                                                  "SELECT name FROM fsdir('/data') ORDER BY name;"
                                                  "COMMIT; SELECT name FROM fsdir('/data') ORDER BY name;"});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, formatted + "/data\n/data/test.db\n/data/test.db-journal\n/data\n/data/test.db\n");
}

// VACUUM shrinks the database file: on a device file the size shrinks
// within the device, and the next run (which sees the device's full size
// again) finds the database whole, since SQLite keeps its size in page 1.
TEST(Sqlite, VacuumShrinksTheDeviceFileAndTheDatabaseStaysWhole) {
    TempFile device(device_size);
    const std::vector<std::string> fill = {"CREATE TABLE v(x); INSERT INTO v SELECT value FROM generate_series(1, 3000);"
                                           "DELETE FROM v WHERE x > 10;"};
    auto o = on_nabla(device.path(), format + fill +
                                         std::vector<std::string>{"VACUUM; PRAGMA page_count; PRAGMA integrity_check;"});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.err, "");
    EXPECT_TRUE(o.out.ends_with("\n2\nok\n")) << o.out; // two pages after VACUUM
    o = on_nabla(device.path(), {"PRAGMA integrity_check; SELECT count(*), sum(x) FROM v;"});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, "ok\n10|55\n");
}

// speedtest1: the test lines without their times, and --verify's hash of
// every result, must be the same on both sides.
std::string without_times(const std::string& out) {
    static const std::regex time(R"( +[0-9]+\.[0-9]{3}s\n)");
    return std::regex_replace(out, time, "\n");
}

size_t test_lines(const std::string& out) {
    std::istringstream lines(out);
    size_t n = 0;
    for (std::string line; std::getline(lines, line);)
        if (std::regex_match(line, std::regex(R"( *[0-9]+ - .*)"))) n++;
    return n;
}

void expect_same_speedtest(const Outcome& o, const Outcome& native) {
    ASSERT_TRUE(native.exited_with(0)) << describe(native);
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.err, "") << "no message, no ENOSYS";
    EXPECT_EQ(without_times(o.out), without_times(native.out));
    EXPECT_NE(o.out.find("Verification Hash: "), std::string::npos) << o.out;
    EXPECT_GT(test_lines(o.out), 10u) << o.out;
    EXPECT_EQ(test_lines(o.out), test_lines(native.out));
}

TEST(SqliteSpeedtest1, RunsOnTheDeviceLikeNative) {
    const std::vector<std::string> args = {"--verify", "--size", "5", "--testset", "main,orm,cte,fp,rtree"};
    TempFile device(device_size), host(device_size);
    auto formatted_device = on_nabla(device.path(), format);
    ASSERT_TRUE(formatted_device.exited_with(0)) << describe(formatted_device);
    // speedtest1 deletes its database first; on the device that fails
    // (EBUSY, ignored) and it starts from the formatted, empty database.
    auto o = run(std::vector<std::string>{bin("nabla-run"), "--block:data=" + device.path(), "--mount:data=" + db,
                                          guest("speedtest1")} +
                 args + std::vector<std::string>{db});
    auto native = run(std::vector<std::string>{bin("speedtest1-native")} + args + std::vector<std::string>{host.path()});
    expect_same_speedtest(o, native);
}

// A real program with threads: with PRAGMA threads and a cache too small
// for the sort, SQLite builds an index with worker threads, which run on the
// library OS's cooperative scheduler.
TEST(Sqlite, WorkerThreadsSortAnIndexLikeNative) {
    const std::string sql = "PRAGMA threads=3; PRAGMA cache_size=20; CREATE TABLE t(a, b);"
                            "INSERT INTO t SELECT (value * 7919) % 100003, value % 977 FROM generate_series(1, 100000);"
                            "CREATE INDEX ti ON t(b, a); PRAGMA integrity_check;"
                            "SELECT count(*), sum(a), min(b), max(b) FROM t INDEXED BY ti WHERE b > 500;";
    TempFile device(device_size), host(0);
    auto o = run({bin("nabla-run"), "--trace-syscalls", "--block:data=" + device.path(), guest("sqlite3"), "-init",
                  "/dev/null", "/tmp/t.db", sql});
    auto native = run({bin("sqlite3-native"), "-init", "/dev/null", host.path(), sql});
    ASSERT_TRUE(native.exited_with(0)) << describe(native);
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, native.out);
    EXPECT_NE(o.err.find("nabla: clone("), std::string::npos) << "SQLite started no worker thread";
}

TEST(SqliteSpeedtest1, MainTestSetRunsInTheWritableLayerLikeNative) {
    const std::vector<std::string> args = {"--verify", "--size", "5"};
    TempFile device(device_size), host(0);
    auto o = run(std::vector<std::string>{bin("nabla-run"), "--block:data=" + device.path(), "--mount:data=" + db,
                                          guest("speedtest1")} +
                 args + std::vector<std::string>{"/tmp/speedtest1.db"});
    auto native = run(std::vector<std::string>{bin("speedtest1-native")} + args + std::vector<std::string>{host.path()});
    expect_same_speedtest(o, native);
    EXPECT_NE(o.out.find(" 200 - VACUUM..."), std::string::npos) << o.out;
}

} // namespace

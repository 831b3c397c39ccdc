// nabla-cc as a user's compiler: compile, archive, link, run.
#include "process.hpp"

#include <gtest/gtest.h>


#include <filesystem>
#include <fstream>

using namespace nabla::test;
namespace fs = std::filesystem;

namespace {

class NablaCc : public testing::Test {
protected:
    void SetUp() override {
        write("lib.c", "int triple(int x) { return 3 * x; }\n");
        write("app.c", "#include <stdio.h>\nint triple(int);\n"
                       "int main(int argc, char **argv) { printf(\"%d %s\\n\", triple(argc), argv[argc - 1]);"
                       " return triple(2); }\n");
        write("bare.c", "#include \"nabla/rt.h\"\nint main(void) { nabla_printf(\"bare\\n\"); return 4; }\n");
    }
    void write(const std::string& name, const std::string& text) { std::ofstream(dir_.at(name)) << text; }
    std::string at(const std::string& name) { return dir_.at(name); }
    Outcome cc(std::vector<std::string> args) {
        args.insert(args.begin(), bin("nabla-cc"));
        return run(args);
    }
    TempDir dir_;
};

TEST_F(NablaCc, CompilesArchivesLinksAndRuns) {
    ASSERT_TRUE(cc({"-O2", "-c", at("lib.c"), "-o", at("lib.o")}).exited_with(0));
    ASSERT_TRUE(run({"/usr/bin/ar", "rcs", at("libtriple.a"), at("lib.o")}).exited_with(0));
    auto link = cc({"-O2", "-o", at("app.nabla"), at("app.c"), "-L" + dir_.path().string(), "-ltriple"});
    ASSERT_TRUE(link.exited_with(0)) << describe(link);
    auto o = run({bin("nabla-run"), at("app.nabla"), "last"});
    EXPECT_TRUE(o.exited_with(6)) << describe(o);
    EXPECT_EQ(o.out, "6 last\n");
}

TEST_F(NablaCc, NoPieBuildsEtExec) {
    auto link = cc({"-no-pie", "-o", at("app.nabla"), at("app.c"), at("lib.c")});
    ASSERT_TRUE(link.exited_with(0)) << describe(link);
    std::ifstream f(at("app.nabla"), std::ios::binary);
    char header[18];
    f.read(header, sizeof header);
    EXPECT_EQ(header[16], 2) << "e_type is not ET_EXEC";
    EXPECT_TRUE(run({bin("nabla-run"), at("app.nabla")}).exited_with(6));
}

TEST_F(NablaCc, FreestandingBuildsAgainstThePlatformOnly) {
    auto link = cc({"--freestanding", "-o", at("bare.nabla"), at("bare.c")});
    ASSERT_TRUE(link.exited_with(0)) << describe(link);
    auto o = run({bin("nabla-run"), at("bare.nabla")});
    EXPECT_TRUE(o.exited_with(4)) << describe(o);
    EXPECT_EQ(o.out, "bare\n");
}

TEST_F(NablaCc, WorksAsCCForMake) {
    write("Makefile", "app.nabla: app.o libtriple.a\n\t$(CC) -o $@ app.o -L. -ltriple -lm\n"
                      "libtriple.a: lib.o\n\t$(AR) rcs $@ $^\n");
    auto o = run({"/usr/bin/make", "-s", "-C", dir_.path().string(), "CC=" + bin("nabla-cc")});
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_TRUE(run({bin("nabla-run"), at("app.nabla"), "x"}).exited_with(6));
}

TEST_F(NablaCc, WorksAsTheCompilerOfACMakeProject) {
    write("CMakeLists.txt", "cmake_minimum_required(VERSION 3.20)\nproject(t C)\n"
                            "add_library(triple STATIC lib.c)\nadd_executable(app.nabla app.c)\n"
                            "target_link_libraries(app.nabla triple)\n");
    auto conf = run({"/usr/bin/cmake", "-S", dir_.path().string(), "-B", at("b"), "-DCMAKE_C_COMPILER=" + bin("nabla-cc")},
                    std::chrono::seconds(60));
    ASSERT_TRUE(conf.exited_with(0)) << describe(conf);
    auto build = run({"/usr/bin/cmake", "--build", at("b")}, std::chrono::seconds(60));
    ASSERT_TRUE(build.exited_with(0)) << describe(build);
    auto o = run({bin("nabla-run"), at("b/app.nabla"), "y"});
    EXPECT_TRUE(o.exited_with(6)) << describe(o);
    EXPECT_EQ(o.out, "6 y\n");
}

// GNU Hello from Debian's source, built by its own configure and make with
// CC=nabla-cc (apps/hello).
TEST(NablaCcAutotools, GnuHelloBuiltByConfigureRuns) {
    auto o = run({bin("nabla-run"), guest("gnu-hello")});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, "Hello, world!\n");
    o = run({bin("nabla-run"), guest("gnu-hello"), "--greeting=hallo, nabla"});
    EXPECT_EQ(o.out, "hallo, nabla\n");
    // Hello 2.10 prints its usage for a bad option and goes on (status 0);
    // after that, glibc refuses the wide greeting on a byte stream and musl
    // prints it, so only the usage and the message are compared.
    o = run({bin("nabla-run"), guest("gnu-hello"), "--bogus"});
    EXPECT_TRUE(o.out.starts_with("Usage: ")) << describe(o);
    EXPECT_NE(o.err.find("unrecognized option '--bogus'"), std::string::npos) << o.err;
}

TEST_F(NablaCc, RefusesSharedObjects) {
    auto o = cc({"-shared", "-o", at("lib.so"), at("lib.c")});
    EXPECT_TRUE(o.exited_with(2)) << describe(o);
    EXPECT_NE(o.err.find("'-shared' is not supported"), std::string::npos) << o.err;
    EXPECT_FALSE(fs::exists(at("lib.so")));
}

} // namespace

// Pipes, eventfds, AF_UNIX socket pairs, poll/select and epoll inside the
// guest (tests/guests/streams.c), with Linux as the oracle: the same
// program built natively must print exactly the same, part by part.
#include "process.hpp"

#include <gtest/gtest.h>

using namespace nabla::test;

namespace {

class Streams : public testing::TestWithParam<const char*> {};

TEST_P(Streams, SameAsLinux) {
    std::string part = GetParam();
    auto native = run({bin("streams-native"), part});
    ASSERT_TRUE(native.exited_with(0)) << describe(native);
    ASSERT_EQ(native.out.find("NOT in time"), std::string::npos) << "the host itself was too slow:\n" << native.out;
    auto o = nabla_run({guest("streams"), part});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, native.out);
    EXPECT_EQ(o.err, "");
}

// One test per part, so a failure names the kind of descriptor.
INSTANTIATE_TEST_SUITE_P(Part, Streams,
                         testing::Values("pipe", "eventfd", "stream", "dgram", "poll", "epoll", "many"),
                         [](const auto& info) { return std::string(info.param); });

// All parts in one process, as a program would mix them: each part's
// descriptors are gone before the next (1000 more would not fit).
TEST(Streams, AllPartsInOneRun) {
    auto o = nabla_run({guest("streams")});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.err, "");
    EXPECT_NE(o.out.find("== many\nwatching 1000 descriptors\n"), std::string::npos) << o.out;
}

} // namespace

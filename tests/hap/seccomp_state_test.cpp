// The Seccomp lines of /proc/PID/status.
#include "seccomp_state.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace {

TEST(SeccompStatus, Parse) {
    auto s = hap::parse_seccomp_status("Name:\tnabla-run\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n");
    EXPECT_EQ(s.mode, 2);
    EXPECT_EQ(s.filters, 1);
    auto none = hap::parse_seccomp_status("Name:\tx\n");
    EXPECT_EQ(none.mode, -1);
    EXPECT_EQ(none.filters, -1);
}

TEST(SeccompStatus, ThisProcess) {
    auto s = hap::read_seccomp_status(getpid());
    ASSERT_TRUE(s.has_value());
    EXPECT_GE(s->mode, 0);
}

} // namespace

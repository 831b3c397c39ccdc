// The tracefs line parser, on lines recorded from `trace` and `trace_pipe`.
#include "trace_line.hpp"
#include "trace_session.hpp"

#include <gtest/gtest.h>

namespace {

template <typename T>
T parsed(std::string_view line) {
    auto r = hap::parse_trace_line(line);
    EXPECT_TRUE(r.has_value()) << line;
    EXPECT_TRUE(std::holds_alternative<T>(*r)) << line;
    return std::get<T>(*r);
}

TEST(TraceLine, SysEnter) {
    auto e = parsed<hap::SysEnter>(
        "       nabla-run-32132   [001] ..... 13897.000706: sys_enter: NR 317 (1, 0, 7ffc1f534b90, 0, 0, 0)");
    EXPECT_EQ(e.pid, 32132);
    EXPECT_EQ(e.nr, 317);
    EXPECT_EQ(e.args[0], 1u);
    EXPECT_EQ(e.args[2], 0x7ffc1f534b90u);
    auto big = parsed<hap::SysEnter>(
        "              sh-32131   [001] ..... 13897.002082: sys_enter: NR 231 (0, e7, 3c, ea55fc60d3be814e, "
        "ffffffffffffff80, 5651488cc9d0)");
    EXPECT_EQ(big.args[4], 0xffffffffffffff80u);
}

TEST(TraceLine, SysExitAndFork) {
    auto x = parsed<hap::SysExit>("       nabla-run-32132   [001] ..... 13897.000624: sys_exit: NR 317 = -22");
    EXPECT_EQ(x.nr, 317);
    EXPECT_EQ(x.ret, -22);
    auto f = parsed<hap::ProcessFork>(
        "              sh-32131   [001] ..... 13896.999737: sched_process_fork: comm=sh pid=32131 child_comm=sh "
        "child_pid=32132");
    EXPECT_EQ(f.pid, 32131);
    EXPECT_EQ(f.child, 32132);
}

TEST(TraceLine, CommWithSpacesDashesAndBrackets) {
    // trace_pipe output of a task named "my-odd [x] name", older 4-column flags, and record-tgid.
    EXPECT_EQ(parsed<hap::SysEnter>("  my-odd [x] name-4242    [000] .... 12.5: sys_enter: NR 39 (0, 0, 0, 0, 0, 0)").pid,
              4242);
    EXPECT_EQ(parsed<hap::SysEnter>("   runc:[2:INIT]-77 (   70) [001] d..1. 9.1: sys_enter: NR 0 (3, 0, 0, 0, 0, 0)").pid,
              77);
}

TEST(TraceLine, LostEventsCommentsAndOthers) {
    auto l = parsed<hap::LostEvents>("CPU:1 [LOST 25 EVENTS]");
    EXPECT_EQ(l.cpu, 1);
    EXPECT_EQ(l.count, 25u);
    parsed<hap::NoEvent>("# tracer: nop");
    parsed<hap::NoEvent>("");
    parsed<hap::OtherEvent>("          <idle>-0       [000] d.h1. 10.0: irq_handler_entry: irq=24 name=virtio");
}

TEST(TraceLine, MalformedLinesAreErrors) {
    for (auto bad : {"garbage", "  sh-12 [000] ..... 1.0: sys_enter: NR x (0, 0, 0, 0, 0, 0)",
                     "  sh-12 [000] ..... 1.0: sys_enter: NR 1 (0, 0, 0)", "  sh [000] ..... 1.0: sys_enter: NR 1"}) {
        auto r = hap::parse_trace_line(bad);
        ASSERT_FALSE(r.has_value()) << bad;
        EXPECT_NE(r.error().message.find("not understood"), std::string::npos);
    }
}

TEST(TraceStats, LostSumsOverrunsAndDrops) {
    EXPECT_EQ(hap::lost_in_cpu_stats("entries: 348\noverrun: 0\ncommit overrun: 0\nbytes: 9\n"
                                     "oldest event ts: 1.0\nnow ts: 2.0\ndropped events: 0\nread events: 0\n"),
              0u);
    EXPECT_EQ(hap::lost_in_cpu_stats("entries: 10\noverrun: 7\ncommit overrun: 1\ndropped events: 2\n"), 10u);
}

} // namespace

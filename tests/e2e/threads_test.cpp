// POSIX threads on the library OS's cooperative scheduler (tests/guests/threads.c).
#include "process.hpp"

#include <gtest/gtest.h>

using namespace nabla::test;

namespace {

TEST(Threads, PthreadsWorkAndMainsReturnEndsTheProcess) {
    // 64 MiB: the 1000 detached threads (about 140 KiB each) fit only if
    // each one's stack is freed when it exits.
    auto o = nabla_run({"--mem=64", guest("threads")});
    EXPECT_TRUE(o.exited_with(3)) << describe(o); // three threads still blocked, asleep or runnable
    EXPECT_EQ(o.out,
              "create/join: 200 threads, sum of results 2646700\n"
              "tids: main 1 = pid 1, 200 distinct thread ids\n"
              "mutex: 8 threads x 1000 increments across yields = 8000\n"
              "condvar ping-pong: 1000 rounds\n"
              "pthread_once: init ran 1 time for 10 threads\n"
              "__thread: 10 threads, each its own copy; main's kept\n"
              "detached: 1000 threads ran and freed their stacks\n"
              "pthread_cond_timedwait: ETIMEDOUT after 50 ms\n"
              "sleep: 10 threads slept 100 ms at the same time\n"
              "sleep: main kept running while a thread slept\n"
              "barrier: 4 threads met 3 times\n"
              "semaphore: 100 handoffs\n"
              "join after exit: 42\n"
              "futex wait on a changed word: EAGAIN\n"
              "futex wait 20 ms: ETIMEDOUT, until a wall clock time: ETIMEDOUT, "
              "until a monotonic time already past: ETIMEDOUT\n"
              "futex errors: bitset 0 EINVAL, misaligned EINVAL, FUTEX_LOCK_PI ENOSYS, CLOCK_REALTIME wake ENOSYS\n"
              "futex bitsets: woke 0 for bit 4, 1 for bit 2, then 1; both returned 0 0\n"
              "futex requeue: wrong value EAGAIN, moved 2, woke 0 on a and 2 on b\n"
              "clone(SIGCHLD): -1 Function not implemented\n"
              "main returns 3 with 3 threads still there\n");
    EXPECT_EQ(o.err, "nabla: clone with flags 0x11 is not supported (one process, threads only): ENOSYS\n");
}

TEST(Threads, LastThreadsExitEndsTheProcessWithItsStatus) {
    auto o = nabla_run({guest("threads"), "main-exits"});
    EXPECT_TRUE(o.exited_with(5)) << describe(o);
    EXPECT_EQ(o.out, "main: pthread_exit\nlast thread: main is gone, SYS_exit(5)\n");
    EXPECT_EQ(o.err, "");
}

TEST(Threads, TraceShowsCloneAndEachThreadsExit) {
    auto o = nabla_run({"--trace-syscalls", guest("threads"), "main-exits"});
    ASSERT_TRUE(o.exited_with(5)) << describe(o);
    // musl's pthread_create flags; the new thread is tid 2.
    EXPECT_NE(o.err.find("nabla: clone(0x7d0f00, "), std::string::npos) << o.err;
    EXPECT_NE(o.err.find(") = 2\n"), std::string::npos) << o.err;
    size_t main_exit = o.err.find("nabla: exit(0) = ?\n");
    EXPECT_NE(main_exit, std::string::npos) << "main's pthread_exit ends only main: " << o.err;
    EXPECT_TRUE(o.err.ends_with("nabla: exit(0x5) = ?\n")) << o.err;
}

} // namespace

// Process-level calls of the library OS (guest/posix/sys_limits.cpp): thread
// names, resource usage, interval timers, CPU affinity, as a C program built
// with nabla-cc sees them through musl.
#include "process.hpp"

#include <gtest/gtest.h>

#include <fstream>

using namespace nabla::test;

namespace {

const char* const program = R"C(
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void *thread_main(void *arg) {
    char name[16];
    prctl(PR_GET_NAME, name);
    printf("thread starts as %s\n", name);
    prctl(PR_SET_NAME, "helper");
    prctl(PR_GET_NAME, name);
    printf("thread renamed %s\n", name);
    return arg;
}

int main(void) {
    char name[16];
    prctl(PR_GET_NAME, name);
    printf("name %s\n", name);
    printf("set %d\n", prctl(PR_SET_NAME, "a-name-longer-than-15"));
    prctl(PR_GET_NAME, name);
    printf("name %s\n", name);
    pthread_t t;
    pthread_create(&t, 0, thread_main, 0);
    pthread_join(t, 0);
    prctl(PR_GET_NAME, name);
    printf("main still %s\n", name);

    printf("dumpable %d", prctl(PR_GET_DUMPABLE));
    prctl(PR_SET_DUMPABLE, 0);
    printf(" %d", prctl(PR_GET_DUMPABLE));
    int rc = prctl(PR_SET_DUMPABLE, 2);
    printf(" set 2: %d %s\n", rc, strerror(errno));
    printf("no_new_privs %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    rc = prctl(0x7fff);
    printf("unknown option: %d %s\n", rc, strerror(errno));

    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, 0);
    struct rusage ru;
    printf("rusage %d", getrusage(RUSAGE_SELF, &ru));
    long us = ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec;
    printf(" time>=20ms %d maxrss>0 %d", us >= 20000, ru.ru_maxrss > 0);
    getrusage(RUSAGE_CHILDREN, &ru);
    printf(" children %ld %ld\n", (long)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec, ru.ru_maxrss);
    rc = getrusage(7, &ru);
    printf("rusage 7: %d %s\n", rc, strerror(errno));

    struct itimerval off = {{0, 0}, {0, 0}}, old = {{1, 1}, {1, 1}}, on = {{0, 0}, {1, 0}};
    rc = setitimer(ITIMER_REAL, &off, &old);
    printf("disarm %d old %ld\n", rc, old.it_value.tv_sec + old.it_interval.tv_sec);
    rc = setitimer(ITIMER_REAL, &on, 0);
    printf("arm: %d %s\n", rc, strerror(errno));
    printf("alarm(0) %u\n", alarm(0));
    getitimer(ITIMER_PROF, &old);
    printf("getitimer %ld\n", old.it_value.tv_sec + old.it_value.tv_usec);

    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    printf("affinity cpu0 %d", sched_setaffinity(0, sizeof set, &set));
    CPU_ZERO(&set);
    CPU_SET(1, &set);
    rc = sched_setaffinity(0, sizeof set, &set);
    printf(" cpu1 %d %s\n", rc, strerror(errno));
    return 0;
}
)C";

TEST(Limits, ProcessLevelCallsAnswerAsOneProcessOnOneCpu) {
    TempDir dir;
    std::ofstream(dir.at("limits.c")) << program;
    auto cc = run({bin("nabla-cc"), "-O2", "-o", dir.at("limits.nabla"), dir.at("limits.c"), "-lpthread"});
    ASSERT_TRUE(cc.exited_with(0)) << describe(cc);
    auto o = run({bin("nabla-run"), dir.at("limits.nabla")});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, "name limits.nabla\n"
                     "set 0\n"
                     "name a-name-longer-t\n"
                     "thread starts as limits.nabla\n"
                     "thread renamed helper\n"
                     "main still a-name-longer-t\n"
                     "dumpable 1 0 set 2: -1 Invalid argument\n"
                     "no_new_privs 1\n"
                     "unknown option: -1 Invalid argument\n"
                     "rusage 0 time>=20ms 1 maxrss>0 1 children 0 0\n"
                     "rusage 7: -1 Invalid argument\n"
                     "disarm 0 old 0\n"
                     "arm: -1 Function not implemented\n"
                     "alarm(0) 0\n"
                     "getitimer 0\n"
                     "affinity cpu0 0 cpu1 -1 Invalid argument\n");
    EXPECT_EQ(o.err, "") << "no message, no ENOSYS";
}

} // namespace

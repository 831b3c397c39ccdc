/*
 * POSIX threads on the library OS's cooperative scheduler: every line of
 * output is fixed, so the e2e test (tests/e2e/threads_test.cpp) compares it
 * exactly; a failed check prints "FAIL ..." and exits 1.
 *
 *   threads             all the checks, then main returns 3 while three
 *                       threads are still blocked, asleep or runnable
 *   threads main-exits  main calls pthread_exit; the last thread ends the
 *                       process with SYS_exit(5)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_LOCK_PI 6
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

static void check(int ok, const char *what) {
    if (!ok) {
        printf("FAIL %s\n", what);
        exit(1);
    }
}

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static pthread_t start(void *(*fn)(void *), void *arg) {
    pthread_t t;
    check(pthread_create(&t, NULL, fn, arg) == 0, "pthread_create");
    return t;
}

static void *join(pthread_t t) {
    void *result;
    check(pthread_join(t, &result) == 0, "pthread_join");
    return result;
}

/* Many threads alive at once, each with its own tid and result. */
enum { many = 200 };
static pid_t tids[many];

static void *square(void *arg) {
    intptr_t i = (intptr_t)arg;
    tids[i] = gettid();
    sched_yield();
    return (void *)(i * i);
}

static void test_create_join(void) {
    pthread_t t[many];
    for (intptr_t i = 0; i < many; i++) t[i] = start(square, (void *)i);
    long sum = 0;
    for (int i = 0; i < many; i++) sum += (intptr_t)join(t[i]);
    check(sum == 199L * 200 * 399 / 6, "sum of squares");
    printf("create/join: %d threads, sum of results %ld\n", many, sum);
    check(getpid() == 1 && gettid() == 1, "main thread is tid 1 = pid");
    for (int i = 0; i < many; i++) {
        check(tids[i] > 1, "thread tid above 1");
        for (int j = 0; j < i; j++) check(tids[i] != tids[j], "distinct tids");
    }
    printf("tids: main %d = pid %d, %d distinct thread ids\n", gettid(), getpid(), many);
}

/* A lock held across a yield: the others must wait on the futex. */
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *increment(void *arg) {
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&counter_lock);
        long seen = counter;
        sched_yield();
        counter = seen + 1;
        pthread_mutex_unlock(&counter_lock);
    }
    return NULL;
}

static void test_mutex(void) {
    pthread_t t[8];
    for (int i = 0; i < 8; i++) t[i] = start(increment, NULL);
    for (int i = 0; i < 8; i++) join(t[i]);
    check(counter == 8000, "mutex counter");
    printf("mutex: 8 threads x 1000 increments across yields = %ld\n", counter);
}

/* Two threads taking turns through one condition variable. */
static pthread_mutex_t turn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int turn, rounds;

static void *player(void *arg) {
    int me = (int)(intptr_t)arg;
    pthread_mutex_lock(&turn_lock);
    for (int i = 0; i < 1000; i++) {
        while (turn != me) pthread_cond_wait(&turn_changed, &turn_lock);
        if (me == 0) rounds++;
        turn = 1 - me;
        pthread_cond_signal(&turn_changed);
    }
    pthread_mutex_unlock(&turn_lock);
    return NULL;
}

static void test_condvar(void) {
    pthread_t a = start(player, (void *)0), b = start(player, (void *)1);
    join(a);
    join(b);
    check(rounds == 1000, "ping-pong rounds");
    printf("condvar ping-pong: %d rounds\n", rounds);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void init_once(void) {
    sched_yield(); /* the others arrive while it runs */
    once_runs++;
}

static void *call_once(void *arg) {
    (void)arg;
    pthread_once(&once, init_once);
    check(once_runs == 1, "once ran before pthread_once returned");
    return NULL;
}

static void test_once(void) {
    pthread_t t[10];
    for (int i = 0; i < 10; i++) t[i] = start(call_once, NULL);
    for (int i = 0; i < 10; i++) join(t[i]);
    printf("pthread_once: init ran %d time for 10 threads\n", once_runs);
}

static __thread int tl_value = 42;
static __thread char tl_buffer[64];

static void *use_tls(void *arg) {
    int me = (int)(intptr_t)arg;
    check(tl_value == 42 && tl_buffer[0] == 0, "new thread sees the TLS image");
    tl_value = me;
    snprintf(tl_buffer, sizeof tl_buffer, "thread %d", me);
    for (int i = 0; i < 5; i++) {
        sched_yield();
        char want[64];
        snprintf(want, sizeof want, "thread %d", me);
        check(tl_value == me && strcmp(tl_buffer, want) == 0, "TLS kept across switches");
    }
    return NULL;
}

static void test_tls(void) {
    tl_value = -1;
    pthread_t t[10];
    for (intptr_t i = 0; i < 10; i++) t[i] = start(use_tls, (void *)i);
    for (int i = 0; i < 10; i++) join(t[i]);
    check(tl_value == -1, "main's TLS untouched");
    printf("__thread: 10 threads, each its own copy; main's kept\n");
}

/* Detached threads free their own stacks: 1000 of them fit in --mem=64. */
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_changed = PTHREAD_COND_INITIALIZER;
static int done;

static void *finish(void *arg) {
    (void)arg;
    pthread_mutex_lock(&done_lock);
    done++;
    pthread_cond_signal(&done_changed);
    pthread_mutex_unlock(&done_lock);
    return NULL;
}

static void test_detached(void) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int batch = 1; batch <= 20; batch++) {
        for (int i = 0; i < 50; i++) {
            pthread_t t;
            check(pthread_create(&t, &attr, finish, NULL) == 0, "detached pthread_create");
        }
        pthread_mutex_lock(&done_lock);
        while (done < batch * 50) pthread_cond_wait(&done_changed, &done_lock);
        pthread_mutex_unlock(&done_lock);
    }
    pthread_attr_destroy(&attr);
    printf("detached: %d threads ran and freed their stacks\n", done);
}

static void test_timedwait(void) {
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    struct timespec at;
    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_nsec += 50 * 1000000;
    if (at.tv_nsec >= 1000000000) at.tv_sec++, at.tv_nsec -= 1000000000;
    uint64_t t0 = now_ms();
    pthread_mutex_lock(&m);
    int rc = pthread_cond_timedwait(&c, &m, &at);
    pthread_mutex_unlock(&m);
    uint64_t took = now_ms() - t0;
    check(rc == ETIMEDOUT, "pthread_cond_timedwait times out");
    check(took >= 49 && took < 1000, "timed wait lasted about 50 ms");
    printf("pthread_cond_timedwait: ETIMEDOUT after 50 ms\n");
}

/* Sleeping blocks only the sleeper. */
static volatile int sleeper_done;

static void *nap(void *arg) {
    usleep((useconds_t)(intptr_t)arg * 1000);
    sleeper_done++;
    return NULL;
}

static void test_sleep(void) {
    uint64_t t0 = now_ms();
    pthread_t t[10];
    for (int i = 0; i < 10; i++) t[i] = start(nap, (void *)100);
    for (int i = 0; i < 10; i++) join(t[i]);
    uint64_t took = now_ms() - t0;
    check(took >= 99 && took < 500, "10 naps of 100 ms at once");
    printf("sleep: 10 threads slept 100 ms at the same time\n");

    sleeper_done = 0;
    pthread_t s = start(nap, (void *)50);
    long spins = 0;
    while (!sleeper_done) {
        sched_yield();
        spins++;
    }
    join(s);
    check(spins > 10, "main ran while the other slept");
    printf("sleep: main kept running while a thread slept\n");
}

static pthread_barrier_t barrier;
static int arrived[3];

static void *meet(void *arg) {
    (void)arg;
    for (int round = 0; round < 3; round++) {
        arrived[round]++;
        pthread_barrier_wait(&barrier);
        check(arrived[round] == 4, "all arrived before the barrier opened");
    }
    return NULL;
}

static void test_barrier(void) {
    pthread_barrier_init(&barrier, NULL, 4);
    pthread_t t[4];
    for (int i = 0; i < 4; i++) t[i] = start(meet, NULL);
    for (int i = 0; i < 4; i++) join(t[i]);
    pthread_barrier_destroy(&barrier);
    printf("barrier: 4 threads met 3 times\n");
}

static sem_t ping, pong;

static void *ponger(void *arg) {
    (void)arg;
    for (int i = 0; i < 100; i++) {
        sem_wait(&ping);
        sem_post(&pong);
    }
    return NULL;
}

static void test_semaphore(void) {
    sem_init(&ping, 0, 0);
    sem_init(&pong, 0, 0);
    pthread_t t = start(ponger, NULL);
    for (int i = 0; i < 100; i++) {
        sem_post(&ping);
        sem_wait(&pong);
    }
    join(t);
    printf("semaphore: 100 handoffs\n");
}

static void *quick(void *arg) { return arg; }

static void test_join_after_exit(void) {
    pthread_t t = start(quick, (void *)42);
    usleep(10000); /* it has exited by now */
    printf("join after exit: %ld\n", (long)(intptr_t)join(t));
}

/* futex(2) itself, as other libcs and runtimes use it. */
/* ts is the timeout, or for requeue the number of waiters to move. */
static long futex(volatile int *addr, int op, int val, const void *ts, volatile int *addr2, int val3) {
    return syscall(SYS_futex, addr, op, val, ts, addr2, val3);
}

static const char *outcome(long rc) {
    static char counts[8][16]; /* several in one printf */
    static int next;
    if (rc >= 0) {
        char *text = counts[next++ % 8];
        snprintf(text, sizeof counts[0], "%ld", rc);
        return text;
    }
    return errno == EAGAIN ? "EAGAIN" : errno == ETIMEDOUT ? "ETIMEDOUT" : errno == EINVAL ? "EINVAL"
         : errno == ENOSYS ? "ENOSYS" : "another error";
}

static volatile int word_a, word_b;
static int waiter_results[2];

static void *wait_on_a(void *arg) {
    int i = (int)(intptr_t)arg;
    waiter_results[i] = (int)futex(&word_a, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 1 << i);
    return NULL;
}

static void test_futex(void) {
    printf("futex wait on a changed word: %s\n", outcome(futex(&word_a, FUTEX_WAIT, 1, NULL, NULL, 0)));
    struct timespec rel = {0, 20 * 1000000};
    uint64_t t0 = now_ms();
    printf("futex wait 20 ms: %s", outcome(futex(&word_a, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &rel, NULL, 0)));
    check(now_ms() - t0 >= 19, "relative futex timeout");
    struct timespec at;
    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_nsec += 20 * 1000000;
    if (at.tv_nsec >= 1000000000) at.tv_sec++, at.tv_nsec -= 1000000000;
    t0 = now_ms();
    long rc = futex(&word_a, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &at, NULL, -1);
    check(now_ms() - t0 >= 19, "absolute realtime futex timeout");
    printf(", until a wall clock time: %s", outcome(rc));
    clock_gettime(CLOCK_MONOTONIC, &at);
    printf(", until a monotonic time already past: %s\n",
           outcome(futex(&word_a, FUTEX_WAIT_BITSET, 0, &at, NULL, -1)));
    printf("futex errors: bitset 0 %s, misaligned %s, FUTEX_LOCK_PI %s, CLOCK_REALTIME wake %s\n",
           outcome(futex(&word_a, FUTEX_WAIT_BITSET, 0, NULL, NULL, 0)),
           outcome(futex((volatile int *)((char *)&word_a + 1), FUTEX_WAKE, 1, NULL, NULL, 0)),
           outcome(futex(&word_a, FUTEX_LOCK_PI, 0, NULL, NULL, 0)),
           outcome(futex(&word_a, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0)));

    /* Waiters with bitsets 1 and 2: a wake for bit 4 finds none. */
    pthread_t t0_ = start(wait_on_a, (void *)0), t1_ = start(wait_on_a, (void *)1);
    sched_yield(); /* both are waiting now */
    long none = futex(&word_a, FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 4);
    long second = futex(&word_a, FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 2);
    long first = futex(&word_a, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    join(t0_);
    join(t1_);
    printf("futex bitsets: woke %ld for bit 4, %ld for bit 2, then %ld; both returned %d %d\n", none, second, first,
           waiter_results[0], waiter_results[1]);

    /* Requeue two waiters from a to b. */
    t0_ = start(wait_on_a, (void *)0);
    t1_ = start(wait_on_a, (void *)1);
    sched_yield();
    printf("futex requeue: wrong value %s", outcome(futex(&word_a, FUTEX_CMP_REQUEUE, 0, (void *)2, &word_b, 1)));
    printf(", moved %s", outcome(futex(&word_a, FUTEX_CMP_REQUEUE, 0, (void *)2, &word_b, 0)));
    printf(", woke %s on a", outcome(futex(&word_a, FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    printf(" and %s on b\n", outcome(futex(&word_b, FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    join(t0_);
    join(t1_);
}

static int child(void *arg) { return (int)(intptr_t)arg; }

static void test_fork_like_clone(void) {
    static char stack[16384] __attribute__((aligned(16)));
    int rc = clone(child, stack + sizeof stack, SIGCHLD, NULL);
    printf("clone(SIGCHLD): %d %s\n", rc, strerror(errno));
}

/* Threads still there when main returns: the process ends anyway. */
static pthread_mutex_t never_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static void *block_forever(void *arg) {
    (void)arg;
    pthread_mutex_lock(&never_lock);
    for (;;) pthread_cond_wait(&never, &never_lock);
}

static void *sleep_long(void *arg) {
    (void)arg;
    sleep(3600);
    return NULL;
}

static void *spin(void *arg) {
    (void)arg;
    for (;;) sched_yield();
}

static void *outlive_main(void *arg) {
    (void)arg;
    usleep(20000);
    printf("last thread: main is gone, SYS_exit(5)\n");
    fflush(stdout);
    syscall(SYS_exit, 5); /* the last thread's exit ends the process */
    return NULL;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "main-exits") == 0) {
        start(outlive_main, NULL);
        printf("main: pthread_exit\n");
        fflush(stdout);
        pthread_exit(NULL);
    }
    test_create_join();
    test_mutex();
    test_condvar();
    test_once();
    test_tls();
    test_detached();
    test_timedwait();
    test_sleep();
    test_barrier();
    test_semaphore();
    test_join_after_exit();
    test_futex();
    test_fork_like_clone();
    start(block_forever, NULL);
    start(sleep_long, NULL);
    start(spin, NULL);
    sched_yield();
    printf("main returns 3 with 3 threads still there\n");
    return 3;
}

/*
 * bench-threads: the cost of switching between two threads. Built as
 * bench-threads.nabla (musl, the library OS's cooperative scheduler) and as
 * bench-threads-native (glibc, kernel threads; bench/run pins both sides to
 * one CPU so that the native threads really switch too). The same code runs
 * on both sides.
 *
 *   condvar: two threads hand a turn back and forth through one mutex and
 *            condition variable; ns per hand-off (one switch each)
 *   yield:   two threads call sched_yield in turn; ns per switch
 *
 * usage: bench-threads [HANDOFFS [YIELDS]]
 * Prints "result condvar_ns X" and "result yield_ns X" on stderr.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int turn;
static long handoffs;

/* Player `me` waits for its turn, then passes it on, handoffs/2 times. */
static void *player(void *arg) {
    int me = (int)(intptr_t)arg;
    pthread_mutex_lock(&lock);
    for (long i = 0; i < handoffs / 2; i++) {
        while (turn != me) pthread_cond_wait(&turn_changed, &lock);
        turn = 1 - me;
        pthread_cond_signal(&turn_changed);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

static long yields;

static void *yielder(void *arg) {
    (void)arg;
    for (long i = 0; i < yields; i++) sched_yield();
    return NULL;
}

/* Runs fn in two threads; returns the ns from before both start to after both end. */
static uint64_t pair(void *(*fn)(void *)) {
    pthread_t a, b;
    uint64_t t0 = now_ns();
    if (pthread_create(&a, NULL, fn, (void *)0) || pthread_create(&b, NULL, fn, (void *)1)) {
        fprintf(stderr, "bench-threads: pthread_create failed\n");
        exit(1);
    }
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return now_ns() - t0;
}

static void report(const char *name, uint64_t ns, long switches) {
    fprintf(stderr, "result %s %.2f\n", name, (double)ns / (double)switches);
}

int main(int argc, char **argv) {
    long want_handoffs = argc > 1 ? atol(argv[1]) : 200000;
    long want_yields = argc > 2 ? atol(argv[2]) : 500000;
    if (want_handoffs < 2 || want_yields < 1) {
        fprintf(stderr, "usage: bench-threads [HANDOFFS [YIELDS]]\n");
        return 64;
    }
    /* A short first round of each warms caches and branch predictors. */
    handoffs = want_handoffs / 10;
    turn = 0;
    pair(player);
    handoffs = want_handoffs;
    turn = 0;
    report("condvar_ns", pair(player), handoffs);

    yields = want_yields / 10;
    pair(yielder);
    yields = want_yields;
    report("yield_ns", pair(yielder), 2 * yields);
    return 0;
}

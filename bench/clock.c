/*
 * bench-clock: per-call cost of a monotonic clock read and of a 1-byte
 * console write. Built as bench-clock.nabla and as bench-clock-native (with
 * native_platform.c): the loops below are the same code on both sides.
 *
 * usage: bench-clock [CLOCK_CALLS [WRITE_CALLS]]
 * Prints "result clock_ns X" and "result write_ns X" (ns per call) on stderr,
 * because stdout is the console under test (bench/run sends it to /dev/null).
 */
#include "nabla/platform.h"
#include "nabla/rt.h"

static uint64_t clock_loop(uint64_t calls) {
    uint64_t t0 = nabla_clock_monotonic();
    for (uint64_t i = 0; i < calls; i++) nabla_clock_monotonic();
    return nabla_clock_monotonic() - t0;
}

static uint64_t write_loop(uint64_t calls) {
    uint64_t t0 = nabla_clock_monotonic();
    for (uint64_t i = 0; i < calls; i++)
        if (nabla_console_write(".", 1) != NABLA_OK) nabla_abort("console write failed");
    return nabla_clock_monotonic() - t0;
}

/* Integer arithmetic only: guest code is built with -mgeneral-regs-only. */
static void report(const char *name, uint64_t ns, uint64_t calls) {
    uint64_t centi = ns * 100 / calls;
    nabla_eprintf("result %s %lu.%02lu\n", name, (unsigned long)(centi / 100), (unsigned long)(centi % 100));
}

int main(int argc, char **argv) {
    uint64_t clock_calls = 5000000, write_calls = 300000;
    if ((argc > 1 && nabla_parse_u64(argv[1], &clock_calls)) ||
        (argc > 2 && nabla_parse_u64(argv[2], &write_calls)) || !clock_calls || !write_calls) {
        nabla_eprintf("usage: bench-clock [CLOCK_CALLS [WRITE_CALLS]]\n");
        return 64;
    }
    /* A short first round of each warms caches and branch predictors. */
    clock_loop(clock_calls / 10);
    report("clock_ns", clock_loop(clock_calls), clock_calls);
    write_loop(write_calls / 10);
    report("write_ns", write_loop(write_calls), write_calls);
    return 0;
}

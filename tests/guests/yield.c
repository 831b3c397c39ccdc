/* Sleeps argv[1] milliseconds with nabla_yield and prints how long it took. */
#include "nabla/platform.h"
#include "nabla/rt.h"

int main(int argc, char **argv) {
    uint64_t ms;
    if (argc < 2 || nabla_parse_u64(argv[1], &ms) != 0) return 2;
    uint64_t start = nabla_clock_monotonic();
    uint64_t ready = 0;
    nabla_result_t rc = nabla_yield(start + ms * 1000000, &ready);
    uint64_t took = nabla_clock_monotonic() - start;
    nabla_printf("yield rc %d ready %lu slept_us %lu\n", (int)rc, ready, took / 1000);
    return rc == NABLA_AGAIN ? 0 : 1;
}

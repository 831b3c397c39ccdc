/* Prints the wall clock and checks that the monotonic clock advances. */
#include "nabla/platform.h"
#include "nabla/rt.h"

int main(void) {
    uint64_t first = nabla_clock_monotonic(), last = first;
    for (int i = 0; i < 100000; i++) {
        uint64_t now = nabla_clock_monotonic();
        if (now < last) {
            nabla_printf("monotonic went back: %lu < %lu\n", now, last);
            return 1;
        }
        last = now;
    }
    if (last <= first) {
        nabla_printf("monotonic did not advance\n");
        return 1;
    }
    uint64_t wall = nabla_clock_wall();
    nabla_printf("wall %lu.%09lu\n", wall / 1000000000, wall % 1000000000);
    nabla_printf("monotonic ok\n");
    return 0;
}

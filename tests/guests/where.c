/* Prints where it was loaded: static-PIE guests move from run to run. */
#include "nabla/platform.h"
#include "nabla/rt.h"

int main(void) {
    nabla_printf("main %p mem_start %p\n", (void *)main, (void *)nabla_boot_info()->mem_start);
    return 0;
}

/* A unikernel with a block device and a net device, so nabla-run's filter
 * has all seven rules; it prints one line and exits 0 without using them. */
#include "nabla/manifest.h"
#include "nabla/rt.h"

NABLA_MANIFEST(2, NABLA_BLOCK("storage"), NABLA_NET("service"));

int main(void) {
    nabla_printf("hap-devices: up\n");
    return 0;
}

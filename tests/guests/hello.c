/* Prints its arguments, one per line, and exits 0. */
#include "nabla/rt.h"

int main(int argc, char **argv) {
    nabla_printf("hello from nabla\n");
    for (int i = 1; i < argc; i++) nabla_printf("arg %d: %s\n", i, argv[i]);
    return 0;
}

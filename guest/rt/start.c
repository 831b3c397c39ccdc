/* The freestanding runtime's start: main(argc, argv), then exit. */
#include "nabla/platform.h"

int main(int argc, char **argv);

void nabla_start(const struct nabla_boot_info *bi) {
    nabla_exit(main((int)bi->argc, (char **)bi->argv));
}

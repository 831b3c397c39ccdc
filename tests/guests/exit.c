/* Ends the way argv[1] says: a number (exit code), "abort", or "smash"
 * (overruns a stack buffer so the stack protector fires). */
#include "nabla/platform.h"
#include "nabla/rt.h"

__attribute__((noinline)) static void smash(const char *src, size_t n) {
    char buf[16];
    volatile size_t len = n; /* hide the overflow from the compiler */
    memcpy(buf, src, len);
    __asm__ volatile("" : : "r"(buf) : "memory");
}

int main(int argc, char **argv) {
    if (argc < 2) return 1;
    if (strcmp(argv[1], "abort") == 0) nabla_abort("asked to abort");
    if (strcmp(argv[1], "smash") == 0) {
        static const char long_input[64] = "0123456789abcdef0123456789abcdef0123456789abcdef012345678";
        smash(long_input, sizeof long_input);
        nabla_printf("stack protector did not fire\n");
        return 1;
    }
    uint64_t code;
    if (nabla_parse_u64(argv[1], &code) != 0) return 1;
    nabla_exit((int)code);
}

/* An ordinary C program: stdio, malloc, time, environment, exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    printf("hello from musl on nabla, pid %d\n", (int)getpid());
    for (int i = 1; i < argc; i++) printf("argv[%d] = \"%s\"\n", i, argv[i]);
    size_t n = 10 << 20;
    char *big = malloc(n);
    if (!big) return 2;
    memset(big, 'x', n);
    char *small = strdup("small");
    printf("malloc ok: %c %s\n", big[n - 1], small);
    free(big);
    free(small);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("time %lld\n", (long long)ts.tv_sec);
    const char *home = getenv("HOME");
    printf("HOME=%s\n", home ? home : "(unset)");
    fprintf(stderr, "to stderr\n");
    return argc > 1 && strcmp(argv[1], "fail") == 0 ? 3 : 0;
}

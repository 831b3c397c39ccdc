/* What runnc's end-to-end tests ask a guest: each argument is a step.
 *   mem         print the memory the guest has (sysinfo totalram), in MiB
 *   sleep N     sleep N seconds
 *   cat PATH    print a file of the root image
 *   write PATH  try to create PATH and say how it went
 *   exit N      exit with status N
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *step = argv[i], *arg = i + 1 < argc ? argv[i + 1] : "";
        if (strcmp(step, "mem") == 0) {
            struct sysinfo s;
            sysinfo(&s);
            printf("mem %lu MiB\n", (unsigned long)(s.totalram * s.mem_unit >> 20));
        } else if (strcmp(step, "sleep") == 0) {
            struct timespec t = {atoi(arg), 0};
            nanosleep(&t, NULL);
            i++;
        } else if (strcmp(step, "cat") == 0) {
            FILE *f = fopen(arg, "r");
            if (!f) {
                printf("cat %s: %s\n", arg, strerror(errno));
            } else {
                char buf[256];
                size_t n;
                while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
                fclose(f);
            }
            i++;
        } else if (strcmp(step, "write") == 0) {
            FILE *f = fopen(arg, "w");
            int ok = f && fputs("x", f) >= 0 && fclose(f) == 0;
            printf("write %s: %s\n", arg, ok ? "ok" : strerror(errno));
            i++;
        } else if (strcmp(step, "exit") == 0) {
            fflush(stdout);
            return atoi(arg);
        } else {
            printf("unknown step %s\n", step);
            return 64;
        }
        fflush(stdout);
    }
    return 0;
}

/* A guest with one net device "eth0" that does nothing but sleep (argv[1]
 * seconds, default 30): whatever answers ARP and ping is the library OS's
 * network stack, brought up at start-up before main runs. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    unsigned seconds = argc > 1 ? (unsigned)atoi(argv[1]) : 30;
    printf("up\n");
    fflush(stdout);
    sleep(seconds);
    printf("done\n");
    return 0;
}

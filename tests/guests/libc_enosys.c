/* Calls what the library OS does not do: fork twice, execve once. Each
 * fails with ENOSYS; the console gets one line per missing system call. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    for (int i = 0; i < 2; i++) {
        pid_t pid = fork();
        printf("fork: %d %s\n", (int)pid, pid < 0 ? strerror(errno) : "");
    }
    char *argv[] = {"/bin/sh", 0};
    int rc = execve("/bin/sh", argv, argv + 1);
    printf("execve: %d %s\n", rc, strerror(errno));
    return 0;
}

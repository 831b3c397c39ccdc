/* A workload whose system calls are known exactly, for nabla-hap's counting
 * pipeline: the process calls getpid 3 times and getppid 5 times, forks a
 * child that calls getuid 2 times, waits for it and exits. Raw syscall(2), so
 * no libc cache answers instead of the kernel. */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    for (int i = 0; i < 3; i++) syscall(SYS_getpid);
    for (int i = 0; i < 5; i++) syscall(SYS_getppid);
    pid_t child = fork();
    if (child == 0) {
        for (int i = 0; i < 2; i++) syscall(SYS_getuid);
        syscall(SYS_exit_group, 0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    syscall(SYS_exit_group, WIFEXITED(status) ? WEXITSTATUS(status) : 1);
    return 1;
}

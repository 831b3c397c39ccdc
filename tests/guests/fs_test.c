/*
 * The file system as a program sees it: the root image (read-only, with
 * the in-memory writable layer over it), /tmp, /dev, /proc/self, a block
 * device mounted as a file, and the descriptor calls. argv[1] picks a part.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what) {
    if (ok) printf("ok %s\n", what);
    else printf("FAIL %s (errno %d %s)\n", what, errno, strerror(errno)), failures++;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[1 << 20];
    *len = fread(buf, 1, sizeof buf - 1, f);
    buf[*len] = 0;
    fclose(f);
    return buf;
}

static void root_image(void) {
    size_t len;
    char *text = slurp("/etc/hello.txt", &len);
    check(text && strcmp(text, "hello root\n") == 0, "read a file from the root image");
    text = slurp("/etc/link", &len);
    check(text && strcmp(text, "hello root\n") == 0, "follow a symlink");
    char target[64] = {0};
    check(readlink("/etc/link", target, sizeof target) == 9 && strcmp(target, "hello.txt") == 0, "readlink");
    text = slurp("/data/big.bin", &len);
    int pattern_ok = text && len == 300000;
    for (size_t i = 0; pattern_ok && i < len; i++) pattern_ok = (unsigned char)text[i] == (unsigned char)(i * 7 % 251);
    check(pattern_ok, "read a 300000-byte file byte for byte");
    const char *deep = "/a/very/long/path/that/goes/past/the/hundred/characters/of/an/old/tar/header/name/field/file.txt";
    text = slurp(deep, &len);
    check(text && strcmp(text, "deep\n") == 0, "a path longer than 100 characters");

    DIR *d = opendir("/etc");
    int seen = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        seen += !strcmp(e->d_name, "hello.txt") || !strcmp(e->d_name, "link") || !strcmp(e->d_name, ".");
    if (d) closedir(d);
    check(seen == 3, "list a directory");

    struct stat st;
    check(stat("/etc/hello.txt", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 11 && (st.st_mode & 0777) == 0640,
          "stat: type, size, mode from the image");
    check(lstat("/etc/link", &st) == 0 && S_ISLNK(st.st_mode), "lstat sees the symlink");
    check(stat("/nonexistent", &st) == -1 && errno == ENOENT, "ENOENT");
    check(stat("/etc/hello.txt/x", &st) == -1 && errno == ENOTDIR, "ENOTDIR");

    /* Writing to an image file copies it to memory; the image is untouched. */
    FILE *f = fopen("/etc/hello.txt", "a");
    check(f && fputs("more\n", f) >= 0 && fclose(f) == 0, "append to an image file");
    text = slurp("/etc/hello.txt", &len);
    check(text && strcmp(text, "hello root\nmore\n") == 0, "read back the appended file");
}

static void writable(void) {
    int fd = open("/tmp/new.txt", O_CREAT | O_EXCL | O_RDWR, 0600);
    check(fd >= 0, "create a file in /tmp");
    check(write(fd, "0123456789", 10) == 10, "write");
    check(lseek(fd, 2, SEEK_SET) == 2, "lseek");
    char buf[16] = {0};
    check(read(fd, buf, 3) == 3 && !memcmp(buf, "234", 3), "read after lseek");
    check(pwrite(fd, "AB", 2, 20) == 2, "pwrite past the end");
    struct stat st;
    check(fstat(fd, &st) == 0 && st.st_size == 22, "fstat size after a sparse write");
    check(pread(fd, buf, 4, 9) == 4 && !memcmp(buf, "9\0\0\0", 4), "the hole reads as zeros");
    check(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate");
    int fd2 = dup(fd);
    check(fd2 > fd && lseek(fd2, 0, SEEK_CUR) == lseek(fd, 0, SEEK_CUR), "dup shares the offset");
    check(dup2(fd, 10) == 10 && fcntl(10, F_GETFD) == 0, "dup2");
    check(flock(fd, LOCK_EX) == 0, "flock is granted");
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    check(fcntl(fd, F_SETLK, &lk) == 0, "fcntl lock is granted");
    close(fd), close(fd2), close(10);
    check(open("/tmp/new.txt", O_CREAT | O_EXCL | O_RDWR, 0600) == -1 && errno == EEXIST, "O_EXCL");

    check(mkdir("/tmp/dir", 0755) == 0 && mkdir("/tmp/dir", 0755) == -1 && errno == EEXIST, "mkdir");
    check(rename("/tmp/new.txt", "/tmp/dir/moved.txt") == 0 && access("/tmp/dir/moved.txt", R_OK) == 0 &&
              access("/tmp/new.txt", F_OK) == -1,
          "rename into a directory");
    check(rmdir("/tmp/dir") == -1 && errno == ENOTEMPTY, "rmdir of a full directory");
    check(symlink("dir/moved.txt", "/tmp/sl") == 0 && access("/tmp/sl", F_OK) == 0, "symlink");
    check(chdir("/tmp/dir") == 0 && access("moved.txt", F_OK) == 0, "chdir and a relative path");
    char cwd[64];
    check(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/tmp/dir") == 0, "getcwd");
    check(unlink("moved.txt") == 0 && chdir("/") == 0 && rmdir("/tmp/dir") == 0, "unlink and rmdir");

    /* An unlinked file stays readable through its open descriptor. */
    fd = open("/tmp/ghost", O_CREAT | O_RDWR, 0600);
    write(fd, "boo", 3);
    unlink("/tmp/ghost");
    check(pread(fd, buf, 3, 0) == 3 && !memcmp(buf, "boo", 3), "read an unlinked open file");
    close(fd);
}

static void devices(void) {
    int fd = open("/dev/null", O_RDWR);
    char buf[32];
    check(fd >= 0 && write(fd, "x", 1) == 1 && read(fd, buf, 1) == 0, "/dev/null");
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 1, sizeof buf);
    check(fd >= 0 && read(fd, buf, 8) == 8 && !memcmp(buf, "\0\0\0\0\0\0\0\0", 8), "/dev/zero");
    close(fd);
    unsigned char a[16] = {0}, b[16] = {0};
    fd = open("/dev/urandom", O_RDONLY);
    check(fd >= 0 && read(fd, a, 16) == 16 && read(fd, b, 16) == 16 && memcmp(a, b, 16), "/dev/urandom");
    close(fd);
    size_t len;
    char *cmd = slurp("/proc/self/cmdline", &len);
    check(cmd && len > 0 && !strcmp(cmd + strlen(cmd) + 1, "devices"), "/proc/self/cmdline");
    FILE *out = fopen("/dev/stdout", "w");
    check(out && fprintf(out, "via /dev/stdout\n") > 0 && fclose(out) == 0, "/dev/stdout");
}

static void full(void) {
    /* The writable layer is limited (the test runs with --writable=1). */
    int fd = open("/tmp/big", O_CREAT | O_WRONLY, 0600);
    static char chunk[64 * 1024];
    long written = 0, n;
    while ((n = write(fd, chunk, sizeof chunk)) > 0) written += n;
    check(n == -1 && errno == ENOSPC, "ENOSPC when the writable layer is full");
    printf("wrote %ld bytes before ENOSPC\n", written);
    close(fd);
    check(unlink("/tmp/big") == 0, "unlink frees the space");
    fd = open("/tmp/again", O_CREAT | O_WRONLY, 0600);
    check(write(fd, chunk, sizeof chunk) == sizeof chunk, "write again after freeing");
}

static void volume(const char *what) {
    /* /data/disk.img is the block device 'data', one file. */
    int fd = open("/data/disk.img", O_RDWR);
    struct stat st;
    check(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 1 << 20, "the mounted device has its size");
    char buf[64];
    if (!strcmp(what, "write")) {
        check(pwrite(fd, "persisted across runs", 21, 1000) == 21, "write at an unaligned offset");
    } else {
        check(pread(fd, buf, 21, 1000) == 21 && !memcmp(buf, "persisted across runs", 21), "read what the last run wrote");
    }
    check(pwrite(fd, "x", 1, 1 << 20) == -1 && errno == ENOSPC, "no write past the device's end");
    if (!strcmp(what, "write")) {
        /* The file shrinks and grows within the device; what comes back is zero. */
        check(ftruncate(fd, 4096) == 0 && fstat(fd, &st) == 0 && st.st_size == 4096, "shrink the device file");
        check(pread(fd, buf, 8, 8192) == 0, "nothing past the new end");
        check(pwrite(fd, "end", 3, 8192) == 3 && fstat(fd, &st) == 0 && st.st_size == 8195, "a write grows it again");
        check(pread(fd, buf, 8, 4096) == 8 && !memcmp(buf, "\0\0\0\0\0\0\0\0", 8), "the gap reads as zeros");
        check(ftruncate(fd, (1 << 20) + 1) == -1 && errno == EFBIG, "no larger than the device");
        check(ftruncate(fd, 1 << 20) == 0 && fstat(fd, &st) == 0 && st.st_size == 1 << 20, "grow back to full size");
        check(pread(fd, buf, 21, 1000) == 21 && !memcmp(buf, "persisted across runs", 21), "data below the cut stays");
    }
    close(fd);
}

int main(int argc, char **argv) {
    const char *part = argc > 1 ? argv[1] : "";
    if (!strcmp(part, "root")) root_image();
    else if (!strcmp(part, "writable")) writable();
    else if (!strcmp(part, "devices")) devices();
    else if (!strcmp(part, "full")) full();
    else if (!strcmp(part, "volume")) volume(argc > 2 ? argv[2] : "read");
    else return printf("unknown part '%s'\n", part), 2;
    printf(failures ? "FAILED %d\n" : "all ok\n", failures);
    return failures ? 1 : 0;
}

# musl's bits/syscall.h -> one C string (or nullptr) per syscall number 0..511.
/^#define __NR_/ { names[$3] = substr($2, 6) }
END {
    for (i = 0; i < 512; i++)
        printf "%s,\n", (i in names) ? "\"" names[i] "\"" : "nullptr"
}

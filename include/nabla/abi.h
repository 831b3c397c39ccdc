/*
 * The guest <-> tender ABI of nabla.
 *
 * One header, included by the tender (C++, host) and by the guest platform
 * layer (C, freestanding). Everything here is plain data with fixed sizes so
 * that both sides agree byte for byte.
 *
 * Two directions:
 *  - guest -> tender: the manifest, an ELF note (owner "NABLA", type
 *    NABLA_NOTE_MANIFEST) that declares the ABI version the guest was built
 *    for and the devices it needs. The tender treats it as hostile input.
 *  - tender -> guest: struct nabla_boot_info, written into guest memory; its
 *    address arrives in %rdi at the guest entry point, with %rsp at the top of
 *    the guest stack.
 */
#ifndef NABLA_ABI_H
#define NABLA_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change of the structures below. */
#define NABLA_ABI_VERSION 2u

#define NABLA_NOTE_OWNER "NABLA"
#define NABLA_NOTE_MANIFEST 0x4e41424cu /* "NABL" */

#define NABLA_MAX_DEVICES 63u
#define NABLA_DEVICE_NAME_MAX 67u /* characters, without the NUL */

enum nabla_device_kind {
    NABLA_DEVICE_NET = 1,
    NABLA_DEVICE_BLOCK = 2,
};

struct nabla_manifest_entry {
    char name[NABLA_DEVICE_NAME_MAX + 1]; /* [A-Za-z0-9_]{1,67}, NUL-terminated */
    uint32_t kind;                        /* enum nabla_device_kind */
};

/* The note's descriptor: exactly sizeof(header) + count * sizeof(entry). */
struct nabla_manifest {
    uint32_t abi_version;
    uint32_t count;
    struct nabla_manifest_entry entries[];
};

/* IPv4 addresses are 4 bytes in network order (10.0.0.1 is {10, 0, 0, 1});
 * 0.0.0.0 means "not given". */
#define NABLA_NET_MAX_ROUTES 8u

/* An extra route of a net device (--net-route): dest/prefix through gateway. */
struct nabla_ip4_route {
    uint8_t dest[4];     /* the network: host bits zero */
    uint8_t gateway[4];  /* reached directly (ARP), on the link or not */
    uint32_t prefix;     /* 0..32 */
};

/* Devices as the tender attached them, in manifest order. */
struct nabla_device {
    char name[NABLA_DEVICE_NAME_MAX + 1];
    uint32_t kind;
    int32_t host_fd; /* known only to guest/platform */
    union {
        struct {
            uint64_t capacity;    /* bytes, a multiple of block_size */
            uint32_t block_size;  /* 512 or 4096 */
            uint32_t read_only;   /* 1: pwrite64 is not allowed */
            uint64_t max_request; /* bytes per host call, a power of two */
        } block;
        struct {
            uint8_t mac[6];
            uint16_t pad;
            uint32_t mtu;            /* 68..65535: --net-mtu, else the tap's */
            uint8_t ip4[4];          /* --net-ip; 0.0.0.0: no address */
            uint32_t ip4_prefix;     /* 0..32 */
            uint8_t ip4_gateway[4];  /* --net-gw; may be off the link (a /32 address) */
            uint32_t route_count;    /* <= NABLA_NET_MAX_ROUTES */
            struct nabla_ip4_route routes[NABLA_NET_MAX_ROUTES];
        } net;
    } u;
};

/* What the library OS mounts where, from nabla-run's command line. */
#define NABLA_MOUNT_PATH_MAX 255u
#define NABLA_MAX_MOUNTS 16u

enum nabla_mount_kind {
    NABLA_MOUNT_ROOT_TAR = 1,   /* block device holds a tar image: the root, read-only */
    NABLA_MOUNT_BLOCK_FILE = 2, /* block device appears as one file at path */
};

struct nabla_mount {
    char path[NABLA_MOUNT_PATH_MAX + 1];
    char device[NABLA_DEVICE_NAME_MAX + 1];
    uint32_t kind; /* enum nabla_mount_kind */
};

/* Host facts the guest can rely on. */
#define NABLA_HOST_FSGSBASE (1u << 0) /* TLS via wrfsbase; else arch_prctl */

/* Options the user gave nabla-run for the library OS. */
#define NABLA_GUEST_TRACE_SYSCALLS (1u << 0) /* log every system call */

#define NABLA_ENTROPY_BYTES 64u

struct nabla_boot_info {
    uint32_t abi_version;
    uint32_t host_flags;   /* NABLA_HOST_* */
    uint64_t load_bias;    /* added to link addresses (0 for ET_EXEC) */
    uint64_t mem_start;    /* the whole guest memory region */
    uint64_t mem_end;
    uint64_t heap_start;   /* free memory for the guest's allocator */
    uint64_t heap_end;
    uint64_t stack_low;    /* lowest usable stack address */
    uint64_t stack_top;
    uint64_t vdso_clock_gettime; /* 0 if the host has none */
    uint64_t phdr;         /* the guest's program headers, loaded */
    uint32_t phnum;
    uint32_t argc;         /* argv[0] is the kernel path */
    uint64_t argv;         /* char *const argv[argc + 1] in guest memory */
    uint64_t envp;         /* char *const envp[], NULL-terminated */
    uint32_t device_count;
    uint32_t console_fd;   /* stdout */
    uint32_t console_err_fd; /* stderr: kept apart for engines */
    uint32_t guest_flags;  /* NABLA_GUEST_*: options for the library OS */
    uint64_t devices;      /* struct nabla_device[device_count] */
    uint64_t mounts;       /* struct nabla_mount[mount_count] */
    uint32_t mount_count;
    uint32_t writable_mib; /* size limit of the in-memory writable layer */
    uint8_t entropy[NABLA_ENTROPY_BYTES];
};

/* Limits on one pread64/pwrite64 of a block device: lengths are a power of
 * two number of blocks up to this, so the filter can bound offset + length. */
#define NABLA_BLOCK_MAX_REQUEST (256u * 1024u)

/* How a guest's end maps to the tender's exit status. The guest's own exit
 * code passes through unchanged (0..255); these are the reserved ones. */
#define NABLA_EXIT_ABORT 134 /* nabla_abort(), like a shell's SIGABRT */

#ifdef __cplusplus
}
#endif

#endif

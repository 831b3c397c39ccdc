/*
 * Declares the devices a unikernel needs, as the NABLA ELF note:
 *
 *     NABLA_MANIFEST(2, NABLA_NET("service"), NABLA_BLOCK("storage"));
 *
 * A unikernel that declares nothing gets an empty manifest from the platform.
 */
#ifndef NABLA_MANIFEST_H
#define NABLA_MANIFEST_H

#include "nabla/abi.h"

#define NABLA_NET(n) { n, NABLA_DEVICE_NET }
#define NABLA_BLOCK(n) { n, NABLA_DEVICE_BLOCK }

#define NABLA_MANIFEST(count, ...)                                                              \
    __attribute__((section(".note.nabla"), used, aligned(4))) const struct {                    \
        uint32_t namesz, descsz, type;                                                         \
        char name[8];                                                                           \
        struct nabla_manifest m;                                                                \
        struct nabla_manifest_entry entries[count];                                             \
    } nabla_manifest_note = {sizeof(NABLA_NOTE_OWNER),                                          \
                             sizeof(struct nabla_manifest) +                                    \
                                 (count) * sizeof(struct nabla_manifest_entry),                 \
                             NABLA_NOTE_MANIFEST,                                               \
                             NABLA_NOTE_OWNER,                                                  \
                             {NABLA_ABI_VERSION, (count)},                                      \
                             {__VA_ARGS__}}

#endif

/* A unikernel built for a future ABI version: nabla-run must refuse it. */
#include "nabla/abi.h"
#include "nabla/rt.h"

__attribute__((section(".note.nabla"), used, aligned(4))) const struct {
    uint32_t namesz, descsz, type;
    char name[8];
    struct nabla_manifest m;
} nabla_manifest_note = {sizeof(NABLA_NOTE_OWNER), sizeof(struct nabla_manifest), NABLA_NOTE_MANIFEST,
                         NABLA_NOTE_OWNER, {NABLA_ABI_VERSION + 998, 0}};

int main(void) {
    nabla_printf("should not run\n");
    return 0;
}

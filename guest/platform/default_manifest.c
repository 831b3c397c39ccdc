/* The empty manifest, linked only when the unikernel declares none (the
 * archive member is pulled in by start.c's reference). */
#include <stdint.h>

#include "nabla/manifest.h"

NABLA_MANIFEST(0);

// What g++ emits calls to for C++ without a C++ runtime.
#include "alloc.hpp"

#include "nabla/platform.h"

void operator delete(void* p) noexcept { free(p); }
void operator delete(void* p, size_t) noexcept { free(p); }

extern "C" void __cxa_pure_virtual() { nabla_abort("library OS: pure virtual call"); }

# How a unikernel is compiled and linked, in one place: the CMake function
# below and the nabla-cc driver (nabla-cc.in) both use these lists.

# Freestanding: no host headers, no host libc.
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE NABLA_GCC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
set(NABLA_GUEST_CFLAGS
    -ffreestanding -nostdinc -isystem ${NABLA_GCC_INCLUDE}
    -fPIE -fno-plt -fstack-protector-strong -fno-omit-frame-pointer
    -mgeneral-regs-only -Wall -Wextra)
set(NABLA_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/nabla.ld)
# -no-pie builds ET_EXEC here; static-PIE is the default (random base).
set(NABLA_ET_EXEC_BASE 0x400000)
set(NABLA_GUEST_LDFLAGS
    -nostdlib -Wl,-T,${NABLA_LINKER_SCRIPT} -Wl,-z,max-page-size=4096
    -Wl,-z,noexecstack -Wl,--build-id=none -Wl,--no-undefined)

# add_nabla_unikernel(NAME SOURCES... [NO_PIE])
# Builds build/bin/NAME.nabla from freestanding C sources with the
# platform layer and the minimal runtime.
function(add_nabla_unikernel name)
  cmake_parse_arguments(ARG "NO_PIE" "" "SOURCES" ${ARGN})
  set(target ${name}.nabla)
  add_executable(${target} ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  target_compile_options(${target} PRIVATE ${NABLA_GUEST_CFLAGS})
  target_link_libraries(${target} PRIVATE "$<LINK_GROUP:RESCAN,nabla_rt,nabla_platform>" gcc)
  if(ARG_NO_PIE)
    target_link_options(${target} PRIVATE ${NABLA_GUEST_LDFLAGS} -static -no-pie
                        -Wl,-Ttext-segment=${NABLA_ET_EXEC_BASE})
  else()
    target_link_options(${target} PRIVATE ${NABLA_GUEST_LDFLAGS} -static-pie)
  endif()
  set_target_properties(${target} PROPERTIES LINK_DEPENDS ${NABLA_LINKER_SCRIPT}
                        POSITION_INDEPENDENT_CODE OFF)
endfunction()

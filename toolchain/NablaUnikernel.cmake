# How a unikernel is compiled and linked, in one place: the CMake function
# below and the nabla-cc driver (nabla-cc.in) both use these lists.

# Freestanding: no host headers, no host libc. ("SHELL:" keeps CMake from
# merging the repeated -isystem flags.)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE NABLA_GCC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
set(NABLA_GUEST_CFLAGS
    -ffreestanding -nostdinc "SHELL:-isystem ${NABLA_GCC_INCLUDE}"
    -fPIE -fno-plt -fstack-protector-strong -fno-omit-frame-pointer
    -mgeneral-regs-only -Wall -Wextra)
set(NABLA_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/nabla.ld)

# Guests built against musl (guest/libc builds it into the build tree).
set(NABLA_MUSL_DIR ${CMAKE_BINARY_DIR}/musl)
set(NABLA_LIBC_CFLAGS
    -nostdinc "SHELL:-isystem ${NABLA_MUSL_DIR}/include" "SHELL:-isystem ${NABLA_GCC_INCLUDE}"
    -fPIE -fno-plt -fstack-protector-strong)
# The library OS's own C++: no exceptions, no RTTI, no libstdc++ (it is
# built for glibc); only what the compiler provides freestanding.
set(NABLA_LIBOS_CXXFLAGS
    ${NABLA_LIBC_CFLAGS} -nostdinc++ -std=c++23 -ffreestanding -fno-exceptions -fno-rtti
    -fno-threadsafe-statics -fno-use-cxa-atexit -Wall -Wextra)
# -no-pie builds ET_EXEC here; static-PIE is the default (random base).
set(NABLA_ET_EXEC_BASE 0x400000)
set(NABLA_GUEST_LDFLAGS
    -nostdlib -Wl,-T,${NABLA_LINKER_SCRIPT} -Wl,-z,max-page-size=4096
    -Wl,-z,noexecstack -Wl,--build-id=none -Wl,--no-undefined)

# add_nabla_unikernel(NAME SOURCES... [NO_PIE] [LIBC] [DEVICES block:NAME net:NAME ...])
# Builds build/bin/NAME.nabla from C sources: freestanding with the platform
# layer and the minimal runtime, or with LIBC against musl and the library OS.
# DEVICES writes the device manifest (as nabla-cc --device=... does).
function(add_nabla_unikernel name)
  cmake_parse_arguments(ARG "NO_PIE;LIBC" "" "SOURCES;DEVICES" ${ARGN})
  set(target ${name}.nabla)
  set(manifest)
  if(ARG_DEVICES)
    set(entries)
    foreach(dev ${ARG_DEVICES})
      string(REPLACE ":" ";" parts ${dev})
      list(GET parts 0 kind)
      list(GET parts 1 dev_name)
      string(TOUPPER ${kind} kind)
      list(APPEND entries "NABLA_${kind}(\"${dev_name}\")")
    endforeach()
    list(LENGTH entries count)
    list(JOIN entries ", " entries)
    set(manifest ${CMAKE_CURRENT_BINARY_DIR}/${name}-manifest.c)
    file(GENERATE OUTPUT ${manifest}
         CONTENT "#include \"nabla/manifest.h\"\nNABLA_MANIFEST(${count}, ${entries});\n")
  endif()
  add_executable(${target} ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS} ${manifest})
  if(ARG_LIBC)
    target_compile_options(${target} PRIVATE ${NABLA_LIBC_CFLAGS})
    target_link_libraries(${target} PRIVATE
      "$<LINK_GROUP:RESCAN,nabla_posix,nabla_lwip,${NABLA_MUSL_DIR}/lib/libc.a,nabla_platform>" gcc)
    add_dependencies(${target} musl)
  else()
    target_compile_options(${target} PRIVATE ${NABLA_GUEST_CFLAGS})
    target_link_libraries(${target} PRIVATE "$<LINK_GROUP:RESCAN,nabla_rt,nabla_platform>" gcc)
  endif()
  if(ARG_NO_PIE)
    target_link_options(${target} PRIVATE ${NABLA_GUEST_LDFLAGS} -static -no-pie
                        -Wl,-Ttext-segment=${NABLA_ET_EXEC_BASE})
  else()
    target_link_options(${target} PRIVATE ${NABLA_GUEST_LDFLAGS} -static-pie)
  endif()
  set_target_properties(${target} PROPERTIES LINK_DEPENDS ${NABLA_LINKER_SCRIPT}
                        POSITION_INDEPENDENT_CODE OFF)
endfunction()

# Build step: turns the kernel's x86_64 syscall header into a table of
# {number, "name"} rows, so the names are the installed kernel headers' own.
#   cmake -DHEADER=.../asm/unistd_64.h -DOUT=.../syscall_table.inc -P gen_syscall_table.cmake
file(STRINGS "${HEADER}" lines REGEX "^#define __NR_[a-z0-9_]+ [0-9]+$")
if(NOT lines)
  message(FATAL_ERROR "no '#define __NR_name number' lines in ${HEADER}")
endif()
set(rows "// Generated from ${HEADER} by gen_syscall_table.cmake. Do not edit.\n")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^#define __NR_([a-z0-9_]+) ([0-9]+)$" "{\\2, \"\\1\"}," row "${line}")
  string(APPEND rows "${row}\n")
endforeach()
file(WRITE "${OUT}.tmp" "${rows}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")

# Turns the kernel's x86-64 syscall numbers header into a C table of names,
# so the names always match the headers the plugin was built against.
#
#   cmake -DUNISTD_H=<asm/unistd_64.h> -DOUTPUT=<file.c> -P gen_syscall_names.cmake
if(NOT UNISTD_H OR NOT OUTPUT)
  message(FATAL_ERROR "usage: cmake -DUNISTD_H=<header> -DOUTPUT=<file.c> -P ${CMAKE_CURRENT_LIST_FILE}")
endif()

file(STRINGS "${UNISTD_H}" defines REGEX "^#define __NR_[a-z0-9_]+ [0-9]+$")
if(NOT defines)
  message(FATAL_ERROR "no '#define __NR_<name> <number>' lines in ${UNISTD_H}")
endif()

set(entries "")
set(count 0)
foreach(line IN LISTS defines)
  string(REGEX REPLACE "^#define __NR_([a-z0-9_]+) ([0-9]+)$" "\\1;\\2" pair "${line}")
  list(GET pair 0 name)
  list(GET pair 1 nr)
  string(APPEND entries "\t[${nr}] = \"${name}\",\n")
  if(nr GREATER_EQUAL count)
    math(EXPR count "${nr} + 1")
  endif()
endforeach()

file(WRITE "${OUTPUT}.tmp"
  "/* Generated from ${UNISTD_H} by gen_syscall_names.cmake: do not edit. */\n"
  "#include \"raw_tp_syscalls.h\"\n\n"
  "const unsigned raw_tp_syscall_name_count = ${count};\n\n"
  "const char *const raw_tp_syscall_names[${count}] = {\n"
  "${entries}"
  "};\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")

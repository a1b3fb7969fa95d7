# Turns the kernel's syscall numbers header (asm/unistd_64.h) into a C table
# of names, so the names always match the headers the build used. Used by the
# core (PK_FIELD_SYSCALL) and by the raw_tp plugin, each with its own prefix.
#
#   cmake -DUNISTD_H=<asm/unistd_64.h> -DOUTPUT=<file.c> -DPREFIX=<c_prefix>
#         [-DINCLUDE=<header.h>] -P gen_syscall_names.cmake
#
# defines `const unsigned <PREFIX>_name_count` and
# `const char *const <PREFIX>_names[]` (gaps are NULL).
if(NOT UNISTD_H OR NOT OUTPUT OR NOT PREFIX)
  message(FATAL_ERROR "usage: cmake -DUNISTD_H=<header> -DOUTPUT=<file.c> -DPREFIX=<prefix> "
                      "[-DINCLUDE=<header.h>] -P ${CMAKE_CURRENT_LIST_FILE}")
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

set(include_line "")
if(INCLUDE)
  set(include_line "#include \"${INCLUDE}\"\n\n")
endif()
file(WRITE "${OUTPUT}.tmp"
  "/* Generated from ${UNISTD_H} by gen_syscall_names.cmake: do not edit. */\n"
  "${include_line}"
  "const unsigned ${PREFIX}_name_count = ${count};\n\n"
  "const char *const ${PREFIX}_names[${count}] = {\n"
  "${entries}"
  "};\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")

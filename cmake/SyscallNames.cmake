# probekit_syscall_names(OUTPUT <file.c> PREFIX <c_prefix> [INCLUDE <header.h>])
# generates a C table of this machine's syscall names (gen_syscall_names.cmake)
# from PROBEKIT_UNISTD_H, the x86-64 <asm/unistd_64.h> unless set otherwise.
set(PROBEKIT_UNISTD_H "/usr/include/x86_64-linux-gnu/asm/unistd_64.h" CACHE FILEPATH
    "The syscall numbers header the syscall name tables are generated from")
if(NOT EXISTS "${PROBEKIT_UNISTD_H}" AND EXISTS /usr/include/asm/unistd_64.h)
  set(PROBEKIT_UNISTD_H /usr/include/asm/unistd_64.h)
endif()
set(PROBEKIT_GEN_SYSCALL_NAMES "${CMAKE_CURRENT_LIST_DIR}/gen_syscall_names.cmake")

function(probekit_syscall_names)
  cmake_parse_arguments(ARG "" "OUTPUT;PREFIX;INCLUDE" "" ${ARGN})
  add_custom_command(OUTPUT "${ARG_OUTPUT}"
    COMMAND ${CMAKE_COMMAND} -DUNISTD_H=${PROBEKIT_UNISTD_H} -DOUTPUT=${ARG_OUTPUT}
            -DPREFIX=${ARG_PREFIX} -DINCLUDE=${ARG_INCLUDE} -P "${PROBEKIT_GEN_SYSCALL_NAMES}"
    DEPENDS "${PROBEKIT_UNISTD_H}" "${PROBEKIT_GEN_SYSCALL_NAMES}"
    COMMENT "Syscall name table ${ARG_PREFIX}_names from ${PROBEKIT_UNISTD_H}"
    VERBATIM)
endfunction()

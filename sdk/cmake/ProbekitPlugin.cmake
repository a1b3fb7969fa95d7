# probekit_add_plugin(NAME <name> [BPF <file.bpf.c>] [SOURCES <file.c>...]
#                     [INCLUDE_DIRS <dir>...] [LIBRARIES <lib>...] [NO_INSTALL])
#
# Compiles the BPF object with clang (CO-RE, against vmlinux.h), generates its
# bpftool skeleton (<name>.skel.h, embedding the object, with the skeleton
# name <name>_bpf), and builds the plugin as a MODULE library named <name>.so,
# installed into the directory the installed probekit searches for plugins.
# Without BPF (a sink plugin) only the library is built.
#
# Variables read (set by the probekit build or by ProbekitConfig.cmake):
#   PROBEKIT_INCLUDE_DIR        the SDK headers (probekit/plugin.h, probekit/bpf/...)
#   PROBEKIT_VMLINUX_H          a pinned vmlinux.h; empty: generate from /sys/kernel/btf/vmlinux
#   PROBEKIT_PLUGIN_OUTPUT_DIR  where built plugins go (default: build tree)
#   PROBEKIT_PLUGIN_INSTALL_DIR where plugins are installed (relative: under the
#                               install prefix); empty: PROBEKIT_PLUGIN_INSTALL_RELDIR
include_guard(GLOBAL)

find_program(PROBEKIT_CLANG NAMES clang clang-14 REQUIRED)
find_program(PROBEKIT_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)
find_package(PkgConfig REQUIRED)
# GLOBAL: plugins may be added in other directories than the one that found it.
pkg_check_modules(PROBEKIT_LIBBPF REQUIRED IMPORTED_TARGET GLOBAL libbpf)

set(PROBEKIT_VMLINUX_H "" CACHE FILEPATH
    "A pinned vmlinux.h; empty: generate it from /sys/kernel/btf/vmlinux")

# clang's -D__TARGET_ARCH_<arch> for the BPF tracing macros (PT_REGS_*).
function(_probekit_bpf_arch out)
  string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" cpu)
  if(cpu MATCHES "^(x86_64|amd64|i.86)$")
    set(arch x86)
  elseif(cpu MATCHES "^(aarch64|arm64)$")
    set(arch arm64)
  elseif(cpu MATCHES "^arm")
    set(arch arm)
  elseif(cpu MATCHES "^(ppc64|ppc64le|powerpc64)")
    set(arch powerpc)
  elseif(cpu MATCHES "^s390")
    set(arch s390)
  elseif(cpu MATCHES "^riscv")
    set(arch riscv)
  elseif(cpu MATCHES "^loongarch")
    set(arch loongarch)
  else()
    message(FATAL_ERROR "probekit_add_plugin: no BPF target arch known for '${CMAKE_SYSTEM_PROCESSOR}'")
  endif()
  set(${out} "${arch}" PARENT_SCOPE)
endfunction()

# vmlinux.h is made once for every plugin of this build.
function(_probekit_vmlinux_target)
  if(TARGET probekit_vmlinux_h)
    return()
  endif()
  set(dir "${CMAKE_BINARY_DIR}/probekit-vmlinux")
  if(PROBEKIT_VMLINUX_H)
    add_custom_command(OUTPUT "${dir}/vmlinux.h"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
      COMMAND ${CMAKE_COMMAND} -E copy "${PROBEKIT_VMLINUX_H}" "${dir}/vmlinux.h"
      DEPENDS "${PROBEKIT_VMLINUX_H}"
      COMMENT "Using pinned vmlinux.h ${PROBEKIT_VMLINUX_H}")
  else()
    if(NOT EXISTS /sys/kernel/btf/vmlinux)
      message(FATAL_ERROR "/sys/kernel/btf/vmlinux is missing: this kernel has no BTF. "
        "Point -DPROBEKIT_VMLINUX_H=<file> at a vmlinux.h made on a kernel with BTF.")
    endif()
    add_custom_command(OUTPUT "${dir}/vmlinux.h"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
      COMMAND ${PROBEKIT_BPFTOOL} btf dump file /sys/kernel/btf/vmlinux format c > "${dir}/vmlinux.h.tmp"
      COMMAND ${CMAKE_COMMAND} -E rename "${dir}/vmlinux.h.tmp" "${dir}/vmlinux.h"
      COMMENT "Generating vmlinux.h from /sys/kernel/btf/vmlinux")
  endif()
  add_custom_target(probekit_vmlinux_h DEPENDS "${dir}/vmlinux.h")
  set_property(GLOBAL PROPERTY PROBEKIT_VMLINUX_DIR "${dir}")
endfunction()

# BPF object and skeleton of one plugin; sets <out_skel_target> and <out_gen_dir>.
function(_probekit_add_skeleton name bpf_file extra_include_dirs out_skel_target out_gen_dir)
  _probekit_vmlinux_target()
  _probekit_bpf_arch(arch)
  get_property(vmlinux_dir GLOBAL PROPERTY PROBEKIT_VMLINUX_DIR)

  set(gen "${CMAKE_CURRENT_BINARY_DIR}/${name}-gen")
  get_filename_component(bpf_src "${bpf_file}" ABSOLUTE)
  set(bpf_obj "${gen}/${name}.bpf.o")
  set(skel "${gen}/${name}.skel.h")

  set(bpf_includes -I${vmlinux_dir} -I${PROBEKIT_INCLUDE_DIR} -I${CMAKE_CURRENT_SOURCE_DIR})
  foreach(dir IN LISTS extra_include_dirs)
    get_filename_component(dir "${dir}" ABSOLUTE)
    list(APPEND bpf_includes -I${dir})
  endforeach()
  foreach(dir IN LISTS PROBEKIT_LIBBPF_INCLUDE_DIRS)
    list(APPEND bpf_includes -I${dir})
  endforeach()

  # Header dependencies of the BPF source, so an edited shared header rebuilds it.
  file(GLOB local_headers "${CMAKE_CURRENT_SOURCE_DIR}/*.h")
  file(GLOB_RECURSE sdk_headers "${PROBEKIT_INCLUDE_DIR}/probekit/*.h")

  add_custom_command(OUTPUT "${bpf_obj}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${gen}"
    COMMAND ${PROBEKIT_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_${arch} -Wall -Werror
            ${bpf_includes} -c "${bpf_src}" -o "${bpf_obj}"
    DEPENDS "${bpf_src}" ${local_headers} ${sdk_headers} probekit_vmlinux_h
            "${vmlinux_dir}/vmlinux.h"
    COMMENT "BPF ${name}.bpf.o"
    VERBATIM)
  add_custom_command(OUTPUT "${skel}"
    COMMAND ${PROBEKIT_BPFTOOL} gen skeleton "${bpf_obj}" name ${name}_bpf > "${skel}.tmp"
    COMMAND ${CMAKE_COMMAND} -E rename "${skel}.tmp" "${skel}"
    DEPENDS "${bpf_obj}"
    COMMENT "Skeleton ${name}.skel.h")
  add_custom_target(${name}_skel DEPENDS "${skel}")
  set(${out_skel_target} ${name}_skel PARENT_SCOPE)
  set(${out_gen_dir} "${gen}" PARENT_SCOPE)
endfunction()

function(probekit_add_plugin)
  cmake_parse_arguments(P "NO_INSTALL" "NAME;BPF" "SOURCES;INCLUDE_DIRS;LIBRARIES" ${ARGN})
  if(NOT P_NAME)
    message(FATAL_ERROR "probekit_add_plugin: NAME is required")
  endif()
  if(NOT P_NAME MATCHES "^[a-z0-9_]+$")
    message(FATAL_ERROR "probekit_add_plugin: NAME '${P_NAME}' must match [a-z0-9_]+ "
      "(it is the plugin's name, its file name and its skeleton's prefix)")
  endif()
  if(NOT PROBEKIT_INCLUDE_DIR)
    message(FATAL_ERROR "probekit_add_plugin: PROBEKIT_INCLUDE_DIR is not set; "
      "call find_package(Probekit CONFIG REQUIRED) in this directory or a parent")
  endif()

  add_library(${P_NAME} MODULE ${P_SOURCES})
  if(P_BPF)
    _probekit_add_skeleton(${P_NAME} "${P_BPF}" "${P_INCLUDE_DIRS}" skel_target gen)
    add_dependencies(${P_NAME} ${skel_target})
    target_include_directories(${P_NAME} PRIVATE "${gen}")
    target_link_libraries(${P_NAME} PRIVATE PkgConfig::PROBEKIT_LIBBPF)
  endif()
  target_include_directories(${P_NAME} PRIVATE "${PROBEKIT_INCLUDE_DIR}"
                             "${CMAKE_CURRENT_SOURCE_DIR}" ${P_INCLUDE_DIRS})
  target_link_libraries(${P_NAME} PRIVATE ${P_LIBRARIES})
  set_target_properties(${P_NAME} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "${P_NAME}"
    C_STANDARD 11
    C_STANDARD_REQUIRED ON
    C_VISIBILITY_PRESET hidden)
  target_compile_options(${P_NAME} PRIVATE -Wall -Wextra -Werror)
  if(PROBEKIT_PLUGIN_OUTPUT_DIR)
    set_target_properties(${P_NAME} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${PROBEKIT_PLUGIN_OUTPUT_DIR}")
  endif()
  # A relative destination follows the install prefix, `--prefix` included.
  if(PROBEKIT_PLUGIN_INSTALL_DIR)
    set(destination "${PROBEKIT_PLUGIN_INSTALL_DIR}")
  else()
    set(destination "${PROBEKIT_PLUGIN_INSTALL_RELDIR}")
  endif()
  if(NOT P_NO_INSTALL AND destination)
    install(TARGETS ${P_NAME} LIBRARY DESTINATION "${destination}")
  endif()
endfunction()

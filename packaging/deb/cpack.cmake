# Debian packages with CPack: `cpack -G DEB` in a build directory (or
# packaging/deb/build.sh) writes
#   probekit_<version>_amd64.deb      the executable, built-in plugins, systemd
#                                     unit, man pages, /etc/probekit/probekit.ini
#   probekit-dev_<version>_amd64.deb  the SDK: headers, CMake and pkg-config files
# Depends: of probekit are computed by dpkg-shlibdeps from the ELF files.
# The packages install under /usr whatever CMAKE_INSTALL_PREFIX the build
# tree has: packaging/CMakeLists.txt places /etc files from the prefix at
# install time, and the executable finds its plugins relative to itself.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "probekit")
set(CPACK_PACKAGE_VENDOR "probekit")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "pluggable eBPF probe framework")
set(CPACK_PACKAGE_CONTACT "probekit maintainers <probekit@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_SET_DESTDIR OFF)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/probekit/probekit")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "probekit")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION "admin")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
  "pluggable eBPF probe framework\n probekit loads probe plugins (each with its own BPF object), runs\n their ring buffers through one epoll loop and writes the events to\n sinks: text, JSON lines, capture files. Includes the built-in plugins\n tp_exec, kprobe_unlink, uprobe_bash and raw_tp, a systemd unit and\n Prometheus metrics.")
# man-db finds the pages; the unit is started by the administrator
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "prometheus")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
  "${CMAKE_CURRENT_LIST_DIR}/conffiles"
  "${CMAKE_CURRENT_LIST_DIR}/postinst"
  "${CMAKE_CURRENT_LIST_DIR}/prerm"
  "${CMAKE_CURRENT_LIST_DIR}/postrm")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME "probekit-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION "libdevel")
set(CPACK_DEBIAN_DEV_PACKAGE_ARCHITECTURE "all")
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "SDK for probekit plugins\n Headers, the CMake package (probekit_add_plugin) and the pkg-config\n file to build probe and sink plugins for probekit.")
# what probekit_add_plugin() runs: clang for BPF, bpftool for skeletons, libbpf
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "probekit (= ${PROJECT_VERSION}), libbpf-dev, clang, llvm, bpftool, pkg-config")
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)

include(CPack)

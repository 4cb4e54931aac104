# Install layout beside the binary (installed by daemon/CMakeLists.txt into CMAKE_INSTALL_SBINDIR):
# the config, the systemd unit and the man pages. With --prefix /usr (packages) the config
# lands in /etc and the unit in the directory systemd's pkg-config file names.

pkg_get_variable(VCPUSCHED_PKG_UNITDIR systemd systemdsystemunitdir)
if(NOT VCPUSCHED_PKG_UNITDIR)
  set(VCPUSCHED_PKG_UNITDIR /lib/systemd/system)
endif()
set(VCPUSCHED_SYSTEMD_UNITDIR ${VCPUSCHED_PKG_UNITDIR}
    CACHE PATH "Where the systemd unit is installed")

# The unit names the installed binary and config: rewrite them when the prefix is not /usr.
file(READ ${PROJECT_SOURCE_DIR}/systemd/vcpu-scheduler.service VCPUSCHED_UNIT)
set(VCPUSCHED_EXEC "${CMAKE_INSTALL_FULL_SBINDIR}/vcpu-scheduler")
if(NOT CMAKE_INSTALL_FULL_SYSCONFDIR STREQUAL "/etc")
  string(APPEND VCPUSCHED_EXEC " --config ${CMAKE_INSTALL_FULL_SYSCONFDIR}/vcpu-scheduler.yaml")
endif()
string(REPLACE "ExecStart=/usr/sbin/vcpu-scheduler" "ExecStart=${VCPUSCHED_EXEC}"
       VCPUSCHED_UNIT "${VCPUSCHED_UNIT}")
file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/systemd/vcpu-scheduler.service
     CONTENT "${VCPUSCHED_UNIT}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/systemd/vcpu-scheduler.service)

install(FILES ${PROJECT_BINARY_DIR}/systemd/vcpu-scheduler.service
        DESTINATION ${VCPUSCHED_SYSTEMD_UNITDIR})
install(FILES ${PROJECT_SOURCE_DIR}/man/vcpu-scheduler.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${PROJECT_SOURCE_DIR}/man/vcpu-scheduler.yaml.5
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
if(EXISTS ${PROJECT_SOURCE_DIR}/config/vcpu-scheduler.yaml)
  install(FILES ${PROJECT_SOURCE_DIR}/config/vcpu-scheduler.yaml
          DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR})
endif()

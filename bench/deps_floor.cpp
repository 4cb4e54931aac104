// vcpusched-deps-floor URI: the libvirt floor's client, linked against every library the daemon
// must use (libvirt, libsystemd, spdlog, fmt, yaml-cpp) and touching each once first, so that
// its resident memory is what any program built on that dependency set costs on this OS.
#include <systemd/sd-daemon.h>

#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include "floor_client.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: vcpusched-deps-floor URI\n");
        return 2;
    }
    // Each library's code runs once, as the daemon's start-up does: a config, a log line, systemd.
    const YAML::Node config = YAML::Load("interval: 2\nlog:\n  level: info\n");
    const std::string line =
        fmt::format("interval {} s, booted by systemd: {}", config["interval"].as<double>(),
                    sd_booted() > 0 ? "yes" : "no");
    spdlog::logger log("vcpusched-deps-floor", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    log.set_pattern("%Y-%m-%d %H:%M:%S.%e %l: %v");
    log.info("{}", line);
    log.flush();
    return vcpusched::bench::run_floor_client("vcpusched-deps-floor", argv[1]);
}

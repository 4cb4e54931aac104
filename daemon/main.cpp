// vcpu-scheduler: command line, config, logging, then the service loop (or --once).
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "balancer.hpp"
#include "cli.hpp"
#include "config.hpp"
#include "config_print.hpp"
#include "journal.hpp"
#include "libvirt_factory.hpp"
#include "logging.hpp"
#include "metrics_textfile.hpp"
#include "notifier.hpp"
#include "once.hpp"
#include "service.hpp"
#include "signals.hpp"
#include "vcpusched/libvirt/event_loop.hpp"

using namespace vcpusched;
using namespace vcpusched::daemon;

namespace {

// The file, or built-in defaults when the default path is absent; errors print to stderr.
ConfigLoad load_config(const CliOptions& options) {
    ConfigLoad load;
    std::error_code ec;
    if (!options.config_named && !std::filesystem::exists(options.config_path, ec))
        load.config = Config{};
    else
        load = load_config_file(options.config_path);
    if (load.config)
        apply_overrides(options, *load.config);
    return load;
}

int run(const CliOptions& options, sigset_t signals) {
    ConfigLoad load = load_config(options);
    if (!load.ok()) {
        for (const auto& e : load.errors)
            std::cerr << e.format() << "\n";
        return kExitUsage;
    }
    Config config = std::move(*load.config);
    if (options.check_config) {
        std::cout << config_to_yaml(config);
        return kExitOk;
    }

    MonotonicClock clock;
    SystemdJournal journal;
    const bool to_journal = logs_to_journal(config.log_target, std::getenv("JOURNAL_STREAM"));
    Logger log(config.log_level, to_journal ? &journal : nullptr, clock);
    SigtimedwaitWaiter waiter(signals, clock);
    // libvirt's event thread: after the signal mask (it inherits it), before any connection.
    std::optional<libvirt::EventLoop> events;
    try {
        events.emplace();
    } catch (const std::exception& e) {
        log.write(LogLevel::Warn, std::string("no libvirt events (re-pins by others are seen "
                                              "later, by re-reading): ") +
                                      e.what());
    }
    CycleBalancer balancer(
        [&clock, &log](const std::string& uri) { return open_libvirt(uri, clock, log); }, clock,
        log, cycle_options(config));
    if (!options.config_named && !std::filesystem::exists(options.config_path))
        log.write(LogLevel::Info, options.config_path + " not found: running on built-in defaults");

    if (options.once)
        return run_once(config, balancer, clock, waiter, log, std::cout);

    SystemdNotifier notifier;
    std::optional<std::chrono::nanoseconds> watchdog;
    if (auto timeout = watchdog_timeout())
        watchdog = *timeout;
    MetricsTextfile metrics(config.metrics_textfile);
    Service service(std::move(config),
                    ServiceParts{clock, waiter, notifier, balancer, log,
                                 [&options] { return load_config(options); }, watchdog, &metrics});
    return service.run();
}

}  // namespace

int main(int argc, char** argv) {
    sigset_t signals;
    try {
        // Before anything can start a thread (libvirt's event loop), so all threads inherit it.
        signals = block_service_signals();
    } catch (const std::exception& e) {
        std::cerr << "vcpu-scheduler: " << e.what() << "\n";
        return kExitFailure;
    }
    CliParse cli = parse_cli(std::vector<std::string>(argv, argv + argc));
    std::cout << cli.out;
    std::cerr << cli.err;
    if (!cli.options)
        return cli.exit_code;
    try {
        return run(*cli.options, signals);
    } catch (const std::exception& e) {
        std::cerr << "vcpu-scheduler: " << e.what() << "\n";
        return kExitFailure;
    }
}

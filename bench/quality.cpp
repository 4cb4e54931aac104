// run_quality(): the real Cycle (or the greedy pipeline) driven by the simulator, period by
// period, with the simulator's ground truth scored after each period.
#include "quality.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include "greedy.hpp"
#include "vcpusched/apply.hpp"
#include "vcpusched/cycle.hpp"
#include "vcpusched/load_report.hpp"
#include "vcpusched/measure.hpp"
#include "vcpusched/sim/simulator.hpp"

namespace vcpusched::bench {

const char* policy_name(PolicyKind kind) {
    switch (kind) {
        case PolicyKind::Balance:
            return "balance";
        case PolicyKind::BalanceBlind:
            return "balance-blind";
        case PolicyKind::Count:
            return "count";
        case PolicyKind::Greedy:
            return "greedy";
    }
    return "?";
}

namespace {

// One decision per period, whatever the policy.
class Driver {
  public:
    virtual ~Driver() = default;
    // Returns the plan's reason.
    virtual std::string step() = 0;
};

class CycleDriver : public Driver {
  public:
    CycleDriver(sim::Simulator& sim, const PolicyConfig& policy)
        : cycle_(sim, sim, options(policy), log_) {}
    std::string step() override { return cycle_.run().plan.reason; }

  private:
    static CycleOptions options(const PolicyConfig& policy) {
        CycleOptions o;
        o.policy = policy;
        o.measure.smoothing = policy.smoothing;
        return o;
    }
    NullLog log_;
    Cycle cycle_;
};

// The same sample → measure → apply pipeline as Cycle, with greedy_plan() deciding.
class GreedyDriver : public Driver {
  public:
    GreedyDriver(sim::Simulator& sim, const PolicyConfig& policy)
        : sim_(sim), topology_(sim.topology()) {
        options_.smoothing = policy.smoothing;
    }
    std::string step() override {
        HostSample current = sim_.sample();
        std::string reason = "baseline";
        if (previous_) {
            LoadReport report = measure(*previous_, current, topology_, history_, options_);
            history_.update(report);
            Plan plan = greedy_plan(report);
            reason = plan.reason;
            apply(plan, sim_);
        }
        previous_ = std::move(current);
        return reason;
    }

  private:
    sim::Simulator& sim_;
    Topology topology_;
    MeasureOptions options_;
    DemandHistory history_;
    std::optional<HostSample> previous_;
};

// The true demands of one period, keyed by vCPU.
struct PeriodDemands {
    std::vector<double> demands;
    std::map<std::pair<std::string, int>, std::size_t> index;
};

PeriodDemands period_demands(const sim::Window& w) {
    PeriodDemands p;
    for (const auto& v : w.vcpus) {
        p.index[{v.ref.domain_uuid, v.ref.vcpu}] = p.demands.size();
        p.demands.push_back(v.demand);
    }
    return p;
}

// The reference placement of `before`, scored on `now`.
double late_spread(const PeriodDemands& before, const sim::Window& now, int pcpus) {
    const Reference ref = reference_placement(before.demands, pcpus);
    std::vector<double> demands;
    std::vector<int> where;
    for (const auto& v : now.vcpus) {
        demands.push_back(v.demand);
        auto it = before.index.find({v.ref.domain_uuid, v.ref.vcpu});
        where.push_back(it == before.index.end() ? -1 : ref.where[it->second]);
    }
    return spread_of_placement(demands, where, pcpus);
}

std::vector<double> demands_of(const sim::Window& w) {
    std::vector<double> d;
    d.reserve(w.vcpus.size());
    for (const auto& v : w.vcpus)
        d.push_back(v.demand);
    return d;
}

void score_segment(Segment& s, const std::vector<PeriodRecord>& periods) {
    const auto at = [&](int p) -> const PeriodRecord& {
        return periods[static_cast<std::size_t>(p - 1)];
    };
    for (int p = s.last; p >= s.first && at(p).spread <= s.threshold; --p)
        s.converged_at = p;
    if (s.converged_at < 0)
        return;
    for (int p = s.converged_at; p <= s.last; ++p)
        s.moves_after += at(p).moves;
}

}  // namespace

QualityResult run_quality(const BenchScenario& scenario, PolicyKind kind,
                          const PolicyConfig& policy) {
    QualityResult r;
    r.scenario = scenario.name;
    r.policy = policy_name(kind);
    sim::Simulator sim(scenario.sim);
    const int pcpus = static_cast<int>(sim.topology().pcpus.size());

    PolicyConfig config = policy;
    config.algorithm = kind == PolicyKind::Count ? Algorithm::Count : Algorithm::Balance;
    if (kind == PolicyKind::BalanceBlind)
        config.topology.enabled = false;
    std::unique_ptr<Driver> driver;
    if (kind == PolicyKind::Greedy)
        driver = std::make_unique<GreedyDriver>(sim, config);
    else
        driver = std::make_unique<CycleDriver>(sim, config);

    // Segment boundaries: period 1 and every period in which the load changes.
    std::vector<int> starts{1};
    for (auto t : change_times(scenario.sim)) {
        int p = static_cast<int>(t / scenario.interval) + 1;
        if (p <= scenario.periods && p != starts.back())
            starts.push_back(p);
    }
    std::vector<std::vector<double>> segment_demands;
    std::vector<double> segment_late;
    PeriodDemands previous;

    try {
        driver->step();  // the baseline sample at t = 0
        for (int p = 1; p <= scenario.periods; ++p) {
            sim.advance(scenario.interval);
            sim::Window w = sim.take_window();
            PeriodRecord rec;
            rec.spread = spread_points(w.pcpu_load);
            const double bound = load_lower_bound(demands_of(w), pcpus);
            const double busiest = *std::max_element(w.pcpu_load.begin(), w.pcpu_load.end());
            rec.ratio = bound > 0 ? busiest / bound : 1.0;
            rec.served = w.demand > 0 ? w.served / w.demand : 1.0;
            if (p > 1)
                rec.late = late_spread(previous, w, pcpus);
            // A move is a pin that makes a vCPU run elsewhere: pinning an unpinned vCPU to the
            // pCPU it runs on moves nothing.
            const auto pins_before = sim.stats().pins - sim.stats().pins_in_place;
            rec.note = driver->step();
            rec.moves =
                static_cast<int>(sim.stats().pins - sim.stats().pins_in_place - pins_before);
            r.periods.push_back(rec);
            // Keep the true demands of each segment's last period for its reference.
            const bool segment_ends =
                p == scenario.periods ||
                std::find(starts.begin(), starts.end(), p + 1) != starts.end();
            if (segment_ends) {
                segment_demands.push_back(demands_of(w));
                const bool first_of_segment =
                    std::find(starts.begin(), starts.end(), p) != starts.end();
                segment_late.push_back(
                    first_of_segment ? reference_placement(segment_demands.back(), pcpus).spread
                                     : late_spread(previous, w, pcpus));
            }
            previous = period_demands(w);
        }
    } catch (const std::exception& e) {
        r.error = e.what();
        return r;
    }

    for (std::size_t i = 0; i < starts.size(); ++i) {
        Segment s;
        s.first = starts[i];
        s.last = i + 1 < starts.size() ? starts[i + 1] - 1 : scenario.periods;
        s.reference = reference_placement(segment_demands[i], pcpus);
        s.late_spread = segment_late[i];
        s.threshold = std::max(policy.threshold, s.late_spread + 1.0);
        score_segment(s, r.periods);
        r.segments.push_back(s);
    }
    r.final_spread = r.periods.back().spread;
    r.final_ratio = r.periods.back().ratio;
    r.final_reference = r.segments.back().reference;
    r.final_late_spread = r.segments.back().late_spread;
    r.worst_convergence = 0;
    for (const auto& s : r.segments) {
        if (s.converged_at < 0)
            r.worst_convergence = -1;
        else if (r.worst_convergence >= 0)
            r.worst_convergence = std::max(r.worst_convergence, s.periods_to_converge());
        r.moves_after_convergence += s.moves_after;
    }
    for (const auto& p : r.periods)
        r.moves += p.moves;
    const auto& stats = sim.stats();
    r.served = stats.demand_s > 0 ? stats.served_s / stats.demand_s : 1.0;
    r.cross_node_pins = stats.cross_node_pins;
    return r;
}

}  // namespace vcpusched::bench

// A tiny fluid model of a host for cycle-level tests: true demands in, libvirt-like counters out.
// Per pCPU: if the demands placed on it fit, each vCPU runs its demand and still reads some
// delay (pitfall 1 of DESIGN.md); if not, each runs its proportional share and reads run + delay
// ≈ 100 % (pitfall 2). Run time is reported in 10 ms steps, like vcpu.N.time.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "vcpusched/hypervisor.hpp"

namespace vcpusched::testing {

class FakeHost : public Hypervisor {
  public:
    struct Vcpu {
        double demand = 0;
        CpuSet affinity;
        double time_ns = 0;
        double delay_ns = 0;
        int moves = 0;  // how often it was pinned somewhere new
    };
    struct Vm {
        std::string name;
        std::string uuid;
        std::vector<Vcpu> vcpus;
    };

    FakeHost(int pcpus, std::chrono::nanoseconds interval, double noise = 0, unsigned seed = 1)
        : pcpus_(pcpus), interval_(interval), noise_(noise), random_(seed) {}

    // One VM; vCPU i has demands[i] and starts on affinities[i] (a cpulist).
    void add_vm(const std::string& name, const std::vector<double>& demands,
                const std::vector<std::string>& affinities) {
        Vm vm{name, "uuid-" + name, {}};
        for (std::size_t i = 0; i < demands.size(); ++i)
            vm.vcpus.push_back(Vcpu{demands[i], CpuSet::parse(affinities[i]), 0, 0, 0});
        vms.push_back(vm);
    }

    HostSample sample() override {
        advance();
        HostSample s;
        s.taken_at = now_;
        for (const auto& vm : vms) {
            DomainSample d{vm.name, vm.uuid, {}};
            for (std::size_t i = 0; i < vm.vcpus.size(); ++i) {
                const Vcpu& v = vm.vcpus[i];
                VcpuSample vs;
                vs.id = static_cast<int>(i);
                vs.time_ns = static_cast<std::uint64_t>(v.time_ns / 1e7) * 10'000'000;
                vs.delay_ns = static_cast<std::uint64_t>(v.delay_ns);
                vs.has_delay = true;
                vs.affinity = v.affinity;
                d.vcpus.push_back(vs);
            }
            s.domains.push_back(d);
        }
        for (int p = 0; p < pcpus_; ++p)
            s.pcpus.push_back(PcpuTimes{p, static_cast<std::uint64_t>(busy_[p]),
                                        static_cast<std::uint64_t>(idle_[p])});
        return s;
    }

    Topology topology() override { return Topology::flat(pcpus_); }

    void pin(const VcpuRef& ref, const CpuSet& cpus) override {
        for (auto& vm : vms)
            if (vm.uuid == ref.domain_uuid) {
                auto& v = vm.vcpus.at(static_cast<std::size_t>(ref.vcpu));
                if (!(v.affinity == cpus))
                    ++v.moves;
                v.affinity = cpus;
                ++pins;
            }
    }

    // True demand placed on each pCPU now (unplaced vCPUs spread over their affinity).
    std::vector<double> true_loads() const {
        std::vector<double> load(static_cast<std::size_t>(pcpus_), 0);
        for (const auto& vm : vms)
            for (const auto& v : vm.vcpus)
                for (int p : v.affinity.cpus())
                    load[static_cast<std::size_t>(p)] +=
                        v.demand / static_cast<double>(v.affinity.count());
        return load;
    }

    std::vector<Vm> vms;
    int pins = 0;

  private:
    void advance() {
        const double dt = static_cast<double>(interval_.count());
        now_ += interval_;
        busy_.resize(static_cast<std::size_t>(pcpus_), 0);
        idle_.resize(static_cast<std::size_t>(pcpus_), 0);
        std::uniform_real_distribution<double> jitter(-noise_, noise_);
        std::vector<std::vector<double>> wants;  // this interval's demand per vCPU
        std::vector<double> total(static_cast<std::size_t>(pcpus_), 0);
        for (const auto& vm : vms) {
            wants.emplace_back();
            for (const auto& v : vm.vcpus) {
                double d = std::clamp(v.demand + (noise_ > 0 ? jitter(random_) : 0), 0.0, 1.0);
                wants.back().push_back(d);
                for (int p : v.affinity.cpus())
                    total[static_cast<std::size_t>(p)] +=
                        d / static_cast<double>(v.affinity.count());
            }
        }
        for (std::size_t m = 0; m < vms.size(); ++m) {
            for (std::size_t i = 0; i < vms[m].vcpus.size(); ++i) {
                Vcpu& v = vms[m].vcpus[i];
                double d = wants[m][i];
                double run = 0;
                double delay = 0;
                for (int p : v.affinity.cpus()) {
                    double t = total[static_cast<std::size_t>(p)];
                    double part = d / static_cast<double>(v.affinity.count());
                    if (t <= 1.0) {
                        run += part;
                        delay += part * t * 0.5;  // waits behind its neighbours now and then
                    } else {
                        double got = part / t;
                        run += got;
                        delay +=
                            (part > 0 ? 1.0 - got : 0) / static_cast<double>(v.affinity.count());
                    }
                }
                v.time_ns += run * dt;
                v.delay_ns += delay * dt;
            }
        }
        for (int p = 0; p < pcpus_; ++p) {
            double busy = std::min(1.0, total[static_cast<std::size_t>(p)]);
            busy_[static_cast<std::size_t>(p)] += busy * dt;
            idle_[static_cast<std::size_t>(p)] += (1 - busy) * dt;
        }
    }

    int pcpus_;
    std::chrono::nanoseconds interval_;
    double noise_;
    std::mt19937 random_;
    std::chrono::nanoseconds now_{0};
    std::vector<double> busy_;
    std::vector<double> idle_;
};

}  // namespace vcpusched::testing

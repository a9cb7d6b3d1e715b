// Fault plans: broker crashes, restarts, isolations and lost, delayed or duplicated messages on the virtual clock.
// Write one by hand, or draw one from a seed; either way a run replays exactly.
//
//   FaultPlan plan;
//   plan.crashBroker(100ms, 0).restartBroker(12s, 0).dropNext(150ms, MessageFilter::responses(ApiKey::Produce));
//   plan.scheduleOn(cluster);                      // times are relative to cluster.now()
//   FaultPlan::random(seed, RandomFaultOptions()).scheduleOn(cluster);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "../core/algorithms.hpp"
#include "../core/random.hpp"
#include "cluster.hpp"

namespace kstream_sim {

// What a random plan may do (all counts are over the whole plan).
struct RandomFaultOptions {
    Millis duration{20000};        // faults start within this time
    int32_t broker_failures = 1;   // one after the other, never two brokers down at once
    Millis max_downtime{15000};    // a failed broker comes back after 1 ms .. this
    int32_t dropped_responses = 3; // lost produce responses (the write happened; the client does not know)
    int32_t dropped_requests = 2;  // lost produce requests
    int32_t duplicated_requests = 1;
};

namespace detail {

// A class template so that its lambdas, which call the cluster's fault members, compile only in programs that
// use a plan (see docs/performance.md, "Include cost"); users write FaultPlan.
template <class D = void>
class FaultPlanImpl {
    using Cluster = ClusterImpl<D>;
    using MessageFilter = MessageFilterImpl<D>;

public:
    struct Step {
        int64_t at_ms;  // relative to when the plan is scheduled
        std::string description;
        std::function<void(Cluster&)> apply;
    };

    FaultPlanImpl& crashBroker(Millis at, int32_t id) {
        return add(at, "crash broker " + std::to_string(id), [id](Cluster& c) { c.crashBroker(id); });
    }
    FaultPlanImpl& shutdownBroker(Millis at, int32_t id) {
        return add(at, "shut down broker " + std::to_string(id), [id](Cluster& c) { c.shutdownBroker(id); });
    }
    FaultPlanImpl& restartBroker(Millis at, int32_t id) {
        return add(at, "restart broker " + std::to_string(id), [id](Cluster& c) { c.restartBroker(id); });
    }
    FaultPlanImpl& isolateBroker(Millis at, int32_t id) {
        return add(at, "isolate broker " + std::to_string(id), [id](Cluster& c) { c.isolateBroker(id); });
    }
    FaultPlanImpl& healBroker(Millis at, int32_t id) {
        return add(at, "heal broker " + std::to_string(id), [id](Cluster& c) { c.healBroker(id); });
    }
    FaultPlanImpl& dropNext(Millis at, MessageFilter filter, int64_t count = 1) {
        return add(at, "drop the next " + countOf(count, filter), [filter, count](Cluster& c) { c.dropNext(filter, count); });
    }
    FaultPlanImpl& delayNext(Millis at, MessageFilter filter, Millis delay, int64_t count = 1) {
        return add(at, "delay by " + std::to_string(delay.count()) + " ms the next " + countOf(count, filter),
                   [filter, delay, count](Cluster& c) { c.delayNext(filter, delay, count); });
    }
    FaultPlanImpl& duplicateNext(Millis at, MessageFilter filter, int64_t count = 1) {
        return add(at, "duplicate the next " + countOf(count, filter), [filter, count](Cluster& c) { c.duplicateNext(filter, count); });
    }

    // A plan drawn from `seed`: broker failures one at a time (a crash, a controlled shutdown or an isolation,
    // each followed by the way back), and lost or duplicated produce messages at random times.
    static FaultPlanImpl random(uint64_t seed, const RandomFaultOptions& options, int32_t brokers = 3) {
        FaultPlanImpl plan;
        Random rnd(seed);
        const int64_t duration = std::max<int64_t>(options.duration.count(), 1);
        int64_t t = 0;
        for (int32_t i = 0; i < options.broker_failures; ++i) {
            t += rnd.nextBetween(1, duration / std::max(options.broker_failures, 1));
            const int32_t id = static_cast<int32_t>(rnd.nextBelow(static_cast<uint64_t>(brokers)));
            const int64_t back = t + rnd.nextBetween(1, std::max<int64_t>(options.max_downtime.count(), 1));
            switch (rnd.nextBelow(3)) {
                case 0: plan.crashBroker(Millis(t), id).restartBroker(Millis(back), id); break;
                case 1: plan.shutdownBroker(Millis(t), id).restartBroker(Millis(back), id); break;
                default: plan.isolateBroker(Millis(t), id).healBroker(Millis(back), id); break;
            }
            t = back;
        }
        auto at_random = [&] { return Millis(rnd.nextBetween(0, duration)); };
        for (int32_t i = 0; i < options.dropped_responses; ++i) plan.dropNext(at_random(), MessageFilter::responses(ApiKey::Produce));
        for (int32_t i = 0; i < options.dropped_requests; ++i) plan.dropNext(at_random(), MessageFilter::requests(ApiKey::Produce));
        for (int32_t i = 0; i < options.duplicated_requests; ++i) plan.duplicateNext(at_random(), MessageFilter::requests(ApiKey::Produce));
        return plan;
    }

    // Schedules every step on the cluster's clock, relative to now.
    void scheduleOn(Cluster& cluster) const {
        const int64_t start = cluster.nowMs();
        for (const auto& step : steps_) {
            auto apply = step.apply;
            cluster.scheduler().at(start + step.at_ms, [&cluster, apply] { apply(cluster); });
        }
    }

    const std::vector<Step>& steps() const noexcept { return steps_; }
    // One line per step, in time order: "t=+1200 ms: crash broker 0".
    std::string describe() const {
        std::vector<const Step*> sorted;
        for (const auto& s : steps_) sorted.push_back(&s);
        stableSort(sorted.begin(), sorted.end(), [](const Step* a, const Step* b) { return a->at_ms < b->at_ms; });
        std::string out;
        for (const Step* s : sorted) out += "t=+" + std::to_string(s->at_ms) + " ms: " + s->description + "\n";
        return out;
    }

private:
    FaultPlanImpl& add(Millis at, std::string description, std::function<void(Cluster&)> apply) {
        steps_.push_back(Step{at.count(), std::move(description), std::move(apply)});
        return *this;
    }
    static std::string countOf(int64_t count, const MessageFilter& filter) {
        return count == 1 ? filter.toString(false) : std::to_string(count) + " " + filter.toString();
    }

    std::vector<Step> steps_;
};

}  // namespace detail

using FaultPlan = detail::FaultPlanImpl<>;

}  // namespace kstream_sim

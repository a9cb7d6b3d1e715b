// Determinism check: run a scenario twice on fresh clusters and compare their traces line by line.
//
// Every run of a kstream_sim program with the same seed must produce the same trace. checkDeterminism()
// is the one-line proof (or the first line where two runs part ways).
#pragma once

#include <functional>
#include <string>

#include "cluster.hpp"

namespace kstream_sim {

struct DeterminismReport {
    bool identical = false;
    uint64_t first_hash = 0;
    uint64_t second_hash = 0;
    uint64_t events = 0;
    std::string first_difference;  // empty when identical

    std::string toString() const {
        if (identical)
            return "deterministic: 2 runs, " + std::to_string(events) + " events each, trace hash " + Trace::formatHash(first_hash);
        return "NOT deterministic: trace hashes " + Trace::formatHash(first_hash) + " and " + Trace::formatHash(second_hash) +
               "; first difference: " + first_difference;
    }
};

// Runs `scenario` on two fresh clusters built from `config` (with trace lines kept) and compares.
// (A template only so that it is compiled when used; the clusters are named through D for the same reason.)
template <class D = void>
DeterminismReport checkDeterminism(ClusterConfig config, const std::function<void(Cluster&)>& scenario) {
    config.trace(true);
    detail::ClusterImpl<D> first(config);
    scenario(first);
    detail::ClusterImpl<D> second(config);
    scenario(second);
    DeterminismReport report;
    report.first_hash = first.trace().hash();
    report.second_hash = second.trace().hash();
    report.events = first.trace().events();
    report.identical = report.first_hash == report.second_hash && first.trace().lines() == second.trace().lines();
    if (!report.identical) {
        const auto& a = first.trace().lines();
        const auto& b = second.trace().lines();
        size_t i = 0;
        while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
        report.first_difference = "event " + std::to_string(i) + ": '" + (i < a.size() ? a[i] : std::string("<end>")) + "' vs '" +
                                  (i < b.size() ? b[i] : std::string("<end>")) + "'";
    }
    return report;
}

}  // namespace kstream_sim

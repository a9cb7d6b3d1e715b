// C++ twin of conformance/src/main/java/kstreamsim/conformance/StreamsKtableTombstones.java:
// examples/ktable_tombstones.cpp (table source, toStream, KTable.filter; caching on and off) with fixed inputs.
#include <kstream_sim.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "streams_out.hpp"

using namespace kstream_sim;

namespace {

void producedTopics(TopologyTestDriver& driver) {
    for (const auto& t : driver.producedTopicNames()) std::cout << "produced topic " << t << "\n";  // std::set: sorted
}

using Value = std::optional<std::string>;

// materialized=false: builder.table(topic) without a store name, so the filter cannot ask for old values.
void run(bool caching, bool materialized) {
    std::cout << "== caching " << (caching ? "enabled" : "disabled") << (materialized ? "" : ", source not materialized") << "\n";
    StreamsBuilder builder;
    Materialized store = Materialized::as("user-cities");
    KTable<std::string, Value> cities = !materialized ? builder.table<std::string, Value>("user-cities")
                                                      : builder.table<std::string, Value>("user-cities", caching ? store : store.withCachingDisabled());
    cities.toStream().to("city-changes");
    cities.filter([](const std::string&, const Value& city) { return city && city->rfind("P", 0) == 0; }).toStream().to("p-cities");
    Topology topology = builder.build();
    describe("ktable_tombstones", topology.describe().toString());

    TopologyTestDriver driver(topology, props("ktable-tombstones"), 0);
    auto in = driver.createInputTopic<std::string, Value>("user-cities");
    in.pipeInput("alice", "Paris", 1);
    in.pipeInput("bob", "Rome", 2);
    in.pipeInput("alice", "Lima", 3);
    in.pipeInput("bob", std::nullopt, 4);    // tombstone: bob leaves the table
    in.pipeInput("ghost", std::nullopt, 5);  // tombstone for a key the table never had
    in.pipeInput("carol", "Prague", 6);
    in.pipeInput("carol", "Pisa", 7);        // a P-city replaced by a P-city
    in.pipeInput("carol", "Oslo", 8);        // filtered out now: a tombstone downstream of the filter
    in.pipeInput("dave", "Porto", 20);
    in.pipeInput("dave", "Pune", 15);        // older timestamp than the stored value
    in.pipeInput("erin", "", 9);             // empty value, not a tombstone
    auto changes = driver.createOutputTopic<std::string, Value>("city-changes");
    records("city-changes", changes);
    auto p_cities = driver.createOutputTopic<std::string, Value>("p-cities");
    records("p-cities", p_cities);
    if (materialized) {
        timestampedStore<std::string, std::string>(driver, "user-cities");
        auto view = driver.getKeyValueStore<std::string, std::string>("user-cities");
        std::cout << "store user-cities get bob -> " << fmt(view.get("bob")) << "\n";
        std::cout << "store user-cities get ghost -> " << fmt(view.get("ghost")) << "\n";
    }
    producedTopics(driver);
}

}  // namespace

int main() {
    run(true, true);
    run(false, true);
    run(true, false);
}

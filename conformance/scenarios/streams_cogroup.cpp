// C++ twin of conformance/src/main/java/kstreamsim/conformance/StreamsCogroup.java: KGroupedStream::cogroup with
// two inputs of different value types, one re-keyed (repartition topic), one store, caching on.
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

}  // namespace

int main() {
    using S = std::string;
    StreamsBuilder builder;
    auto clicks = builder.stream<S, int64_t>("clicks", Consumed::with(Serdes::String(), Serdes::Long())).groupByKey();
    auto views = builder.stream<S, S>("views").groupBy([](const S&, const S& page) { return page; }, Grouped::as("by-page"));
    clicks.cogroup([](const S&, int64_t n, const S& agg) { return agg + "c" + std::to_string(n); })
        .cogroup(views, [](const S&, const S& user, const S& agg) { return agg + "v" + user; })
        .aggregate([] { return S(); }, Materialized::as("activity").withValueSerde(Serdes::String()))
        .toStream()
        .to("activity-out");
    Topology topology = builder.build();
    describe("cogroup", topology.describe().toString());

    TopologyTestDriver driver(topology, props("cogroup"), 0);
    auto c = driver.createInputTopic<S, int64_t>("clicks");
    auto v = driver.createInputTopic<S, std::optional<S>>("views");
    c.pipeInput("home", 1, 1000);
    v.pipeInput("alice", "home", 1500);
    c.pipeInput("cart", 2, 500);
    v.pipeInput("bob", "cart", 3000);
    c.pipeInput("home", 3, 2000);
    v.pipeInput("carol", "home", 2500);
    v.pipeInput("dave", std::nullopt, 2600);
    auto out = driver.createOutputTopic<S, S>("activity-out");
    records("activity-out", out);
    timestampedStore<S, S>(driver, "activity");
    producedTopics(driver);
}

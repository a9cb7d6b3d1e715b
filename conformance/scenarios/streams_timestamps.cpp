// C++ twin of conformance/src/main/java/kstreamsim/conformance/StreamsTimestamps.java: a pattern source with a
// value-time extractor (a negative result drops the record).
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

int main() {
    using S = std::string;
    {
        StreamsBuilder builder;
        builder.stream<S, S>(Pattern::compile("events-(eu|us)"),
                             Consumed::with(Serdes::String(), Serdes::String())
                                 .withTimestampExtractor([](const TimestampExtractor::Record& r, int64_t) { return std::stoll(r.value<S>()); }))
            .groupByKey()
            .count(Materialized::as("counts"))
            .toStream()
            .to("counts-out", Produced::with(Serdes::String(), Serdes::Long()));
        Topology topology = builder.build();
        describe("pattern_value_time", topology.describe().toString());
        TopologyTestDriver driver(topology, props("timestamps"), 0);
        auto eu = driver.createInputTopic<S, S>("events-eu");
        auto us = driver.createInputTopic<S, S>("events-us");
        eu.pipeInput("a", "500", 1);
        us.pipeInput("a", "300", 2);
        eu.pipeInput("b", "-1", 3);
        us.pipeInput("b", "700", 4);
        eu.pipeInput("a", "900", 5);
        auto out = driver.createOutputTopic<S, int64_t>("counts-out");
        records("counts-out", out);
        timestampedStore<S, int64_t>(driver, "counts");
    }
}

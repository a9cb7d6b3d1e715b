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

using namespace kstream_sim;

namespace {

// Canonical output, as conformance/src/main/java/kstreamsim/conformance/StreamsOut.java prints it.
std::string quote(const std::string& s) {
    std::string q = "\"";
    for (unsigned char c : s) {
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            q += buf;
        } else {
            q += static_cast<char>(c);
        }
    }
    return q + "\"";
}
std::string fmt(const std::string& s) { return quote(s); }
std::string fmt(int64_t v) { return std::to_string(v); }
template <class T>
std::string fmt(const std::optional<T>& v) { return v ? fmt(*v) : std::string("null"); }

void describe(const std::string& name, const std::string& text) {
    std::cout << "=== describe " << name << "\n" << text << "\n=== end\n";
}

template <class K, class V>
void records(const std::string& topic, TestOutputTopic<K, V>& t) {
    for (const auto& r : t.readRecordsToList())
        std::cout << topic << " key=" << fmt(r.key()) << " value=" << fmt(r.value()) << " ts=" << fmt(r.timestamp()) << "\n";
}

Properties props(const std::string& application_id) {
    Properties p;
    p.put(StreamsConfig::APPLICATION_ID_CONFIG, application_id);
    return p;
}

template <class K, class V>
void timestampedStore(TopologyTestDriver& driver, const std::string& name) {
    std::vector<std::string> lines;
    for (const auto& kv : driver.getTimestampedKeyValueStore<K, V>(name).all())
        lines.push_back("store " + name + " key=" + fmt(kv.key) + " value=" + fmt(kv.value.value()) + " ts=" + std::to_string(kv.value.timestamp()));
    std::sort(lines.begin(), lines.end());
    for (const auto& l : lines) std::cout << l << "\n";
}

}  // namespace

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

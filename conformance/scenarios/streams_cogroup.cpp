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

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

template <class K, class V>
void plainStore(TopologyTestDriver& driver, const std::string& name) {
    std::vector<std::string> lines;
    for (const auto& kv : driver.getKeyValueStore<K, V>(name).all())
        lines.push_back("store " + name + " key=" + fmt(kv.key) + " value=" + fmt(kv.value));
    std::sort(lines.begin(), lines.end());
    for (const auto& l : lines) std::cout << l << "\n";
}

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

// C++ twin of conformance/src/main/java/kstreamsim/conformance/StreamsWordCount.java: examples/word_count.cpp
// (flatMapValues, groupBy with a repartition topic, count, caching on) with fixed inputs.
#include <kstream_sim.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
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

}  // namespace

int main() {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("text-lines")
        .flatMapValues([](const std::string& line) {
            std::vector<std::string> words;
            std::istringstream in(line);
            for (std::string word; in >> word;) {
                for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                words.push_back(word);
            }
            return words;
        })
        .groupBy([](const std::string&, const std::string& word) { return word; })
        .count(Materialized::as("word-counts"))
        .toStream()
        .to("word-counts-output", Produced::with(Serdes::String(), Serdes::Long()));
    Topology topology = builder.build();
    describe("word_count", topology.describe().toString());

    TopologyTestDriver driver(topology, props("wordcount"), 0);
    auto lines = driver.createInputTopic<std::string, std::string>("text-lines");
    auto counts = driver.createOutputTopic<std::string, int64_t>("word-counts-output");
    lines.pipeInput("", "Kafka Streams", 1000);
    lines.pipeInput("", "streams of records", 2000);
    lines.pipeInput("", "kafka kafka", 3000);
    lines.pipeInput("k", "Records  of  KAFKA", 2500);  // older than stream time
    lines.pipeInput("", "the end of the streams", 10000);
    records("word-counts-output", counts);
    timestampedStore<std::string, int64_t>(driver, "word-counts");
    producedTopics(driver);
}

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

#include "streams_out.hpp"

using namespace kstream_sim;

namespace {

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

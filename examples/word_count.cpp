// Word count, the "hello world" of Kafka Streams: split lines into words, count each word, and watch the
// counts change. The groupBy() changes the key, so the topology has two sub-topologies joined by a
// repartition topic, exactly as Kafka builds it.
#include <kstream_sim.hpp>

#include <cctype>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

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
    std::cout << topology.describe() << "\n";

    Properties props;
    props.put(StreamsConfig::APPLICATION_ID_CONFIG, "wordcount");
    TopologyTestDriver driver(topology, props);
    auto lines = driver.createInputTopic<std::string, std::string>("text-lines");
    auto counts = driver.createOutputTopic<std::string, int64_t>("word-counts-output");

    lines.pipeInput("", "Kafka Streams", 1s);
    lines.pipeInput("", "streams of records", 2s);
    lines.pipeInput("", "kafka kafka", 3s);

    std::cout << "updates, in order:\n";
    for (const auto& record : counts.readRecordsToList())
        std::cout << "  " << record.key() << " = " << record.value() << " @" << *record.timestamp() << "ms\n";

    std::cout << "store word-counts:\n";
    for (const auto& kv : driver.getKeyValueStore<std::string, int64_t>("word-counts").all())
        std::cout << "  " << kv.key << " = " << kv.value << "\n";

    std::cout << "topics written:\n";
    for (const auto& topic : driver.producedTopicNames()) std::cout << "  " << topic << "\n";
}

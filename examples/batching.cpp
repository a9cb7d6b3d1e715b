// Batching on the virtual clock: linger.ms waits for more records; batch.size sends a full batch at once.
#include <iostream>

#include "kstream_sim.hpp"

using namespace kstream_sim;
using namespace std::chrono_literals;

int main() {
    Cluster cluster(ClusterConfig().networkLatency(2ms));
    Admin admin(cluster);
    admin.createTopics({NewTopic("logs", 1, 1)}).all().get();
    const TopicPartition tp("logs", 0);
    auto batches = [&] { return cluster.partition(tp).log.batches().size(); };

    KafkaProducer<std::string, std::string> lingering(cluster, Properties{{"linger.ms", 50}});
    lingering.partitionsFor("logs");  // fetch metadata first, so the timeline below is only batching
    std::cout << "t=" << cluster.now().count() << " send 1st record (linger.ms=50)\n";
    auto first = lingering.send(ProducerRecord<std::string, std::string>("logs", "line 1"));
    cluster.advance(30ms);
    std::cout << "t=" << cluster.now().count() << " send 2nd record; batches in the log: " << batches() << "\n";
    lingering.send(ProducerRecord<std::string, std::string>("logs", "line 2"));
    auto md = first.get();
    std::cout << "t=" << cluster.now().count() << " 1st record acknowledged at offset " << md.offset() << " (linger 50 + 2 ms there + 2 ms back)"
              << "; batches in the log: " << batches() << ", records: " << cluster.partition(tp).log.logEndOffset() << "\n";

    KafkaProducer<std::string, std::string> bulk(cluster, Properties{{"linger.ms", 10000}, {"batch.size", 1024}});
    bulk.partitionsFor("logs");
    const int64_t start = cluster.now().count();
    std::vector<Future<RecordMetadata>> sends;
    for (int i = 0; i < 30; ++i) sends.push_back(bulk.send(ProducerRecord<std::string, std::string>("logs", std::string(100, 'x'))));
    sends.front().get();
    std::cout << "t=" << cluster.now().count() << " with batch.size=1024 the first full batch went out at once, " << cluster.now().count() - start
              << " ms after the sends, without waiting for linger.ms=10000\n";
    bulk.flush();
    std::cout << "after flush: " << batches() << " batches, " << cluster.partition(tp).log.logEndOffset() << " records; batch sizes in bytes:";
    for (const auto& b : cluster.partition(tp).log.batches()) std::cout << " " << b.sizeInBytes();
    std::cout << "\n";
}

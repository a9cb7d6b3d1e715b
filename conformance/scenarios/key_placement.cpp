// Conformance twin of conformance/expected/key_placement.txt (Java: KeyPlacement.java).
// The partition Kafka's producer picks for a keyed record: toPositive(murmur2(serialized key)) % partitions.
// Java computes it with BuiltInPartitioner.partitionForKey; here each key is really sent to a topic with n
// partitions, so the producer's partitioner is what is checked.
#include <kstream_sim.hpp>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "out.hpp"

using namespace kstream_sim;

namespace {

// A string in double quotes, bytes outside printable ASCII (and '"', '\\') as \xNN: as Out.quote in Java.
const int kPartitionCounts[] = {1, 2, 3, 5, 7, 12, 50};

std::string topicFor(int n) { return "kp-n" + std::to_string(n); }

// The bytes/murmur2 line from the library's hash functions; the partition lines from what a real send chooses
// (the producer's default partitioner, no explicit partition).
template <class K>
void key(Cluster& cluster, const std::string& label, const K& k) {
    const Bytes bytes = *Serdes::of<K>().serializer().serialize("t", k);
    const int32_t h = murmur2(bytes.data(), bytes.size());
    std::cout << label << " bytes=" << toHex(bytes) << " murmur2=" << h << " positive=" << toPositive(h) << "\n";
    KafkaProducer<K, std::string> producer(cluster, Properties());
    for (int n : kPartitionCounts) {
        RecordMetadata md = producer.send(ProducerRecord<K, std::string>(topicFor(n), k, std::string("v"))).get();
        std::cout << label << " n=" << n << " -> " << md.partition() << "\n";
    }
}

}  // namespace

int main() {
    const std::vector<std::string> strings = {
        "", "a", "ab", "bob", "key1", "alice", "foobar", "21", "kafka", "user-1", "Hello, World!",
        "h\xc3\xa9llo", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80",
        "the quick brown fox jumps over the lazy dog 0123456789"};
    const std::vector<int32_t> ints = {0, 1, -1, 42, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    const std::vector<int64_t> longs = {0, -1, 1234567890123LL, std::numeric_limits<int64_t>::min(),
                                        std::numeric_limits<int64_t>::max()};

    Cluster cluster(ClusterConfig().brokers(1));
    Admin admin(cluster);
    std::vector<NewTopic> topics;
    for (int n : kPartitionCounts) topics.emplace_back(topicFor(n), n, 1);
    admin.createTopics(topics).all().get();

    for (const auto& k : strings) key(cluster, "string:" + quote(k), k);
    for (int32_t k : ints) key(cluster, "int:" + std::to_string(k), k);
    for (int64_t k : longs) key(cluster, "long:" + std::to_string(k), k);
    return 0;
}

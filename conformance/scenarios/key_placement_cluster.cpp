// Conformance twin of conformance/expected/key_placement_cluster.txt (Java: KeyPlacementCluster.java).
// Keyed records produced one at a time (send().get()) to topics with 3, 7 and 5 partitions: "topic-partition@offset".
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

std::string at(const RecordMetadata& md) {
    return md.topic() + "-" + std::to_string(md.partition()) + "@" + std::to_string(md.offset());
}

}  // namespace

int main() {
    Cluster cluster(ClusterConfig().brokers(1));
    Admin admin(cluster);
    admin.createTopics({NewTopic("kp3", 3, 1), NewTopic("kp7", 7, 1), NewTopic("kpi5", 5, 1)}).all().get();

    const std::vector<std::string> keys = {"", "a", "alice", "bob", "key1", "alice", "h\xc3\xa9llo", "\xe6\x97\xa5\xe6\x9c\xac", "bob",
                                           "the quick brown fox jumps over the lazy dog 0123456789", "alice"};
    {
        KafkaProducer<std::string, std::string> p(cluster, Properties());
        for (const char* topic : {"kp3", "kp7"})
            for (size_t i = 0; i < keys.size(); ++i) {
                RecordMetadata md = p.send(ProducerRecord<std::string, std::string>(topic, keys[i], "v" + std::to_string(i))).get();
                std::cout << "send " << topic << " string:" << quote(keys[i]) << " -> " << at(md) << "\n";
            }
    }
    const std::vector<int32_t> ints = {0, 1, -1, 42, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), 42};
    {
        KafkaProducer<int32_t, std::string> p(cluster, Properties());
        for (size_t i = 0; i < ints.size(); ++i) {
            RecordMetadata md = p.send(ProducerRecord<int32_t, std::string>("kpi5", ints[i], "v" + std::to_string(i))).get();
            std::cout << "send kpi5 int:" << ints[i] << " -> " << at(md) << "\n";
        }
    }
    return 0;
}

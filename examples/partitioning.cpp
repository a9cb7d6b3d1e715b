// Which partition does a record go to? Keys hash with murmur2; null keys stick to one partition for a
// while (KIP-794); an explicit partition or your own partitioner overrides both.
#include <iostream>

#include "kstream_sim.hpp"

using namespace kstream_sim;

int main() {
    Cluster cluster(ClusterConfig().seed(7));
    Admin admin(cluster);
    admin.createTopics({NewTopic("payments", 6, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, Properties{{"linger.ms", 0}});

    std::cout << "Keyed records: partition = toPositive(murmur2(key bytes)) % 6\n";
    for (const char* key : {"alice", "bob", "carol", "dave", "alice"}) {
        auto md = producer.send(ProducerRecord<std::string, std::string>("payments", key, "10 EUR")).get();
        std::cout << "  key " << key << " -> partition " << md.partition() << " (murmur2 = " << murmur2(key) << ")\n";
    }

    std::cout << "Null keys: one partition until batch.size bytes went to it, then another, chosen by the seed\n";
    KafkaProducer<std::string, std::string> sticky(cluster, Properties{{"batch.size", 500}});
    std::vector<Future<RecordMetadata>> sends;
    for (int i = 0; i < 24; ++i) sends.push_back(sticky.send(ProducerRecord<std::string, std::string>("payments", std::string(90, '.'))));
    sticky.flush();
    std::cout << " ";
    for (auto& f : sends) std::cout << " " << f.get().partition();
    std::cout << "\n";

    std::cout << "An explicit partition wins over the key\n";
    auto md = producer.send(ProducerRecord<std::string, std::string>("payments", 5, "alice", "refund")).get();
    std::cout << "  alice -> partition " << md.partition() << "\n";

    std::cout << "Your own partitioner: a callable (topic, key bytes, value bytes, partition count)\n";
    Partitioner vip = [](const std::string&, ByteView key, ByteView, int32_t n) {
        return key.str() == "vip" ? 0 : 1 + toPositive(murmur2(key.data, static_cast<size_t>(key.size))) % (n - 1);
    };
    KafkaProducer<std::string, std::string> custom(cluster, Properties{{"linger.ms", 0}}, vip);
    for (const char* key : {"vip", "alice", "bob"})
        std::cout << "  " << key << " -> partition " << custom.send(ProducerRecord<std::string, std::string>("payments", key, "x")).get().partition() << "\n";
}

// The foundation's north star: produce one record and consume it, on a 3-broker cluster.
#include "kstream_sim.hpp"
#include <iostream>
using namespace kstream_sim;
using namespace std::chrono_literals;

int main() {
    Cluster cluster(ClusterConfig().brokers(3).seed(42));
    Admin admin(cluster);
    admin.createTopics({NewTopic("orders", 3, 1)});

    Properties pp;
    pp.put(ProducerConfig::ACKS_CONFIG, "all");
    pp.put(ProducerConfig::LINGER_MS_CONFIG, 5);
    KafkaProducer<std::string, std::string> producer(cluster, pp);
    RecordMetadata md = producer.send(ProducerRecord<std::string, std::string>("orders", "alice", "book")).get();
    std::cout << md.topic() << "-" << md.partition() << "@" << md.offset() << "\n";  // the partition real Kafka picks for "alice"

    Properties cp;
    cp.put(ConsumerConfig::GROUP_ID_CONFIG, "billing");
    cp.put(ConsumerConfig::AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<std::string, std::string> consumer(cluster, cp);
    consumer.subscribe({"orders"});
    for (const auto& r : consumer.poll(5s))  // a new group forms after group.initial.rebalance.delay.ms (3 s)
        std::cout << r.key() << " -> " << r.value() << " offset " << r.offset() << " t=" << r.timestamp() << "\n";
    std::cout << "virtual time " << cluster.now().count() << " ms\n";  // deterministic: the same number every run
}

// The guided tour of kstream_sim: a 3-broker Kafka cluster in one process, on a virtual clock.
//
// Run it with `cmake --workflow --preset demo`. Every line it prints is the same on every run: time is
// virtual and every random choice comes from the seed.
#include <iostream>

#include "kstream_sim.hpp"

using namespace kstream_sim;
using namespace std::chrono_literals;

int main() {
    std::cout << "== 1. A cluster on a virtual clock ==\n";
    Cluster cluster(ClusterConfig().brokers(3).seed(42).networkLatency(1ms));
    std::cout << "brokers: " << cluster.brokerCount() << ", virtual time: " << cluster.now().count() << " ms\n";

    std::cout << "\n== 2. Topics are split into partitions, replicated across brokers ==\n";
    Admin admin(cluster);
    admin.createTopics({NewTopic("orders", 3, 2)}).all().get();  // get() waits (in virtual time) for the answer
    for (const auto& p : admin.describeTopics({"orders"}).allTopicNames().get().at("orders").partitions()) {
        std::cout << "orders-" << p.partition() << ": leader broker " << p.leader()->id() << ", replicas [";
        for (size_t i = 0; i < p.replicas().size(); ++i) std::cout << (i ? "," : "") << p.replicas()[i].id();
        std::cout << "]\n";
    }
    std::cout << "two requests (create, describe) took " << cluster.now().count() << " ms of virtual time: 1 ms each way\n";

    std::cout << "\n== 3. The key decides the partition (murmur2, exactly as Kafka's producer) ==\n";
    Properties pp;
    pp.put(ProducerConfig::ACKS_CONFIG, "all");
    pp.put(ProducerConfig::LINGER_MS_CONFIG, 5);
    KafkaProducer<std::string, std::string> producer(cluster, pp);
    for (const char* customer : {"alice", "bob", "carol", "alice"}) {
        RecordMetadata md = producer.send(ProducerRecord<std::string, std::string>("orders", customer, "order")).get();
        std::cout << customer << " -> " << md.topic() << "-" << md.partition() << "@" << md.offset() << "\n";
    }
    std::cout << "the same key always lands on the same partition, so each customer's orders stay in order\n";

    std::cout << "\n== 4. Batching: send() returns at once; linger.ms holds the batch on the virtual clock ==\n";
    const int64_t t0 = cluster.now().count();
    std::vector<Future<RecordMetadata>> pending;
    for (const char* item : {"book", "lamp", "pen"})
        pending.push_back(producer.send(ProducerRecord<std::string, std::string>("orders", "dave", item)));
    std::cout << "3 sends at t=" << t0 << " ms; acknowledged yet? " << (pending[0].isDone() ? "yes" : "no") << "\n";
    cluster.advance(4ms);
    std::cout << "t=" << cluster.now().count() << " ms (4 ms later): acknowledged yet? " << (pending[0].isDone() ? "yes" : "no") << "\n";
    producer.flush();
    std::cout << "after flush(), t=" << cluster.now().count() << " ms: offsets";
    for (auto& f : pending) std::cout << " " << f.get().offset();
    std::cout << " on partition " << pending[0].get().partition() << ", all in one batch\n";

    std::cout << "\n== 5. Consuming: a consumer group reads every partition ==\n";
    Properties cp;
    cp.put(ConsumerConfig::GROUP_ID_CONFIG, "billing");
    cp.put(ConsumerConfig::AUTO_OFFSET_RESET_CONFIG, "earliest");
    cp.put(ConsumerConfig::ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<std::string, std::string> consumer(cluster, cp);
    consumer.subscribe({"orders"});
    int read = 0;
    while (read < 7) {
        for (const auto& r : consumer.poll(500ms)) {
            std::cout << "  " << r.topic() << "-" << r.partition() << "@" << r.offset() << " " << r.key() << " -> " << r.value()
                      << " (t=" << r.timestamp() << ")\n";
            ++read;
        }
    }

    std::cout << "\n== 6. Committed offsets: where the group resumes ==\n";
    consumer.commitSync();
    for (const auto& [tp, committed] : consumer.committed(consumer.assignment()))
        std::cout << "  " << tp << " committed offset " << (committed ? std::to_string(committed->offset()) : "none") << "\n";
    consumer.close();
    producer.send(ProducerRecord<std::string, std::string>("orders", "erin", "mug")).get();
    KafkaConsumer<std::string, std::string> restarted(cluster, cp);
    restarted.subscribe({"orders"});
    ConsumerRecords<std::string, std::string> fresh;
    while (fresh.isEmpty()) fresh = restarted.poll(500ms);
    for (const auto& r : fresh)
        std::cout << "  a restarted member reads only what is new: " << r.key() << " -> " << r.value() << " at offset " << r.offset() << "\n";

    std::cout << "\n== 7. Errors that teach ==\n";
    try {
        Properties typo;
        typo.put("enable.idempotent", true);
        KafkaProducer<std::string, std::string> broken(cluster, typo);
    } catch (const ConfigException& e) {
        std::cout << e.name() << ": " << e.what() << "\n";
    }
    try {
        admin.createTopics({NewTopic("orders", 3, 2)}).all().get();
    } catch (const KafkaException& e) {
        std::cout << e.name() << ": " << e.what() << "\n";
    }

    std::cout << "\n== 8. Deterministic: run it twice, get the same trace ==\n";
    auto scenario = [](Cluster& c) {
        Admin(c).createTopics({NewTopic("events", 6, 3)}).all().get();
        KafkaProducer<std::string, std::string> p(c, Properties{{"batch.size", 1024}});
        for (int i = 0; i < 1000; ++i)
            p.send(ProducerRecord<std::string, std::string>("events", "user-" + std::to_string(i % 50), "click " + std::to_string(i)));
        p.flush();
    };
    std::cout << checkDeterminism(ClusterConfig().brokers(3).seed(42), scenario).toString() << "\n";
    std::cout << "\nvirtual time at the end of the tour: " << cluster.now().count() << " ms\n";
}

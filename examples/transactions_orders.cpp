// Transactions: an order produces to a delivery topic and a notification topic, both or neither.
//
// Order 1 commits. Order 2 fails in the middle (the delivery is written, the notification cannot be built) and
// is aborted. Order 3's producer crashes in the middle; its restarted instance, with the same transactional.id,
// fences the old one, the half-done transaction is aborted, and the order is done again. A read_committed
// consumer sees exactly orders 1 and 3; a read_uncommitted one sees everything written, and both see gaps where
// the transaction markers are.
#include <kstream_sim.hpp>

#include <iostream>
#include <stdexcept>
#include <string>

using namespace kstream_sim;
using namespace std::chrono_literals;

using Producer = KafkaProducer<std::string, std::string>;

namespace {

Properties orderService() {
    Properties props;
    props.put(ProducerConfig::TRANSACTIONAL_ID_CONFIG, "order-service");
    return props;
}

std::string notificationFor(const std::string& order_id) {
    if (order_id == "order-2") throw std::runtime_error("no e-mail address for order-2");
    return "your " + order_id + " has shipped";
}

void show(Cluster& cluster, const std::string& isolation) {
    KafkaConsumer<std::string, std::string> consumer(
        cluster, Properties({{ConsumerConfig::ISOLATION_LEVEL_CONFIG, isolation}, {ConsumerConfig::AUTO_OFFSET_RESET_CONFIG, "earliest"}}));
    consumer.assign({TopicPartition("deliveries", 0), TopicPartition("notifications", 0)});
    std::cout << "\n" << isolation << " consumer:\n";
    for (int i = 0; i < 3; ++i)
        for (const auto& r : consumer.poll(100ms))
            std::cout << "  " << r.topic() << "@" << r.offset() << "  " << r.key() << " -> " << r.value() << "\n";
    std::cout << "  positions: deliveries " << consumer.position(TopicPartition("deliveries", 0)) << ", notifications "
              << consumer.position(TopicPartition("notifications", 0)) << " (the last offset of each holds a marker)\n";
}

}  // namespace

int main() {
    Cluster cluster(ClusterConfig().brokers(3).seed(3));
    Admin(cluster).createTopics({NewTopic("deliveries", 1, 3), NewTopic("notifications", 1, 3)}).all().get();

    auto producer = std::make_unique<Producer>(cluster, orderService());
    producer->initTransactions();  // a producer id for "order-service", from its transaction coordinator

    for (const std::string order_id : {"order-1", "order-2", "order-3"}) {
        producer->beginTransaction();
        try {
            producer->send(ProducerRecord<std::string, std::string>("deliveries", order_id, "12 Main Street"));
            producer->flush();  // the delivery is in the log now (not yet visible to read_committed consumers)
            if (order_id == "order-3") {
                std::cout << order_id << ": delivery written, then the process crashes before the notification\n";
                producer->simulateCrash();
                producer = std::make_unique<Producer>(cluster, orderService());
                producer->initTransactions();  // fences the old instance; its open transaction is aborted
                std::cout << order_id << ": restarted with the same transactional.id; doing the order again\n";
                producer->beginTransaction();
                producer->send(ProducerRecord<std::string, std::string>("deliveries", order_id, "12 Main Street"));
            }
            producer->send(ProducerRecord<std::string, std::string>("notifications", order_id, notificationFor(order_id)));
            producer->commitTransaction();
            std::cout << order_id << ": committed (delivery and notification)\n";
        } catch (const std::runtime_error& e) {
            producer->abortTransaction();
            std::cout << order_id << ": aborted (" << e.what() << "); its delivery record stays in the log, marked aborted\n";
        }
    }

    show(cluster, "read_committed");
    show(cluster, "read_uncommitted");
}

// Asynchronous microservices: the order service publishes OrderPlaced events to a topic and goes on; it does not
// call the payment and shipping services, does not know they exist, and never waits for them. Each of those
// consumes the topic in its own consumer group, so each gets every event and keeps its own committed offsets.
//
// Here the shipping service is down from 5 s to 9 s (closed, then a new instance started). Orders keep being
// placed and paid meanwhile; its lag (end offsets minus its group's committed offsets, what kafka-consumer-groups.sh
// --describe shows) grows, and once it is back it catches up from its committed offsets: nothing is lost, nothing
// is shipped twice. That is temporal decoupling: the services need not be up at the same time.
#include <kstream_sim.hpp>

#include <iostream>
#include <iomanip>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {

// What a service keeps in its own database, which outlives any instance of it: how often it handled each order.
using Database = std::map<std::string, int>;

// A service instance: its group's consumer of "orders". Commits after each batch it handled (at least once).
class OrdersConsumer {
public:
    OrdersConsumer(Cluster& cluster, const std::string& group, Database& db)
        : db_(db), consumer_(cluster, Properties({{ConsumerConfig::GROUP_ID_CONFIG, group}, {ConsumerConfig::ENABLE_AUTO_COMMIT_CONFIG, false},
                                         {ConsumerConfig::AUTO_OFFSET_RESET_CONFIG, "earliest"}})) {
        consumer_.subscribe({"orders"});
    }
    // One poll; says so when it brings a backlog (more than one order).
    void step(Cluster& cluster, const std::string& service) {
        auto records = consumer_.poll(100ms);
        if (records.count() > 1)
            std::cout << "[" << cluster.nowMs() << " ms] " << service << ": a batch of " << records.count() << " orders (a backlog)\n";
        for (const auto& r : records) ++db_[r.key()];
        if (!records.isEmpty()) consumer_.commitSync();
    }
    // The consumer's own view of its lag: the end of each assigned partition minus its position there.
    int64_t lag() {
        const std::set<TopicPartition> assigned = consumer_.assignment();
        std::vector<TopicPartition> partitions(assigned.begin(), assigned.end());
        int64_t lag = 0;
        for (const auto& [tp, end] : consumer_.endOffsets(partitions)) lag += end - consumer_.position(tp);
        return lag;
    }
    void close() { consumer_.close(); }  // commits nothing more here (auto-commit is off); leaves the group at once

private:
    Database& db_;
    KafkaConsumer<std::string, std::string> consumer_;
};

// What an operator sees from outside (kafka-consumer-groups.sh --describe): the group's committed offsets against
// the topic's end offsets. Works while the service is down: the offsets are the group's, kept by the cluster.
int64_t groupLag(Admin& admin, const std::string& group) {
    std::map<TopicPartition, OffsetSpec> latest;
    for (int32_t p = 0; p < 3; ++p) latest.emplace(TopicPartition("orders", p), OffsetSpec::latest());
    const auto ends = admin.listOffsets(latest).all().get();
    const auto committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    int64_t lag = 0;
    for (const auto& [tp, end] : ends) lag += end.offset() - (committed.count(tp) ? committed.at(tp).offset() : 0);
    return lag;
}

void summary(const std::string& service, OrdersConsumer& consumer, const Database& db) {
    int twice = 0;
    for (const auto& [order, times] : db) twice += times > 1;
    std::cout << service << " handled " << db.size() << " distinct orders, " << twice << " of them twice; its own view of its lag "
              << "(endOffsets - position): " << consumer.lag() << "\n";
}

}  // namespace

int main() {
    Cluster cluster(ClusterConfig().brokers(3).seed(11));
    Admin admin(cluster);
    admin.createTopics({NewTopic("orders", 3, 3)}).all().get();

    KafkaProducer<std::string, std::string> orderService(cluster, Properties({{ProducerConfig::LINGER_MS_CONFIG, 5}}));
    Database payments, shipments;
    OrdersConsumer payment(cluster, "payment-service", payments);
    auto shipping = std::make_unique<OrdersConsumer>(cluster, "shipping-service", shipments);
    int placed = 0;

    std::cout << "time (ms)  placed  paid (lag)  shipped (lag)     lag: orders not yet committed by the group\n";
    for (int64_t next_order_ms = 0, next_report_ms = 1000; cluster.nowMs() < 15000;) {
        if (cluster.nowMs() >= next_order_ms && placed < 24) {  // an order every 500 ms, for 12 s
            ++placed;
            // Fire and forget: send() returns at once; the order service never waits for anyone downstream.
            orderService.send(ProducerRecord<std::string, std::string>("orders", "order-" + std::to_string(placed), "OrderPlaced"));
            next_order_ms += 500;
        }
        payment.step(cluster, "payment-service");
        if (shipping) shipping->step(cluster, "shipping-service");
        else cluster.advance(100ms);  // the time shipping-service would have spent polling

        if (shipping && cluster.nowMs() >= 5000 && cluster.nowMs() < 9000) {
            shipping->close();
            shipping.reset();
            std::cout << "[" << cluster.nowMs() << " ms] shipping-service goes down\n";
        } else if (!shipping && cluster.nowMs() >= 9000) {
            shipping = std::make_unique<OrdersConsumer>(cluster, "shipping-service", shipments);
            std::cout << "[" << cluster.nowMs() << " ms] shipping-service restarts; its group is empty, so it waits "
                      << "group.initial.rebalance.delay.ms (3 s) for more members, then resumes from its committed offsets\n";
        }
        if (cluster.nowMs() >= next_report_ms) {
            std::cout << std::setw(9) << cluster.nowMs() << std::setw(8) << placed << std::setw(7) << payments.size() << " ("
                      << groupLag(admin, "payment-service") << ")" << std::setw(10) << shipments.size() << " ("
                      << groupLag(admin, "shipping-service") << ")" << (shipping ? "" : "  shipping-service down") << "\n";
            next_report_ms += 1000;
        }
    }
    summary("payment-service", payment, payments);
    summary("shipping-service", *shipping, shipments);
}

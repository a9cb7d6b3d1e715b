// Subscribing to a pattern: a consumer of "orders-.*" picks up a topic created later and lets go of a deleted
// one. The pattern is matched against the consumer's metadata, which it refreshes every metadata.max.age.ms
// (5 minutes by default; 10 s here), so each change shows up at the next refresh -- on the virtual clock. The
// default assignor (range) rebalances eagerly: every partition is revoked, then the new set is assigned.
#include <kstream_sim.hpp>

#include <iostream>
#include <string>

using namespace kstream_sim;
using namespace std::chrono_literals;

// Prints every rebalance callback with the virtual time.
class Narrator : public ConsumerRebalanceListener {
public:
    explicit Narrator(Cluster& cluster) : cluster_(cluster) {}
    void onPartitionsRevoked(const std::set<TopicPartition>& ps) override { say("revoked", ps); }
    void onPartitionsAssigned(const std::set<TopicPartition>& ps) override { say("assigned", ps); }

private:
    void say(const char* what, const std::set<TopicPartition>& ps) const {
        std::cout << "  t=" << cluster_.nowMs() << " ms " << what << " [";
        bool first = true;
        for (const auto& tp : ps) {
            std::cout << (first ? "" : ", ") << tp.toString();
            first = false;
        }
        std::cout << "]\n";
    }
    Cluster& cluster_;
};

void printSubscription(const KafkaConsumer<std::string, std::string>& consumer) {
    std::cout << "  subscription:";
    for (const auto& topic : consumer.subscription()) std::cout << " " << topic;
    std::cout << "\n";
}

int main() {
    Cluster cluster(ClusterConfig().groupInitialRebalanceDelay(0ms));  // as Kafka's shipped server.properties
    Admin admin(cluster);
    admin.createTopics({NewTopic("orders-eu", 2, 1), NewTopic("orders-us", 1, 1), NewTopic("payments", 1, 1)}).all().get();

    KafkaConsumer<std::string, std::string> consumer(cluster, Properties{{"group.id", "order-audit"},
                                                                         {"metadata.max.age.ms", 10000}});
    consumer.subscribe(Pattern::compile("orders-.*"), std::make_shared<Narrator>(cluster));

    std::cout << "== subscribe(Pattern orders-.*): the first poll matches the topics that exist ==\n";
    consumer.poll(1s);
    printSubscription(consumer);

    std::cout << "== orders-asia is created: nothing happens until the next metadata refresh ==\n";
    admin.createTopics({NewTopic("orders-asia", 1, 1)}).all().get();
    for (int i = 0; i < 15; ++i) consumer.poll(1s);
    printSubscription(consumer);

    std::cout << "== orders-us is deleted: the group rebalances without it ==\n";
    admin.deleteTopics({"orders-us"}).all().get();
    for (int i = 0; i < 15; ++i) consumer.poll(1s);
    printSubscription(consumer);

    std::cout << "== close ==\n";
    consumer.close();
}

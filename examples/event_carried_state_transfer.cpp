// Event-carried state transfer: a service publishes the whole new state of an entity each time it changes,
// and other services keep their own copy of what they need, instead of asking the owner at every request.
//
// The customer service owns customers. On every change it publishes the customer's full record to the topic
// "customers", keyed by customer id (a null value, a tombstone, when a customer is deleted). In Kafka that
// topic is compacted (cleanup.policy=compact) so that it keeps at least the latest record of every key and a
// newcomer can read it whole. The shipping service reads "customers" into a local table and ships each order of
// the topic "orders" to the address it holds: it never calls the customer service, so it keeps working while
// that service is down, and it sees an address change as soon as the event arrives.
// Simplified here: kstream_sim accepts cleanup.policy=compact but does not compact yet (docs/architectures.md).
#include <kstream_sim.hpp>

#include <iostream>
#include <map>
#include <optional>
#include <string>

using namespace kstream_sim;
using namespace std::chrono_literals;

using CustomerRecord = std::optional<std::string>;  // "name, address"; nullopt: the customer was deleted

namespace {

class CustomerService {
public:
    explicit CustomerService(Cluster& cluster) : producer_(cluster, Properties()) {}
    void save(const std::string& id, const std::string& record) { publish(id, record); }
    void remove(const std::string& id) { publish(id, std::nullopt); }

private:
    void publish(const std::string& id, const CustomerRecord& record) {
        producer_.send(ProducerRecord<std::string, CustomerRecord>("customers", id, record)).get();
        std::cout << "  customer service: " << id << " -> " << record.value_or("(deleted)") << "\n";
    }
    KafkaProducer<std::string, CustomerRecord> producer_;
};

// A local copy of the customers topic: every partition, from the beginning, no consumer group (as a
// GlobalKTable would read it).
class CustomerReplica {
public:
    explicit CustomerReplica(Cluster& cluster) : consumer_(cluster, Properties()) {
        std::vector<TopicPartition> partitions;
        for (const auto& info : consumer_.partitionsFor("customers")) partitions.emplace_back("customers", info.partition());
        consumer_.assign(partitions);
        consumer_.seekToBeginning(partitions);
    }
    void catchUp() {
        for (const auto& r : consumer_.poll(100ms)) {
            if (r.value()) customers_[r.key()] = *r.value();
            else customers_.erase(r.key());
        }
    }
    std::optional<std::string> find(const std::string& id) const {
        auto it = customers_.find(id);
        return it == customers_.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    size_t size() const { return customers_.size(); }

private:
    KafkaConsumer<std::string, CustomerRecord> consumer_;
    std::map<std::string, std::string> customers_;
};

class ShippingService {
public:
    explicit ShippingService(Cluster& cluster)
        : customers_(cluster),
          orders_(cluster, Properties({{ConsumerConfig::GROUP_ID_CONFIG, "shipping"}, {ConsumerConfig::AUTO_OFFSET_RESET_CONFIG, "earliest"}})) {
        orders_.subscribe({"orders"});
    }
    // One turn of the service's loop: bring the customer copy up to date, then ship the new orders.
    void runOnce() {
        customers_.catchUp();
        for (const auto& order : orders_.poll(100ms)) {
            const auto customer = customers_.find(order.value());
            std::cout << "  shipping service: " << order.key() << " for " << order.value() << " -> "
                      << (customer ? "ship to " + customer->substr(customer->find(", ") + 2) : std::string("held: unknown customer")) << "\n";
        }
    }

private:
    CustomerReplica customers_;
    KafkaConsumer<std::string, std::string> orders_;
};

}  // namespace

int main() {
    Cluster cluster(ClusterConfig().brokers(3).seed(11));
    Admin(cluster)
        .createTopics({NewTopic("customers", 3, 3).configs({{TopicConfig::CLEANUP_POLICY_CONFIG, TopicConfig::CLEANUP_POLICY_COMPACT}}),
                       NewTopic("orders", 3, 3)})
        .all()
        .get();
    KafkaProducer<std::string, std::string> shop(cluster, Properties());
    auto order = [&](const std::string& id, const std::string& customer) {
        shop.send(ProducerRecord<std::string, std::string>("orders", id, customer));
        shop.flush();
        std::cout << "  shop: " << id << " placed by " << customer << "\n";
    };
    auto runShipping = [&](ShippingService& shipping) {
        for (int i = 0; i < 40; ++i) shipping.runOnce();  // 4 s of the service's poll loop
    };

    auto customers = std::make_unique<CustomerService>(cluster);
    ShippingService shipping(cluster);

    std::cout << "1. customers are published; orders ship to the addresses the shipping service holds\n";
    customers->save("alice", "Alice Martin, 3 rue de Lyon, Paris");
    customers->save("bob", "Bob Rossi, 8 via Roma, Rome");
    order("order-1", "alice");
    order("order-2", "bob");
    runShipping(shipping);

    std::cout << "2. the customer service is down: shipping goes on, from its own copy\n";
    customers.reset();
    order("order-3", "alice");
    runShipping(shipping);

    std::cout << "3. back up: alice moves and bob is deleted; the events change the copy\n";
    customers = std::make_unique<CustomerService>(cluster);
    customers->save("alice", "Alice Martin, 12 quai Saint-Vincent, Lyon");
    customers->remove("bob");
    order("order-4", "alice");
    order("order-5", "bob");
    runShipping(shipping);

    std::cout << "4. a service started later builds its copy from the topic alone\n";
    CustomerReplica newcomer(cluster);
    for (int i = 0; i < 5; ++i) newcomer.catchUp();
    std::cout << "  billing service: " << newcomer.size() << " customer(s); alice -> " << newcomer.find("alice").value_or("?") << "\n";
    std::cout << "virtual time " << cluster.now().count() << " ms\n";
}

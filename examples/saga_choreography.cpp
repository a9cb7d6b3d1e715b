// Saga by choreography: the order process of saga_orchestration, with no orchestrator. Each service consumes the
// events it cares about from one topic, order-events (keyed by order id, so one order's events stay in order on
// one partition), does its local step, and publishes its own event:
//   OrderPlaced -> (credit) CreditReserved -> (stock) StockReserved -> (delivery) DeliveryScheduled -> (order) OrderApproved
// A refusal is an event too, and the services that reserved something for the order release it on their own
// (credit and stock both react to DeliveryRefused); the order service cancels the order.
//
// Against orchestration: no service knows the whole process, and none sends commands to another -- a new service
// just subscribes -- so the coupling is looser; but the process is written nowhere: it emerges from what each
// service subscribes to, and can only be seen by reading the events afterwards (the log printed at the end).
// Compensations are not ordered either: credit and stock release in parallel.
// Each service handles a batch of events in one transaction with its consumer offsets (exactly once).
#include <kstream_sim.hpp>

#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

using Event = ConsumerRecord<std::string, std::string>;
using Outgoing = ProducerRecord<std::string, std::string>;

namespace {

// A service instance, named after its service (consumer group and transactional.id): poll order-events once, hand
// each event (type, then the rest of the value) to the reaction, publish what it returns ("" for nothing), and
// commit the published events together with the offsets consumed.
class Service {
public:
    using Reaction = std::function<std::string(const std::string& order, const std::string& type, std::istream& rest)>;
    Service(Cluster& cluster, std::string name, Reaction react)
        : cluster_(cluster), name_(std::move(name)), react_(std::move(react)),
          consumer_(cluster, Properties({{ConsumerConfig::GROUP_ID_CONFIG, name_}, {ConsumerConfig::ENABLE_AUTO_COMMIT_CONFIG, false},
                                         {ConsumerConfig::AUTO_OFFSET_RESET_CONFIG, "earliest"},
                                         {ConsumerConfig::ISOLATION_LEVEL_CONFIG, "read_committed"}})),
          producer_(cluster, Properties({{ProducerConfig::TRANSACTIONAL_ID_CONFIG, name_}})) {
        consumer_.subscribe({"order-events"});
        producer_.initTransactions();
    }
    int step() {
        auto events = consumer_.poll(100ms);
        if (events.isEmpty()) return 0;
        producer_.beginTransaction();
        std::map<TopicPartition, OffsetAndMetadata> progress;
        for (const auto& e : events) {
            std::istringstream value(e.value());
            std::string type;
            value >> type;
            const std::string published = react_(e.key(), type, value);
            if (!published.empty()) {
                std::cout << "[" << cluster_.nowMs() << " ms] " << name_ << ": " << e.key() << " " << type << " -> " << published << "\n";
                producer_.send(Outgoing("order-events", e.key(), published));
            }
            progress.insert_or_assign(TopicPartition(e.topic(), e.partition()), OffsetAndMetadata(e.offset() + 1));
        }
        producer_.sendOffsetsToTransaction(progress, consumer_.groupMetadata());
        producer_.commitTransaction();
        return events.count();
    }

private:
    Cluster& cluster_;
    std::string name_;
    Reaction react_;
    KafkaConsumer<std::string, std::string> consumer_;
    KafkaProducer<std::string, std::string> producer_;
};

// What a service that reserves something keeps: how much is available, and what it reserved for which order.
struct Reservations {
    std::map<std::string, int> available;
    std::map<std::string, std::pair<std::string, int>> held;  // order -> (what, how many)

    bool reserve(const std::string& order, const std::string& what, int n) {
        if (available[what] < n) return false;
        available[what] -= n;
        held[order] = {what, n};
        return true;
    }
    bool release(const std::string& order) {  // false when nothing was held for the order (nothing to undo)
        auto it = held.find(order);
        if (it == held.end()) return false;
        available[it->second.first] += it->second.second;
        held.erase(it);
        return true;
    }
};

}  // namespace

int main() {
    Cluster cluster(ClusterConfig().brokers(3).seed(7));
    Admin(cluster).createTopics({NewTopic("order-events", 1, 3)}).all().get();

    Reservations credit{{{"alice", 100}, {"bob", 100}}, {}}, stock{{{"widget", 10}, {"gadget", 5}}, {}}, slots{{{"Springfield", 3}}, {}};
    std::map<std::string, std::string> status;  // the order service's view of its orders

    // Each reaction keeps its own state; what a service needs to know of an order later, it copies from OrderPlaced
    // ("customer amount item quantity town").
    std::vector<Service> services;
    services.emplace_back(cluster, "credit-service", [&credit](const std::string& order, const std::string& type, std::istream& rest) {
        std::string customer;
        int amount = 0;
        if (type == "OrderPlaced" && rest >> customer >> amount) return credit.reserve(order, customer, amount) ? "CreditReserved" : "CreditRefused";
        if (type == "StockRefused" || type == "DeliveryRefused") return credit.release(order) ? "CreditReleased" : "";
        return "";
    });
    services.emplace_back(cluster, "stock-service", [&stock, wanted = std::map<std::string, std::pair<std::string, int>>()](
                                                        const std::string& order, const std::string& type, std::istream& rest) mutable {
        std::string customer, amount;
        if (type == "OrderPlaced") rest >> customer >> amount >> wanted[order].first >> wanted[order].second;
        if (type == "CreditReserved") return stock.reserve(order, wanted[order].first, wanted[order].second) ? "StockReserved" : "StockRefused";
        if (type == "DeliveryRefused") return stock.release(order) ? "StockReleased" : "";
        return "";
    });
    services.emplace_back(cluster, "delivery-service", [&slots, towns = std::map<std::string, std::string>()](
                                                           const std::string& order, const std::string& type, std::istream& rest) mutable {
        std::string customer, amount, item, quantity;
        if (type == "OrderPlaced") rest >> customer >> amount >> item >> quantity >> towns[order];
        if (type == "StockReserved") return slots.reserve(order, towns[order], 1) ? "DeliveryScheduled" : "DeliveryRefused";
        return "";
    });
    services.emplace_back(cluster, "order-service", [&status](const std::string& order, const std::string& type, std::istream&) {
        if (type == "DeliveryScheduled") return status[order] = "OrderApproved";
        if (type == "CreditRefused" || type == "StockRefused" || type == "DeliveryRefused") return status[order] = "OrderCancelled";
        return std::string();
    });

    KafkaProducer<std::string, std::string> shop(cluster, Properties());  // the order service's front end
    shop.send(Outgoing("order-events", "order-1", "OrderPlaced alice 30 widget 2 Springfield"));
    shop.send(Outgoing("order-events", "order-2", "OrderPlaced bob 50 gadget 1 Atlantis"));  // no deliveries to Atlantis
    shop.flush();

    // Every service polls in turn, until all were idle 30 rounds running (the first 3 s: the groups form).
    for (int idle = 0; idle < 30;) {
        int handled = 0;
        for (auto& s : services) handled += s.step();
        idle = handled ? 0 : idle + 1;
    }

    std::cout << "\nthe process, as the event log shows it (order-events; the gaps are transaction markers):\n";
    KafkaConsumer<std::string, std::string> reader(cluster, Properties({{ConsumerConfig::ISOLATION_LEVEL_CONFIG, "read_committed"}}));
    reader.assign({TopicPartition("order-events", 0)});
    reader.seekToBeginning({TopicPartition("order-events", 0)});
    for (int i = 0; i < 3; ++i)
        for (const auto& r : reader.poll(100ms)) std::cout << "  offset " << r.offset() << "  " << r.key() << " " << r.value() << "\n";
    std::cout << "order service: order-1 " << status["order-1"] << ", order-2 " << status["order-2"] << "\n";
    std::cout << "credit left: alice " << credit.available["alice"] << ", bob " << credit.available["bob"]
              << " (of 100 each); stock left: widget " << stock.available["widget"] << " (of 10), gadget " << stock.available["gadget"]
              << " (of 5)\n";
}

// Saga by orchestration: an order touches three services (credit, stock, delivery), each with its own data, so
// no single database transaction can cover it. A saga does it as a sequence of local steps instead, and undoes the
// steps already done with compensating commands, in reverse order, when a later step fails.
//
// Here one service, the orchestrator, runs the saga: a state machine per order (keyed by order id), written out in
// one table below. It sends commands to each service's command topic and consumes their replies from one reply
// topic; every change of state is also written to a compacted topic, the saga log (what a restarted orchestrator
// would rebuild its state from). Every service, the orchestrator included, handles a batch of records in one
// transaction: its outputs and its consumer offsets commit together (exactly once).
//
// order-1 goes through; order-2's delivery is refused after its credit and stock were reserved, so the
// orchestrator releases the stock, then the credit.
#include <kstream_sim.hpp>

#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

using Incoming = ConsumerRecord<std::string, std::string>;
using Outgoing = ProducerRecord<std::string, std::string>;

namespace {

// A service instance: its own consumer group and transactional.id, the name of the service. poll() once, hand each
// record to the handler, and commit what the handler produced together with the offsets consumed.
class Service {
public:
    using Handler = std::function<std::vector<Outgoing>(const Incoming&)>;
    Service(Cluster& cluster, const std::string& name, const std::vector<std::string>& inputs, Handler handler)
        : consumer_(cluster, Properties({{ConsumerConfig::GROUP_ID_CONFIG, name}, {ConsumerConfig::ENABLE_AUTO_COMMIT_CONFIG, false},
                                         {ConsumerConfig::AUTO_OFFSET_RESET_CONFIG, "earliest"},
                                         {ConsumerConfig::ISOLATION_LEVEL_CONFIG, "read_committed"}})),
          producer_(cluster, Properties({{ProducerConfig::TRANSACTIONAL_ID_CONFIG, name}})), handler_(std::move(handler)) {
        consumer_.subscribe(inputs);
        producer_.initTransactions();
    }
    int step() {
        auto records = consumer_.poll(100ms);
        if (records.isEmpty()) return 0;
        producer_.beginTransaction();
        std::map<TopicPartition, OffsetAndMetadata> progress;
        for (const auto& r : records) {
            for (const auto& out : handler_(r)) producer_.send(out);
            progress.insert_or_assign(TopicPartition(r.topic(), r.partition()), OffsetAndMetadata(r.offset() + 1));
        }
        producer_.sendOffsetsToTransaction(progress, consumer_.groupMetadata());
        producer_.commitTransaction();
        return records.count();
    }

private:
    KafkaConsumer<std::string, std::string> consumer_;
    KafkaProducer<std::string, std::string> producer_;
    Handler handler_;
};

// The whole process, in one place: (state, reply) -> (next state, command to send; "" for none).
const std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> kSaga = {
    {{"CREDIT_PENDING", "credit-reserved"}, {"STOCK_PENDING", "reserve-stock"}},
    {{"CREDIT_PENDING", "credit-refused"}, {"REJECTED", ""}},
    {{"STOCK_PENDING", "stock-reserved"}, {"DELIVERY_PENDING", "reserve-delivery"}},
    {{"STOCK_PENDING", "stock-refused"}, {"RELEASING_CREDIT", "release-credit"}},
    {{"DELIVERY_PENDING", "delivery-reserved"}, {"APPROVED", ""}},
    {{"DELIVERY_PENDING", "delivery-refused"}, {"RELEASING_STOCK", "release-stock"}},  // compensate, last step first
    {{"RELEASING_STOCK", "stock-released"}, {"RELEASING_CREDIT", "release-credit"}},
    {{"RELEASING_CREDIT", "credit-released"}, {"CANCELLED", ""}},
};

struct Order {
    std::string customer, item, address;
    int amount = 0, quantity = 0;
    std::string state = "CREDIT_PENDING";
};

class Orchestrator {
public:
    explicit Orchestrator(Cluster& cluster) : cluster_(cluster) {}
    std::vector<Outgoing> handle(const Incoming& r) {
        if (r.topic() == "order-requests") {  // "alice 30 widget 2 Springfield": a new saga
            Order& o = orders_[r.key()];
            std::istringstream(r.value()) >> o.customer >> o.amount >> o.item >> o.quantity >> o.address;
            return moveTo(r.key(), o, "CREDIT_PENDING", "reserve-credit");
        }
        Order& o = orders_.at(r.key());
        auto next = kSaga.find({o.state, r.value()});
        if (next == kSaga.end()) return {};  // a reply this state does not expect (a duplicate, say): ignored
        return moveTo(r.key(), o, next->second.first, next->second.second);
    }

private:
    std::vector<Outgoing> moveTo(const std::string& id, Order& o, const std::string& state, const std::string& command) {
        o.state = state;
        std::cout << "[" << cluster_.nowMs() << " ms] orchestrator: " << id << " " << state
                  << (command.empty() ? "" : ", sends " + command) << "\n";
        std::vector<Outgoing> out{Outgoing("order-sagas", id, state)};  // the saga log
        if (command.empty()) return out;
        const std::string what = command.substr(command.find('-') + 1);  // "credit", "stock" or "delivery"
        const std::string args = what == "credit" ? o.customer + " " + std::to_string(o.amount)
                               : what == "stock"  ? o.item + " " + std::to_string(o.quantity)
                                                  : o.address + " 1";  // one delivery slot
        out.emplace_back(what + "-commands", id, command + " " + args);
        return out;
    }

    Cluster& cluster_;
    std::map<std::string, Order> orders_;
};

// A participant: applies a command to its own data ("reserve-credit alice 30" takes 30 from alice's available credit),
// replies with "<what>-reserved/-refused/-released", and knows nothing of the other services or of the saga.
Service::Handler participant(Cluster& cluster, const std::string& what, std::map<std::string, int>& available) {
    return [&cluster, what, &available](const Incoming& r) {
        std::string command, name;
        int n = 0;
        std::istringstream(r.value()) >> command >> name >> n;
        std::string reply = what + "-released";
        if (command.rfind("release", 0) == 0) available[name] += n;
        else if (available[name] < n) reply = what + "-refused";
        else {
            available[name] -= n;
            reply = what + "-reserved";
        }
        std::cout << "[" << cluster.nowMs() << " ms]     " << what << "-service: " << r.key() << " " << r.value() << " -> " << reply << "\n";
        return std::vector<Outgoing>{Outgoing("saga-replies", r.key(), reply)};
    };
}

}  // namespace

int main() {
    Cluster cluster(ClusterConfig().brokers(3).seed(7));
    Admin(cluster).createTopics({NewTopic("order-requests", 1, 3), NewTopic("credit-commands", 1, 3), NewTopic("stock-commands", 1, 3),
                                 NewTopic("delivery-commands", 1, 3), NewTopic("saga-replies", 1, 3),
                                 NewTopic("order-sagas", 1, 3).configs({{"cleanup.policy", "compact"}})})
        .all().get();

    std::map<std::string, int> credit{{"alice", 100}, {"bob", 100}}, stock{{"widget", 10}, {"gadget", 5}};
    std::map<std::string, int> slots{{"Springfield", 3}};  // free delivery slots per town
    Orchestrator orchestrator(cluster);
    std::vector<Service> services;
    services.emplace_back(cluster, "order-orchestrator", std::vector<std::string>{"order-requests", "saga-replies"},
                          [&orchestrator](const Incoming& r) { return orchestrator.handle(r); });
    services.emplace_back(cluster, "credit-service", std::vector<std::string>{"credit-commands"}, participant(cluster, "credit", credit));
    services.emplace_back(cluster, "stock-service", std::vector<std::string>{"stock-commands"}, participant(cluster, "stock", stock));
    services.emplace_back(cluster, "delivery-service", std::vector<std::string>{"delivery-commands"}, participant(cluster, "delivery", slots));

    KafkaProducer<std::string, std::string> shop(cluster, Properties());
    shop.send(Outgoing("order-requests", "order-1", "alice 30 widget 2 Springfield"));
    shop.send(Outgoing("order-requests", "order-2", "bob 50 gadget 1 Atlantis"));  // no deliveries to Atlantis
    shop.flush();

    // Every service polls in turn, until all were idle 30 rounds running. (Nothing happens for the first 3 s: a new
    // group's first rebalance waits group.initial.rebalance.delay.ms for more members to join.)
    for (int idle = 0; idle < 30;) {
        int handled = 0;
        for (auto& s : services) handled += s.step();
        idle = handled ? 0 : idle + 1;
    }

    std::cout << "\nsaga log (topic order-sagas; compaction would keep the last state of each order; the gaps are transaction markers):\n";
    KafkaConsumer<std::string, std::string> reader(cluster, Properties({{ConsumerConfig::ISOLATION_LEVEL_CONFIG, "read_committed"}}));
    reader.assign({TopicPartition("order-sagas", 0)});
    reader.seekToBeginning({TopicPartition("order-sagas", 0)});
    std::map<std::string, std::string> final_state;
    for (int i = 0; i < 3; ++i)
        for (const auto& r : reader.poll(100ms)) {
            std::cout << "  offset " << r.offset() << "  " << r.key() << " " << r.value() << "\n";
            final_state[r.key()] = r.value();
        }
    std::cout << "final states:";
    for (const auto& [id, state] : final_state) std::cout << " " << id << " " << state << ";";
    std::cout << "\ncredit left: alice " << credit["alice"] << ", bob " << credit["bob"] << " (of 100 each); stock left: widget "
              << stock["widget"] << " (of 10), gadget " << stock["gadget"] << " (of 5)\n";
}

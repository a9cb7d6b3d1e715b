// Event sourcing: the log of events is the source of truth, and the current state is derived from it.
//
// A bank account service never stores balances. A command ("withdraw 80") is checked against the state
// rebuilt from the account's events (replayed here for every command; a real service keeps that state in
// memory or in a snapshot and replays only to recover); if it is allowed, the service appends an event
// ("Withdrawn 80") to the topic account-events, keyed by account id, so that one account's events stay in
// order in one partition.
// Because every change is kept:
//   - the current state is a replay of the events (here, of one partition, from offset 0);
//   - any past state is a replay up to an offset, or up to a time (offsetsForTimes);
//   - a new read model (a projection) can be built later, over the whole history, without touching the writer.
#include <kstream_sim.hpp>

#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <string>

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {

struct Account {
    bool open = false;
    int64_t balance = 0;
    int events = 0;
};

// An event's value: "<type> <amount>", e.g. "Deposited 100".
void apply(Account& account, const std::string& event) {
    const auto space = event.find(' ');
    const std::string type = event.substr(0, space);
    const int64_t amount = space == std::string::npos ? 0 : std::stoll(event.substr(space + 1));
    if (type == "Opened") account.open = true;
    if (type == "Deposited") account.balance += amount;
    if (type == "Withdrawn") account.balance -= amount;
    ++account.events;
}

// Replays account-events from the beginning of `account`'s partition, up to (not including) `until_offset`
// when given, and folds the account's events into its state.
// The partition of an account's events: the producer's default partitioner, Kafka's
// Utils.toPositive(Utils.murmur2(keyBytes)) % numPartitions.
TopicPartition partitionOf(const std::string& account) { return TopicPartition("account-events", toPositive(murmur2(account)) % 3); }

Account replay(Cluster& cluster, const std::string& account, std::optional<int64_t> until_offset = std::nullopt) {
    const TopicPartition tp = partitionOf(account);
    KafkaConsumer<std::string, std::string> consumer(cluster, Properties());
    consumer.assign({tp});
    consumer.seekToBeginning({tp});
    const int64_t end = until_offset.value_or(consumer.endOffsets({tp}).at(tp));
    Account state;
    while (consumer.position(tp) < end)
        for (const auto& r : consumer.poll(100ms))
            if (r.offset() < end && r.key() == account) apply(state, r.value());
    return state;
}

class AccountService {
public:
    explicit AccountService(Cluster& cluster) : cluster_(cluster), producer_(cluster, Properties()) {}

    // A command: checked against the state rebuilt from the events, then recorded as an event (or rejected).
    void handle(const std::string& account, const std::string& command, int64_t amount) {
        const Account state = replay(cluster_, account);
        std::string event;
        if (command == "open" && !state.open) event = "Opened";
        if (command == "deposit" && state.open) event = "Deposited " + std::to_string(amount);
        if (command == "withdraw" && state.open && state.balance >= amount) event = "Withdrawn " + std::to_string(amount);
        std::cout << "t=" << cluster_.now().count() << "ms  " << account << ": " << command
                  << (amount ? " " + std::to_string(amount) : "") << " -> ";
        if (event.empty()) {
            std::cout << "rejected (balance " << state.balance << "), nothing appended\n";
            return;
        }
        const RecordMetadata md = producer_.send(ProducerRecord<std::string, std::string>("account-events", account, event)).get();
        std::cout << event << " appended at " << md.topic() << "-" << md.partition() << "@" << md.offset() << "\n";
    }

private:
    Cluster& cluster_;
    KafkaProducer<std::string, std::string> producer_;
};

}  // namespace

int main() {
    Cluster cluster(ClusterConfig().brokers(1).seed(7));
    Admin(cluster).createTopics({NewTopic("account-events", 3, 1)}).all().get();

    AccountService service(cluster);
    service.handle("alice", "open", 0);
    service.handle("alice", "deposit", 100);
    service.handle("bob", "open", 0);
    service.handle("alice", "withdraw", 30);
    cluster.advance(1s);
    service.handle("alice", "withdraw", 80);  // only 70 left: rejected, and no event records it
    service.handle("bob", "deposit", 20);
    service.handle("alice", "deposit", 50);

    std::cout << "\ncurrent state, replayed from the events:\n";
    for (const std::string account : {"alice", "bob"}) {
        const Account a = replay(cluster, account);
        std::cout << "  " << account << ": balance " << a.balance << " after " << a.events << " events\n";
    }

    // Time travel: the state as it was before the 1 s pause, found by time, then by offset.
    const TopicPartition alice_tp = partitionOf("alice");
    KafkaConsumer<std::string, std::string> lookup(cluster, Properties());
    const auto found = lookup.offsetsForTimes({{alice_tp, 1000}}).at(alice_tp);
    std::cout << "\nthe first event of alice's partition at or after t=1000ms is at offset " << found->offset()
              << "; replayed up to there:\n";
    const Account past = replay(cluster, "alice", found->offset());
    std::cout << "  alice: balance " << past.balance << " after " << past.events << " events\n";
    std::cout << "  alice, replayed up to offset 2: balance " << replay(cluster, "alice", 2).balance << "\n";

    // A projection added later, over the whole history: the money that moved, per event type.
    std::map<std::string, int64_t> totals;
    KafkaConsumer<std::string, std::string> projection(
        cluster, Properties({{ConsumerConfig::GROUP_ID_CONFIG, "money-moved"}, {ConsumerConfig::AUTO_OFFSET_RESET_CONFIG, "earliest"}}));
    projection.subscribe({"account-events"});
    // poll() until the group has its assignment and the consumer has read up to the end of every partition.
    for (int events = 0; events < 6;)
        for (const auto& r : projection.poll(100ms)) {
            ++events;
            const auto space = r.value().find(' ');
            if (space != std::string::npos) totals[r.value().substr(0, space)] += std::stoll(r.value().substr(space + 1));
        }
    std::cout << "\nnew projection 'money-moved', built from the same events:\n";
    for (const auto& [type, total] : totals) std::cout << "  " << type << ": " << total << "\n";
}

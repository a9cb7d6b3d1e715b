// Consumer groups, step by step: a group scales out from one consumer to three, one crashes between
// processing and committing, a static member restarts without a rebalance, and a member cut off from the
// network is replaced, then comes back. Every line is the same on every run: the group protocol, heartbeats
// and timeouts all run on the virtual clock.
#include <kstream_sim.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

using Consumer = KafkaConsumer<std::string, std::string>;

// Prints every rebalance callback, as a consumer application would log it.
class Narrator : public ConsumerRebalanceListener {
public:
    explicit Narrator(std::string name) : name_(std::move(name)) {}
    void onPartitionsRevoked(const std::set<TopicPartition>& ps) override { say("revoked", ps); }
    void onPartitionsAssigned(const std::set<TopicPartition>& ps) override { say("assigned", ps); }
    void onPartitionsLost(const std::set<TopicPartition>& ps) override { say("lost", ps); }

private:
    void say(const char* what, const std::set<TopicPartition>& ps) const {
        std::cout << "  " << name_ << " " << what << " [";
        bool first = true;
        for (const auto& tp : ps) {
            std::cout << (first ? "" : ", ") << tp.partition();
            first = false;
        }
        std::cout << "]\n";
    }
    std::string name_;
};

std::unique_ptr<Consumer> startConsumer(Cluster& cluster, const std::string& name, const std::string& instance = "") {
    Properties p;
    p.put(ConsumerConfig::GROUP_ID_CONFIG, "billing");
    p.put(ConsumerConfig::CLIENT_ID_CONFIG, name);
    p.put(ConsumerConfig::AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig::ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig::SESSION_TIMEOUT_MS_CONFIG, 10000);
    p.put(ConsumerConfig::PARTITION_ASSIGNMENT_STRATEGY_CONFIG, "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    if (!instance.empty()) p.put(ConsumerConfig::GROUP_INSTANCE_ID_CONFIG, instance);
    auto c = std::make_unique<Consumer>(cluster, p);
    c->subscribe({"orders"}, std::make_shared<Narrator>(name));
    return c;
}

// Each consumer polls in turn (as if each ran in its own process) for `ms` of virtual time; records are
// processed and, unless `commit` is false, committed after each poll.
int runFor(Cluster& cluster, const std::vector<Consumer*>& consumers, int64_t ms, bool commit = true) {
    int processed = 0;
    const int64_t until = cluster.nowMs() + ms;
    while (cluster.nowMs() < until)
        for (auto* c : consumers) {
            const int n = static_cast<int>(c->poll(100ms).count());
            processed += n;
            if (!commit || n == 0) continue;
            try {
                c->commitSync();
            } catch (const RebalanceInProgressException&) {
                // The group is rebalancing: the next poll() completes it; these records may be redelivered.
            }
        }
    return processed;
}

void owners(Cluster& cluster, const std::string& when) {
    Admin admin(cluster);
    const ConsumerGroupDescription d = admin.describeConsumerGroups({"billing"}).all().get().at("billing");
    std::cout << "[" << cluster.nowMs() / 1000 << " s] " << when << ": group " << toString(d.groupState()) << ", assignor "
              << d.partitionAssignor() << "\n";
    for (const auto& m : d.members()) {
        std::cout << "    " << m.clientId() << (m.groupInstanceId() ? " (static " + *m.groupInstanceId() + ")" : "") << " owns [";
        bool first = true;
        for (const auto& tp : m.assignment().topicPartitions()) {
            std::cout << (first ? "" : ", ") << tp.partition();
            first = false;
        }
        std::cout << "]\n";
    }
}

int main() {
    Cluster cluster(ClusterConfig().brokers(3).seed(42));
    Admin admin(cluster);
    admin.createTopics({NewTopic("orders", 6, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, Properties{{"linger.ms", 0}});
    auto produce = [&](int n) {
        for (int i = 0; i < n; ++i) producer.send(ProducerRecord<std::string, std::string>("orders", i % 6, "k", "order"));
        producer.flush();
    };
    produce(60);

    std::cout << "== 1. One consumer owns every partition ==\n";
    auto a = startConsumer(cluster, "A");
    int done = runFor(cluster, {a.get()}, 5000);
    owners(cluster, "A alone");
    std::cout << "    A processed " << done << " orders\n";

    std::cout << "== 2. Scale out to three (cooperative: only moving partitions are revoked) ==\n";
    auto b = startConsumer(cluster, "B");
    auto c = startConsumer(cluster, "C", "worker-c");
    produce(60);
    runFor(cluster, {a.get(), b.get(), c.get()}, 12000);
    owners(cluster, "A, B, C");

    std::cout << "== 3. B crashes after processing, before committing ==\n";
    produce(30);
    int64_t b_uncommitted = 0;
    for (int i = 0; i < 10; ++i) b_uncommitted += static_cast<int64_t>(b->poll(100ms).count());
    std::cout << "    B processed " << b_uncommitted << " orders it will never commit\n";
    b->simulateCrash();
    runFor(cluster, {a.get(), c.get()}, 4000);
    owners(cluster, "4 s later: B's session (session.timeout.ms = 10 s) has not expired");
    const int redelivered = runFor(cluster, {a.get(), c.get()}, 10000);
    owners(cluster, "B's session expired");
    std::cout << "    A and C processed " << redelivered << " orders again: at-least-once, B's uncommitted work is redone\n";

    std::cout << "== 4. C (static member worker-c) restarts within its session: no rebalance ==\n";
    const int32_t generation = a->groupMetadata().generationId();
    c->close();  // a static member does not leave the group when it closes
    runFor(cluster, {a.get()}, 2000);
    auto c2 = startConsumer(cluster, "C", "worker-c");
    runFor(cluster, {a.get(), c2.get()}, 2000);
    owners(cluster, "C is back");
    std::cout << "    generation " << generation << " before, " << c2->groupMetadata().generationId() << " after\n";

    std::cout << "== 5. Lag: log end offset - committed offset ==\n";
    produce(12);
    std::map<TopicPartition, OffsetSpec> latest;
    for (int p = 0; p < 6; ++p) latest.emplace(TopicPartition("orders", p), OffsetSpec::latest());
    const auto ends = admin.listOffsets(latest).all().get();
    const auto committed = admin.listConsumerGroupOffsets("billing").partitionsToOffsetAndMetadata().get();
    for (const auto& [tp, end] : ends)
        std::cout << "    " << tp.toString() << " end " << end.offset() << " committed " << committed.at(tp).offset() << " lag "
                  << end.offset() - committed.at(tp).offset() << "\n";

    std::cout << "== 6. A is cut off from the network: the group moves on; healed, A finds out and rejoins ==\n";
    cluster.isolateClient("A");
    runFor(cluster, {a.get(), c2.get()}, 12000, false);  // no commits now: A's would time out (its commitSync retries for 60 s)
    owners(cluster, "A's session expired");
    std::cout << "    A still believes it owns " << a->assignment().size() << " partitions: it has heard nothing\n";
    cluster.healClient("A");
    runFor(cluster, {a.get(), c2.get()}, 40000, false);  // A's unanswered requests time out (request.timeout.ms); it rejoins
    owners(cluster, "A is back");

    std::cout << "== 7. Shutdown: closing members revoke their partitions and leave ==\n";
    c2->close();
    a->close();
}

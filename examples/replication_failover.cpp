// A leader dies: the controller notices, shrinks the ISR and elects a new leader; nothing acknowledged with
// acks=all is lost, and the broker rejoins when it comes back.
#include <kstream_sim.hpp>

#include <iostream>
#include <string>

using namespace kstream_sim;
using namespace std::chrono_literals;

int main() {
    Cluster cluster(ClusterConfig().brokers(3).seed(11));
    Admin admin(cluster);
    admin.createTopics({NewTopic("payments", 1, 3).configs({{TopicConfig::MIN_IN_SYNC_REPLICAS_CONFIG, "2"}})}).all().get();
    const TopicPartition tp("payments", 0);
    auto show = [&](const std::string& what) {
        const PartitionState& p = cluster.partition(tp);
        std::cout << "t=" << cluster.nowMs() << " ms  " << what << "\n    leader " << p.leader << ", epoch " << p.leader_epoch << ", isr [";
        for (size_t i = 0; i < p.isr.size(); ++i) std::cout << (i ? "," : "") << p.isr[i];
        std::cout << "], log end offset " << p.log.logEndOffset() << ", high watermark " << p.high_watermark << "\n";
    };

    show("a topic with replication factor 3 and min.insync.replicas=2");
    KafkaProducer<std::string, std::string> producer(cluster, Properties());  // acks=all, idempotent: the defaults
    for (int i = 1; i <= 3; ++i) producer.send(ProducerRecord<std::string, std::string>("payments", "acct-" + std::to_string(i), "100"));
    producer.flush();
    show("3 payments written with acks=all: every replica has them");

    const int32_t old_leader = cluster.leaderFor(tp);
    cluster.crashBroker(old_leader);
    std::cout << "\n-- broker " << old_leader << " crashes --\n";
    auto pending = producer.send(ProducerRecord<std::string, std::string>("payments", "acct-4", "250"));
    cluster.advance(5s);
    show("5 s later: the controller has not noticed yet (broker.session.timeout.ms = 9 s); the send waits");
    std::cout << "    payment 4 acknowledged yet? " << (pending.isDone() ? "yes" : "no") << "\n";
    cluster.advance(5s);
    show("10 s later: broker " + std::to_string(old_leader) + " is fenced, out of the ISR, and a new leader is elected");
    std::cout << "    payment 4 acknowledged at offset " << pending.get().offset() << " (retried to the new leader)\n";

    KafkaConsumer<std::string, std::string> reader(cluster, Properties({{"auto.offset.reset", "earliest"}}));
    reader.assign({tp});
    std::cout << "    a consumer reads from the new leader:";
    for (const auto& r : reader.poll(1s)) std::cout << " " << r.key() << "@" << r.offset();
    std::cout << "\n";

    std::cout << "\n-- broker " << old_leader << " restarts --\n";
    cluster.restartBroker(old_leader);
    cluster.advance(1s);
    show("it fetches what it missed and rejoins the ISR; it is a follower now");
    cluster.advance(300s);
    show("at the next leader-imbalance check (auto.leader.rebalance.enable) the preferred replica leads again");
    std::cout << "\n" << cluster.describe();
}

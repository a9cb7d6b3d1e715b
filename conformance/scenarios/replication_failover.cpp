// Conformance twin of conformance/expected/replication_failover.txt (Java: ReplicationFailover.java).
// Replication factor 3, min.insync.replicas=2: acks=all, then brokers 1 and 2 stopped (NotEnoughReplicasException
// for acks=all, success for acks=1), leader and ISR after the stop and after the brokers return.
#include <kstream_sim.hpp>

#include <iostream>
#include <set>
#include <string>

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {

std::string send(Cluster& cluster, const std::string& acks, const std::string& value) {
    try {
        KafkaProducer<std::string, std::string> p(cluster, Properties({{"acks", acks}, {"retries", 0}, {"enable.idempotence", false},
                                                                       {"delivery.timeout.ms", 10000}, {"request.timeout.ms", 5000},
                                                                       {"linger.ms", 0}}));
        auto md = p.send(ProducerRecord<std::string, std::string>("payments", 0, "k", value)).get();
        return "p" + std::to_string(md.partition()) + "@" + std::to_string(md.offset());
    } catch (const KafkaException& e) {
        return e.name();
    }
}

void describe(Cluster& cluster, const std::string& when, bool ids) {
    std::cout << "# " << when << "\n";
    for (const auto& p : cluster.topic("payments").partitions) {
        const std::set<int32_t> isr(p.isr.begin(), p.isr.end());
        std::string isr_text = "[";
        for (int32_t b : isr) isr_text += (isr_text.size() > 1 ? ", " : "") + std::to_string(b);
        isr_text += "]";
        const std::string leader = ids ? std::to_string(p.leader) : (p.leader == p.replicas.front() ? "preferred" : "other");
        std::cout << "partition " << p.partition << ": replicas=" << p.replicas.size() << " leader=" << leader
                  << " isr=" << (ids ? isr_text : std::to_string(isr.size())) << "\n";
    }
}

// Lets virtual time pass until every partition's ISR has `size` members (as the judge polls describeTopics).
void awaitIsr(Cluster& cluster, size_t size) {
    for (int i = 0; i < 600; ++i) {
        bool ok = true;
        for (const auto& p : cluster.topic("payments").partitions) ok = ok && p.isr.size() == size && p.leader >= 0;
        if (ok) return;
        cluster.advance(100ms);
    }
}

}  // namespace

int main() {
    Cluster cluster(ClusterConfig().brokers(3));
    Admin admin(cluster);
    admin.createTopics({NewTopic("payments", 3, 3).configs({{"min.insync.replicas", "2"}})}).all().get();
    awaitIsr(cluster, 3);
    describe(cluster, "created", false);
    std::cout << "acks=all -> " << send(cluster, "all", "before") << "\n";

    cluster.shutdownBroker(1);
    cluster.shutdownBroker(2);
    awaitIsr(cluster, 1);
    describe(cluster, "brokers 1 and 2 stopped", true);
    std::cout << "acks=all retries=0 -> " << send(cluster, "all", "rejected") << "\n";
    std::cout << "acks=1 -> " << send(cluster, "1", "accepted") << "\n";

    cluster.restartBroker(1);
    cluster.restartBroker(2);
    awaitIsr(cluster, 3);
    describe(cluster, "brokers 1 and 2 back", true);
    std::cout << "acks=all -> " << send(cluster, "all", "after") << "\n";
}

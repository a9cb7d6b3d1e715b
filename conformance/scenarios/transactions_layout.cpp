// Conformance twin of conformance/expected/transactions_layout.txt (Java: TransactionsLayout.java).
// Two transactional producers interleaved on one partition (Kafka's FetcherTest layout): offsets, what
// read_committed and read_uncommitted consumers return, endOffsets per isolation level; then a fenced zombie.
#include <kstream_sim.hpp>

#include <functional>
#include <iostream>
#include <string>

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {

using Producer = KafkaProducer<std::string, std::string>;
using Consumer = KafkaConsumer<std::string, std::string>;
const TopicPartition tp("txn", 0);

Properties transactional(const std::string& id) { return Properties({{"transactional.id", id}, {"linger.ms", 0}}); }

void send(Producer& p, const std::string& value) {
    std::cout << value << " -> offset " << p.send(ProducerRecord<std::string, std::string>("txn", 0, value, value)).get().offset() << "\n";
}

void endOffsets(Cluster& cluster, const std::string& when) {
    for (const char* isolation : {"read_committed", "read_uncommitted"}) {
        Consumer c(cluster, Properties({{"isolation.level", isolation}}));
        std::cout << "endOffsets " << isolation << " (" << when << ") = " << c.endOffsets({tp}).at(tp) << "\n";
    }
}

std::string outcome(const std::function<void()>& call) {
    try {
        call();
        return "ok";
    } catch (const KafkaException& e) {
        return e.name();
    }
}

void readAll(Cluster& cluster, const std::string& isolation, const std::string& title, int64_t from, int64_t until) {
    Consumer c(cluster, Properties({{"isolation.level", isolation}, {"auto.offset.reset", "earliest"}}));
    c.assign({tp});
    c.seek(tp, from);
    std::string line = title;
    for (int i = 0; i < 50 && c.position(tp) < until; ++i)
        for (const auto& r : c.poll(200ms)) line += " " + std::to_string(r.offset()) + "=" + r.value();
    std::cout << line << " position=" << c.position(tp) << "\n";
}

}  // namespace

int main() {
    Cluster cluster(ClusterConfig().brokers(1));
    Admin(cluster).createTopics({NewTopic("txn", 1, 1)}).all().get();
    {
        Producer p1(cluster, transactional("tx-1")), p2(cluster, transactional("tx-2"));
        p1.initTransactions();
        p2.initTransactions();
        p1.beginTransaction();
        p2.beginTransaction();
        send(p1, "commit1-1");
        send(p1, "commit1-2");
        send(p2, "abort2-1");
        endOffsets(cluster, "two transactions open");
        p1.commitTransaction();
        std::cout << "p1 committed\n";
        endOffsets(cluster, "p2's transaction open");
        send(p2, "abort2-2");
        p2.abortTransaction();
        std::cout << "p2 aborted\n";
        p1.beginTransaction();
        p2.beginTransaction();
        send(p1, "abort1-1");
        send(p2, "commit2-1");
        send(p1, "abort1-2");
        p1.abortTransaction();
        std::cout << "p1 aborted\n";
        p2.commitTransaction();
        std::cout << "p2 committed\n";
        endOffsets(cluster, "all decided");
    }
    readAll(cluster, "read_committed", "read_committed:", 0, 11);
    readAll(cluster, "read_uncommitted", "read_uncommitted:", 0, 11);

    {
        Producer zombie(cluster, transactional("tx-z"));
        zombie.initTransactions();
        zombie.beginTransaction();
        zombie.send(ProducerRecord<std::string, std::string>("txn", 0, "z", "zombie-1")).get();
        Producer successor(cluster, transactional("tx-z"));
        successor.initTransactions();
        std::cout << "successor initialised: the zombie's open transaction is aborted\n";
        std::cout << "zombie send -> " << outcome([&] { zombie.send(ProducerRecord<std::string, std::string>("txn", 0, "z", "zombie-2")).get(); }) << "\n";
        std::cout << "zombie commitTransaction -> " << outcome([&] { zombie.commitTransaction(); }) << "\n";
        successor.beginTransaction();
        successor.send(ProducerRecord<std::string, std::string>("txn", 0, "z", "successor")).get();
        successor.commitTransaction();
    }
    Consumer probe(cluster, Properties({{"isolation.level", "read_committed"}}));
    readAll(cluster, "read_committed", "read_committed after the zombie:", 11, probe.endOffsets({tp}).at(tp));
}

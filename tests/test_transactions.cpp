// Transactions: the producer's transactional API and its errors, markers and the last stable offset,
// read_committed, offsets committed with a transaction, fencing, timeouts, and seeded fault plans.
#include "testing.hpp"

#include <map>
#include <set>

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {

using Producer = KafkaProducer<std::string, std::string>;
using Consumer = KafkaConsumer<std::string, std::string>;

Properties transactional(const std::string& id, std::initializer_list<std::pair<const std::string, ConfigValue>> extra = {}) {
    Properties p(extra);
    p.put("transactional.id", id);
    p.put("linger.ms", 0);
    return p;
}

void createTopic(Cluster& cluster, const std::string& name, int32_t partitions, int16_t rf = 1) {
    Admin(cluster).createTopics({NewTopic(name, partitions, rf)}).all().get();
}

// Every value a consumer with `isolation` reads from the start of `topic`, until nothing more comes.
std::vector<std::string> readAll(Cluster& cluster, const std::string& topic, int32_t partitions, const std::string& isolation) {
    Consumer c(cluster, Properties({{"isolation.level", isolation}, {"auto.offset.reset", "earliest"}}));
    std::vector<TopicPartition> tps;
    for (int32_t p = 0; p < partitions; ++p) tps.emplace_back(topic, p);
    c.assign(tps);
    std::vector<std::string> out;
    for (int empty = 0; empty < 3;) {
        auto records = c.poll(100ms);
        empty = records.isEmpty() ? empty + 1 : 0;
        for (const auto& r : records) out.push_back(r.value());
    }
    return out;
}

}  // namespace

TEST_CASE("the transactional API's misuses fail with Kafka's IllegalStateException messages", "[transactions]") {
    Cluster cluster;
    createTopic(cluster, "t", 1);
    Producer plain(cluster, Properties());
    CHECK_THROWS_WITH(plain.beginTransaction(),
                      "Cannot use transactional methods without enabling transactions by setting the transactional.id configuration property");
    Producer p(cluster, transactional("tx"));
    CHECK_THROWS_WITH(p.beginTransaction(), "TransactionalId tx: Invalid transition attempted from state UNINITIALIZED to state IN_TRANSACTION");
    CHECK_THROWS_WITH(p.send(ProducerRecord<std::string, std::string>("t", 0, "k", "v")),
                      "Cannot add partition t-0 to transaction before completing a call to initTransactions");
    p.initTransactions();
    CHECK_THROWS_WITH(p.initTransactions(), "TransactionalId tx: Invalid transition attempted from state READY to state INITIALIZING");
    CHECK_THROWS_WITH(p.send(ProducerRecord<std::string, std::string>("t", 0, "k", "v")),
                      "Cannot add partition t-0 to transaction while in state  READY");  // (two spaces, as Kafka)
    CHECK_THROWS_WITH(p.commitTransaction(), "TransactionalId tx: Invalid transition attempted from state READY to state COMMITTING_TRANSACTION");
    CHECK_THROWS_WITH(p.abortTransaction(), "TransactionalId tx: Invalid transition attempted from state READY to state ABORTING_TRANSACTION");
    CHECK_THROWS_WITH(p.sendOffsetsToTransaction({{TopicPartition("t", 0), OffsetAndMetadata(1)}}, ConsumerGroupMetadata("g", -1, "", std::nullopt)),
                      "Cannot send offsets if a transaction is not in progress (currentState= READY)");
    p.beginTransaction();
    CHECK_THROWS_WITH(p.beginTransaction(), "TransactionalId tx: Invalid transition attempted from state IN_TRANSACTION to state IN_TRANSACTION");
    p.send(ProducerRecord<std::string, std::string>("t", 0, "k", "v")).get();
    p.commitTransaction();  // the misuses did not poison the producer
    CHECK(readAll(cluster, "t", 1, "read_committed") == std::vector<std::string>{"v"});
}

TEST_CASE("interleaved transactions reproduce Kafka's documented offset layout, markers in between", "[transactions]") {
    Cluster cluster;
    createTopic(cluster, "t", 1);
    Producer p1(cluster, transactional("tx-1")), p2(cluster, transactional("tx-2"));
    p1.initTransactions();
    p2.initTransactions();
    auto send = [](Producer& p, const char* v) { return p.send(ProducerRecord<std::string, std::string>("t", 0, v, v)).get().offset(); };
    p1.beginTransaction();
    p2.beginTransaction();
    CHECK(send(p1, "commit1-1") == 0);
    CHECK(send(p1, "commit1-2") == 1);
    CHECK(send(p2, "abort2-1") == 2);
    p1.commitTransaction();  // marker at 3
    CHECK(send(p2, "abort2-2") == 4);
    p2.abortTransaction();  // marker at 5
    p1.beginTransaction();
    p2.beginTransaction();
    CHECK(send(p1, "abort1-1") == 6);
    CHECK(send(p2, "commit2-1") == 7);
    CHECK(send(p1, "abort1-2") == 8);
    p1.abortTransaction();   // marker at 9
    p2.commitTransaction();  // marker at 10
    CHECK(cluster.partition(TopicPartition("t", 0)).log.logEndOffset() == 11);
    CHECK(readAll(cluster, "t", 1, "read_committed") == std::vector<std::string>{"commit1-1", "commit1-2", "commit2-1"});
    CHECK(readAll(cluster, "t", 1, "read_uncommitted") ==
          std::vector<std::string>{"commit1-1", "commit1-2", "abort2-1", "abort2-2", "abort1-1", "commit2-1", "abort1-2"});
}

TEST_CASE("read_committed stops at the last stable offset: the first offset of an open transaction", "[transactions]") {
    Cluster cluster;
    createTopic(cluster, "t", 1);
    const TopicPartition tp("t", 0);
    Producer plain(cluster, Properties({{"linger.ms", 0}}));
    Producer tx(cluster, transactional("tx"));
    tx.initTransactions();
    plain.send(ProducerRecord<std::string, std::string>("t", 0, "k", "before")).get();
    tx.beginTransaction();
    tx.send(ProducerRecord<std::string, std::string>("t", 0, "k", "open")).get();
    plain.send(ProducerRecord<std::string, std::string>("t", 0, "k", "after")).get();

    Consumer committed(cluster, Properties({{"isolation.level", "read_committed"}, {"auto.offset.reset", "earliest"}}));
    Consumer uncommitted(cluster, Properties({{"auto.offset.reset", "earliest"}}));
    CHECK(committed.endOffsets({tp}).at(tp) == 1);  // the LSO
    CHECK(uncommitted.endOffsets({tp}).at(tp) == 3);  // the high watermark
    committed.assign({tp});
    auto first = committed.poll(200ms);
    REQUIRE(first.count() == 1);  // "after" waits behind the open transaction
    CHECK(committed.position(tp) == 1);
    tx.commitTransaction();
    std::vector<std::string> rest;
    for (const auto& r : committed.poll(200ms)) rest.push_back(r.value());
    CHECK(rest == std::vector<std::string>{"open", "after"});
    CHECK(committed.position(tp) == 4);  // past the marker at 3
    committed.seekToEnd({tp});
    CHECK(committed.position(tp) == 4);
}

TEST_CASE("a committed transaction's records appear on all its partitions at once; an aborted one's never", "[transactions]") {
    Cluster cluster(ClusterConfig().brokers(2));
    createTopic(cluster, "orders", 2);
    Producer tx(cluster, transactional("tx"));
    tx.initTransactions();
    Consumer watcher(cluster, Properties({{"isolation.level", "read_committed"}, {"auto.offset.reset", "earliest"}}));
    watcher.assign({TopicPartition("orders", 0), TopicPartition("orders", 1)});
    for (bool commit : {false, true}) {
        tx.beginTransaction();
        tx.send(ProducerRecord<std::string, std::string>("orders", 0, "k", commit ? "c0" : "a0"));
        tx.send(ProducerRecord<std::string, std::string>("orders", 1, "k", commit ? "c1" : "a1"));
        tx.flush();
        std::set<std::string> seen;
        for (const auto& r : watcher.poll(50ms)) seen.insert(r.value());
        CHECK(seen.empty());  // written, not decided
        if (commit) tx.commitTransaction();
        else tx.abortTransaction();
        for (int ms = 0; ms < 20 && seen.size() < 2; ++ms)
            for (const auto& r : watcher.poll(1ms)) seen.insert(r.value());
        INFO("commit=" << commit);
        CHECK(seen == (commit ? std::set<std::string>{"c0", "c1"} : std::set<std::string>{}));
    }
}

TEST_CASE("offsets sent with a transaction are committed if and only if it commits", "[transactions]") {
    Cluster cluster;
    createTopic(cluster, "in", 1);
    createTopic(cluster, "out", 1);
    const TopicPartition in("in", 0);
    Consumer consumer(cluster, Properties({{"group.id", "g"}, {"enable.auto.commit", false}, {"auto.offset.reset", "earliest"},
                                           {"isolation.level", "read_committed"}}));
    consumer.subscribe({"in"});
    Producer source(cluster, Properties({{"linger.ms", 0}}));
    for (int i = 0; i < 4; ++i) source.send(ProducerRecord<std::string, std::string>("in", 0, "k", std::to_string(i))).get();
    Producer tx(cluster, transactional("pipeline"));
    tx.initTransactions();
    auto records = consumer.poll(5s);
    REQUIRE(records.count() == 4);

    tx.beginTransaction();
    tx.send(ProducerRecord<std::string, std::string>("out", 0, "k", "x"));
    tx.sendOffsetsToTransaction({{in, OffsetAndMetadata(2)}}, consumer.groupMetadata());
    tx.abortTransaction();
    CHECK_FALSE(consumer.committed({in}).at(in).has_value());

    tx.beginTransaction();
    tx.send(ProducerRecord<std::string, std::string>("out", 0, "k", "y"));
    tx.sendOffsetsToTransaction({{in, OffsetAndMetadata(4)}}, consumer.groupMetadata());
    tx.commitTransaction();
    REQUIRE(consumer.committed({in}).at(in).has_value());
    CHECK(consumer.committed({in}).at(in)->offset() == 4);
    CHECK(readAll(cluster, "out", 1, "read_committed") == std::vector<std::string>{"y"});
}

TEST_CASE("a fenced zombie cannot write: its open transaction is aborted and its next calls fail", "[transactions]") {
    Cluster cluster;
    createTopic(cluster, "t", 2);
    Producer zombie(cluster, transactional("tx"));
    zombie.initTransactions();
    zombie.beginTransaction();
    zombie.send(ProducerRecord<std::string, std::string>("t", 0, "k", "zombie-1")).get();
    Producer successor(cluster, transactional("tx"));
    successor.initTransactions();  // bumps the epoch: the zombie is fenced, its transaction aborted
    CHECK_THROWS_AS(zombie.send(ProducerRecord<std::string, std::string>("t", 0, "k", "zombie-2")).get(), InvalidProducerEpochException);
    CHECK_THROWS_AS(zombie.commitTransaction(), InvalidProducerEpochException);
    // A partition the zombie never wrote to: its AddPartitionsToTxn is refused by the coordinator.
    Producer zombie2(cluster, transactional("tx2"));
    zombie2.initTransactions();
    zombie2.beginTransaction();
    Producer successor2(cluster, transactional("tx2"));
    successor2.initTransactions();
    auto refused = zombie2.send(ProducerRecord<std::string, std::string>("t", 1, "k", "zombie-3"));
    CHECK_THROWS_AS(refused.get(), ProducerFencedException);
    CHECK_THROWS_AS(zombie2.commitTransaction(), ProducerFencedException);
    CHECK(readAll(cluster, "t", 2, "read_committed").empty());
    CHECK(readAll(cluster, "t", 2, "read_uncommitted") == std::vector<std::string>{"zombie-1"});
}

TEST_CASE("transaction.timeout.ms: the coordinator aborts the transaction of a producer that crashed in it", "[transactions]") {
    Cluster cluster;
    createTopic(cluster, "t", 1);
    const TopicPartition tp("t", 0);
    {
        Producer crashed(cluster, transactional("tx", {{"transaction.timeout.ms", 10000}}));
        crashed.initTransactions();
        crashed.beginTransaction();
        crashed.send(ProducerRecord<std::string, std::string>("t", 0, "k", "half-done")).get();
        crashed.simulateCrash();
    }
    Consumer c(cluster, Properties({{"isolation.level", "read_committed"}}));
    CHECK(c.endOffsets({tp}).at(tp) == 0);  // the open transaction holds the LSO
    cluster.advance(11s);
    CHECK(c.endOffsets({tp}).at(tp) == 2);  // aborted: record and marker are stable
    CHECK(cluster.transaction("tx")->state == TransactionState::CompleteAbort);
    CHECK(readAll(cluster, "t", 1, "read_committed").empty());
}

TEST_CASE("read_committed never returns records of aborted or unfinished transactions under seeded fault plans",
          "[transactions][faults]") {
    for (uint64_t seed = 1; seed <= 12; ++seed) {
        Cluster cluster(ClusterConfig().brokers(3).seed(seed));
        Admin(cluster).createTopics({NewTopic("t", 2, 3).configs({{"min.insync.replicas", "2"}})}).all().get();
        RandomFaultOptions faults;
        faults.duration = 5s;
        faults.broker_failures = 2;
        faults.dropped_responses = 2;
        faults.dropped_requests = 1;
        FaultPlan::random(seed, faults).scheduleOn(cluster);
        Random rnd(seed);
        // A transaction whose commitTransaction() threw has an unknown outcome (as in Kafka): all or nothing.
        std::vector<std::vector<std::string>> committed, uncertain;
        std::unique_ptr<Producer> producer;
        auto restart = [&] {  // a new instance of the application: it fences the old one and aborts its transaction
            if (producer) producer->simulateCrash();
            producer = std::make_unique<Producer>(cluster, transactional("tx", {{"request.timeout.ms", 2000}, {"max.block.ms", 10000}}));
            for (int attempt = 0;; ++attempt) {
                try {
                    return producer->initTransactions();
                } catch (const TimeoutException&) {
                    REQUIRE(attempt < 10);
                }
            }
        };
        restart();
        for (int txn = 0; txn < 30; ++txn) {
            std::vector<std::string> values;
            const int outcome = static_cast<int>(rnd.nextBelow(4));  // 0, 1: commit; 2: abort; 3: crash
            bool failed = false;
            try {
                producer->beginTransaction();
                for (int i = 0; i < 4; ++i) {
                    values.push_back("txn" + std::to_string(txn) + "-" + std::to_string(i));
                    producer->send(ProducerRecord<std::string, std::string>("t", i % 2, "k", values.back()));
                }
                cluster.advance(Millis(rnd.nextBetween(1, 300)));
                if (outcome <= 1) producer->commitTransaction();
                if (outcome == 2) producer->abortTransaction();
                if (outcome <= 1) committed.push_back(values);
            } catch (const KafkaException&) {
                failed = true;
                if (outcome <= 1) uncertain.push_back(values);
            }
            if (failed || outcome == 3) restart();
        }
        cluster.healNetwork();
        for (int32_t b = 0; b < 3; ++b) cluster.restartBroker(b);
        cluster.advance(30s);
        const auto read = readAll(cluster, "t", 2, "read_committed");
        INFO("seed " << seed << "\n" << FaultPlan::random(seed, faults).describe());
        std::set<std::string> seen(read.begin(), read.end());
        CHECK(seen.size() == read.size());  // no duplicates
        size_t expected = 0;
        for (const auto& values : committed) {
            for (const auto& v : values) CHECK(seen.count(v) == 1);
            expected += values.size();
        }
        for (const auto& values : uncertain) {
            size_t present = 0;
            for (const auto& v : values) present += seen.count(v);
            CHECK((present == 0 || present == values.size()));
            expected += present;
        }
        CHECK(seen.size() == expected);  // nothing from aborted, crashed or unfinished transactions
    }
}

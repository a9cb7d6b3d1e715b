// Replication and failures: followers, ISR, high watermark, acks, elections, truncation, fault injection,
// and the delivery guarantees of the producer with and without idempotence under seeded fault plans.
#include "testing.hpp"

#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {

using StringProducer = KafkaProducer<std::string, std::string>;

void createTopic(Cluster& cluster, const std::string& name, int32_t partitions, int16_t rf,
                 std::map<std::string, std::string> configs = {}) {
    Admin admin(cluster);
    admin.createTopics({NewTopic(name, partitions, rf).configs(configs)}).all().get();
}

Properties producerProps(std::initializer_list<std::pair<const std::string, ConfigValue>> extra = {}) { return Properties(extra); }

// The values in a partition's log (the current leader's), in offset order.
std::vector<std::string> logValues(const Cluster& cluster, const TopicPartition& tp) {
    std::vector<std::string> out;
    for (const auto& b : cluster.partition(tp).log.batches())
        for (const auto& r : b.records()) {
            ByteView v = r.value();
            out.emplace_back(reinterpret_cast<const char*>(v.data), static_cast<size_t>(v.size));
        }
    return out;
}

}  // namespace

TEST_CASE("acks=all is acknowledged once every in-sync follower has the batch; acks=1 once the leader has it", "[replication]") {
    Cluster cluster(ClusterConfig().brokers(3).networkLatency(1ms));
    createTopic(cluster, "t", 1, 3);
    StringProducer all(cluster, producerProps({{"acks", "all"}, {"linger.ms", 0}}));
    StringProducer one(cluster, producerProps({{"acks", "1"}, {"linger.ms", 0}}));
    all.partitionsFor("t");
    one.partitionsFor("t");
    cluster.runUntilIdle();

    int64_t start = cluster.nowMs();
    one.send(ProducerRecord<std::string, std::string>("t", "k", "v1")).get();
    CHECK(cluster.nowMs() - start == 2);  // one round trip
    cluster.runUntilIdle();

    start = cluster.nowMs();
    all.send(ProducerRecord<std::string, std::string>("t", "k", "v2")).get();
    // request (1 ms), followers' parked fetches answered (1 ms), their next fetches tell the leader (1 ms),
    // response (1 ms).
    CHECK(cluster.nowMs() - start == 4);
    const auto& p = cluster.partition(TopicPartition("t", 0));
    CHECK(p.high_watermark == 2);
    CHECK(p.isr.size() == 3);
}

TEST_CASE("consumers read only below the high watermark", "[replication]") {
    Cluster cluster(ClusterConfig().brokers(3));
    createTopic(cluster, "t", 1, 3);
    const int32_t leader = cluster.leaderFor(TopicPartition("t", 0));
    const int32_t follower = cluster.partition(TopicPartition("t", 0)).replicas[1];
    cluster.isolateBroker(follower);  // cannot fetch: the high watermark cannot pass what it has
    StringProducer producer(cluster, producerProps({{"acks", "1"}, {"linger.ms", 0}}));
    producer.send(ProducerRecord<std::string, std::string>("t", "k", "v")).get();
    const auto& p = cluster.partition(TopicPartition("t", 0));
    CHECK(p.leader == leader);
    CHECK(p.log.logEndOffset() == 1);
    CHECK(p.high_watermark == 0);

    KafkaConsumer<std::string, std::string> consumer(cluster, Properties({{"auto.offset.reset", "earliest"}}));
    consumer.assign({TopicPartition("t", 0)});
    CHECK(consumer.poll(100ms).isEmpty());
    CHECK(consumer.endOffsets({TopicPartition("t", 0)}).at(TopicPartition("t", 0)) == 0);

    // After replica.lag.time.max.ms (30 s) the leader drops the silent follower from the ISR.
    cluster.advance(45s);
    CHECK(p.isr.size() == 2);
    CHECK(p.high_watermark == 1);
    CHECK(consumer.poll(100ms).count() == 1);
}

TEST_CASE("acks=all fails with NotEnoughReplicasException below min.insync.replicas, acks=1 still succeeds", "[replication]") {
    Cluster cluster(ClusterConfig().brokers(3));
    createTopic(cluster, "t", 1, 3, {{"min.insync.replicas", "2"}});
    // retries=0 (so idempotence, left implicit, is off): the broker's error reaches the application at once.
    StringProducer all(cluster, producerProps({{"acks", "all"}, {"retries", 0}, {"linger.ms", 0}}));
    CHECK(all.send(ProducerRecord<std::string, std::string>("t", "k", "before")).get().offset() == 0);

    const auto replicas = cluster.partition(TopicPartition("t", 0)).replicas;
    cluster.shutdownBroker(replicas[1]);
    cluster.shutdownBroker(replicas[2]);
    CHECK(cluster.partition(TopicPartition("t", 0)).isr == std::vector<int32_t>{replicas[0]});

    auto failed = all.send(ProducerRecord<std::string, std::string>("t", "k", "rejected"));
    CHECK_THROWS_AS(failed.get(), NotEnoughReplicasException);
    StringProducer one(cluster, producerProps({{"acks", "1"}, {"enable.idempotence", false}, {"linger.ms", 0}}));
    CHECK(one.send(ProducerRecord<std::string, std::string>("t", "k", "accepted")).get().offset() == 1);
    CHECK(logValues(cluster, TopicPartition("t", 0)) == std::vector<std::string>{"before", "accepted"});
}

TEST_CASE("a crashed leader is replaced from the ISR after broker.session.timeout.ms, with a new leader epoch", "[replication]") {
    Cluster cluster(ClusterConfig().brokers(3));
    createTopic(cluster, "t", 1, 3);
    const TopicPartition tp("t", 0);
    const auto before = cluster.partition(tp);
    cluster.crashBroker(before.leader);
    cluster.advance(8s);
    CHECK(cluster.partition(tp).leader == before.leader);  // not noticed yet
    cluster.advance(2s);
    const auto& after = cluster.partition(tp);
    CHECK(after.leader == before.replicas[1]);  // the next replica in assignment order that is in the ISR
    CHECK(after.leader_epoch == before.leader_epoch + 1);
    CHECK(std::find(after.isr.begin(), after.isr.end(), before.leader) == after.isr.end());

    cluster.restartBroker(before.leader);
    cluster.advance(1s);
    CHECK(cluster.partition(tp).isr.size() == 3);  // caught up, back in the ISR
    CHECK(cluster.partition(tp).leader == before.replicas[1]);
    // auto.leader.rebalance.enable: the preferred leader gets its partition back at the next check (300 s).
    cluster.advance(300s);
    CHECK(cluster.partition(tp).leader == before.leader);
}

TEST_CASE("a returning broker truncates the records its new leader never had", "[replication]") {
    Cluster cluster(ClusterConfig().brokers(3));
    createTopic(cluster, "t", 1, 3);
    const TopicPartition tp("t", 0);
    const auto replicas = cluster.partition(tp).replicas;
    StringProducer producer(cluster, producerProps({{"acks", "1"}, {"enable.idempotence", false}, {"linger.ms", 0}}));
    producer.send(ProducerRecord<std::string, std::string>("t", "k", "replicated")).get();
    cluster.runUntilIdle();
    // The followers are cut off; the leader takes a write only it has (acks=1), then crashes.
    cluster.isolateBroker(replicas[1]);
    cluster.isolateBroker(replicas[2]);
    CHECK(producer.send(ProducerRecord<std::string, std::string>("t", "k", "only-on-the-leader")).get().offset() == 1);
    cluster.crashBroker(replicas[0]);
    cluster.healBroker(replicas[1]);
    cluster.healBroker(replicas[2]);
    cluster.advance(10s);
    CHECK(cluster.partition(tp).leader == replicas[1]);
    producer.send(ProducerRecord<std::string, std::string>("t", "k", "after-failover")).get();
    cluster.restartBroker(replicas[0]);
    cluster.advance(1s);
    // The old leader's offset 1 diverged: it was truncated and replaced by the new leader's record.
    CHECK(logValues(cluster, tp) == std::vector<std::string>{"replicated", "after-failover"});
    const auto& p = cluster.partition(tp);
    CHECK(p.isr.size() == 3);
    CHECK(p.logOf(replicas[0]).logEndOffset() == 2);
}

TEST_CASE("unclean leader election lets an out-of-sync replica lead and loses acknowledged records", "[replication]") {
    for (bool unclean : {false, true}) {
        Cluster cluster(ClusterConfig().brokers(2));
        createTopic(cluster, "t", 1, 2, {{"unclean.leader.election.enable", unclean ? "true" : "false"}});
        const TopicPartition tp("t", 0);
        const auto replicas = cluster.partition(tp).replicas;
        StringProducer producer(cluster, producerProps({{"acks", "all"}, {"linger.ms", 0}, {"delivery.timeout.ms", 5000}, {"request.timeout.ms", 2000}}));
        producer.send(ProducerRecord<std::string, std::string>("t", "k", "both")).get();
        cluster.shutdownBroker(replicas[1]);  // out of the ISR
        producer.send(ProducerRecord<std::string, std::string>("t", "k", "leader-only")).get();  // acknowledged by the ISR {leader}
        cluster.shutdownBroker(replicas[0]);
        cluster.restartBroker(replicas[1]);
        cluster.advance(1s);
        INFO("unclean.leader.election.enable=" << unclean);
        if (!unclean) {
            CHECK(cluster.partition(tp).leader == -1);  // offline until the last in-sync replica returns
        } else {
            CHECK(cluster.partition(tp).leader == replicas[1]);
            CHECK(logValues(cluster, tp) == std::vector<std::string>{"both"});  // "leader-only" is lost
        }
    }
}

TEST_CASE("network faults drop, delay and duplicate the messages a filter names", "[replication][faults]") {
    Cluster cluster(ClusterConfig().brokers(1).networkLatency(1ms));
    createTopic(cluster, "t", 1, 1);
    StringProducer producer(cluster, producerProps({{"client.id", "p"}, {"acks", "1"}, {"enable.idempotence", false}, {"linger.ms", 0}}));
    producer.partitionsFor("t");
    cluster.delayNext(MessageFilter::responses(ApiKey::Produce).client("p"), 50ms);
    const int64_t start = cluster.nowMs();
    producer.send(ProducerRecord<std::string, std::string>("t", "k", "a")).get();
    CHECK(cluster.nowMs() - start == 52);
    cluster.duplicateNext(MessageFilter::requests(ApiKey::Produce).client("p"));
    CHECK(producer.send(ProducerRecord<std::string, std::string>("t", "k", "b")).get().offset() == 1);
    cluster.runUntilIdle();
    CHECK(logValues(cluster, TopicPartition("t", 0)) == std::vector<std::string>{"a", "b", "b"});
    cluster.dropNext(MessageFilter::requests(ApiKey::Produce).client("someone-else"));
    CHECK(producer.send(ProducerRecord<std::string, std::string>("t", "k", "c")).get().offset() == 3);  // not ours: untouched
}

TEST_CASE("a lost acknowledgement makes a duplicate without idempotence, and none with it", "[replication][idempotence]") {
    for (bool idempotent : {false, true}) {
        Cluster cluster(ClusterConfig().brokers(3));
        createTopic(cluster, "t", 1, 3);
        StringProducer producer(cluster, producerProps({{"client.id", "p"}, {"enable.idempotence", idempotent}, {"acks", "all"},
                                                        {"linger.ms", 0}, {"request.timeout.ms", 1000}}));
        producer.partitionsFor("t");
        cluster.dropNext(MessageFilter::responses(ApiKey::Produce).client("p"));
        auto md = producer.send(ProducerRecord<std::string, std::string>("t", "k", "once")).get();
        INFO("enable.idempotence=" << idempotent);
        CHECK(md.offset() == (idempotent ? 0 : 1));  // idempotent: the retry is answered with the first offsets
        CHECK(logValues(cluster, TopicPartition("t", 0)) ==
              (idempotent ? std::vector<std::string>{"once"} : std::vector<std::string>{"once", "once"}));
    }
}

TEST_CASE("retries with several requests in flight reorder records without idempotence, never with it", "[replication][idempotence]") {
    for (bool idempotent : {false, true}) {
        Cluster cluster(ClusterConfig().brokers(2));
        createTopic(cluster, "t", 1, 2);
        const TopicPartition tp("t", 0);
        StringProducer producer(cluster, producerProps({{"enable.idempotence", idempotent}, {"acks", idempotent ? "all" : "1"},
                                                        {"linger.ms", 0}, {"max.in.flight.requests.per.connection", 5}}));
        producer.send(ProducerRecord<std::string, std::string>("t", "k", "0")).get();
        cluster.runUntilIdle();
        producer.send(ProducerRecord<std::string, std::string>("t", "k", "1"));
        cluster.advance(0ms);  // "1" is on its way to the leader...
        cluster.shutdownBroker(cluster.leaderFor(tp));  // ...which stops: leadership moves at once
        for (const char* v : {"2", "3"}) {
            producer.send(ProducerRecord<std::string, std::string>("t", "k", v));  // to the new leader
            cluster.advance(1ms);
        }
        producer.flush();
        INFO("enable.idempotence=" << idempotent);
        // "1" failed (the connection closed) and was retried after retry.backoff.ms, behind "2" and "3"; the
        // idempotent producer's "2" and "3" were refused as out of sequence and went again after "1".
        CHECK(logValues(cluster, tp) == (idempotent ? std::vector<std::string>{"0", "1", "2", "3"} : std::vector<std::string>{"0", "2", "3", "1"}));
    }
}

TEST_CASE("a partition log finds the batch holding any offset and reads whole batches from it", "[replication]") {
    PartitionLog log;
    auto batchOf = [](int32_t records, int64_t base) {
        auto payload = std::make_shared<BatchPayload>();
        for (int32_t i = 0; i < records; ++i) payload->append(0, ByteView{}, ByteView{}, nullptr);
        StoredBatch b;
        b.base_offset = base;
        b.payload = payload;
        return b;
    };
    for (int32_t i = 0; i < 40; ++i) log.append(batchOf(1 + i % 4, 0));
    log.appendAt(batchOf(2, log.logEndOffset() + 3));  // a gap before the last batch (as after compaction)
    const auto& batches = log.batches();
    for (int64_t offset = -1; offset <= log.logEndOffset() + 1; ++offset) {
        size_t expected = 0;  // the first batch that ends after `offset`
        while (expected < batches.size() && batches[expected].nextOffset() <= offset) ++expected;
        INFO("offset " << offset);
        CHECK(log.batchIndexFor(offset) == expected);
        const auto read = log.read(offset, log.logEndOffset(), 1);  // at least one batch, whatever max_bytes
        CHECK(read.size() == (expected < batches.size() ? 1u : 0u));
        if (!read.empty()) CHECK(read.front().base_offset == batches[expected].base_offset);
    }
    CHECK(log.read(0, log.logEndOffset(), INT64_MAX).size() == batches.size());
    CHECK(log.read(0, batches[10].base_offset, INT64_MAX).size() == 10);  // up to end_offset
}

TEST_CASE("an acks=all request times out for the batches whose followers did not catch up, and only for those", "[replication][faults]") {
    Cluster cluster(ClusterConfig().brokers(2).networkLatency(1ms));
    createTopic(cluster, "t", 1, 2);
    const TopicPartition tp("t", 0);
    const int32_t leader = cluster.leaderFor(tp);
    cluster.dropAll(MessageFilter::requests(ApiKey::Fetch).broker(leader));  // the follower stays in the ISR, but gets nothing
    auto payload = std::make_shared<BatchPayload>();
    payload->append(0, ByteView{}, ByteView{}, nullptr);
    std::optional<std::vector<ProducePartitionResult>> results;
    cluster.handleProduce(leader, {ProduceEntry{tp, payload, {}}, ProduceEntry{TopicPartition("t", 5), payload, {}}}, -1, 1000,
                          [&](std::vector<ProducePartitionResult> r) { results = std::move(r); }, {});
    cluster.advance(999ms);
    CHECK_FALSE(results);
    cluster.advance(1ms);
    REQUIRE(results);
    REQUIRE(results->size() == 2);
    CHECK_THROWS_WITH(std::rethrow_exception(results->at(0).error), "Request timed out");
    CHECK_THROWS_AS(std::rethrow_exception(results->at(1).error), UnknownTopicOrPartitionException);  // failed at once, not waiting
    CHECK(cluster.partition(tp).log.logEndOffset() == 1);
}

TEST_CASE("a follower whose fetch request is lost fetches again after replica.socket.timeout.ms (30 s)", "[replication][faults]") {
    Cluster cluster(ClusterConfig().brokers(2).networkLatency(1ms));
    createTopic(cluster, "t", 1, 2);
    const TopicPartition tp("t", 0);
    const int32_t leader = cluster.leaderFor(tp);
    const int32_t follower = cluster.partition(tp).replicas.at(0) == leader ? cluster.partition(tp).replicas.at(1) : cluster.partition(tp).replicas.at(0);
    StringProducer producer(cluster, producerProps({{"acks", "1"}, {"linger.ms", 0}}));
    producer.send(ProducerRecord<std::string, std::string>("t", "k", "a")).get();
    cluster.runUntilIdle();  // the follower has "a"; its next fetch waits at the leader
    // "b" answers the waiting fetch; the follower's next fetch is lost, so "c" reaches it only when it asks again.
    cluster.dropNext(MessageFilter::requests(ApiKey::Fetch).broker(leader));
    producer.send(ProducerRecord<std::string, std::string>("t", "k", "b")).get();
    cluster.advance(5ms);
    CHECK(cluster.partition(tp).logOf(follower).logEndOffset() == 2);
    producer.send(ProducerRecord<std::string, std::string>("t", "k", "c")).get();
    cluster.advance(29s);
    CHECK(cluster.partition(tp).logOf(follower).logEndOffset() == 2);
    cluster.advance(1s);
    CHECK(cluster.partition(tp).logOf(follower).logEndOffset() == 3);
}

TEST_CASE("the leader answers a sequence gap with OutOfOrderSequenceException and an exact retry with its first offsets", "[replication][idempotence]") {
    Cluster cluster(ClusterConfig().brokers(1));
    createTopic(cluster, "t", 1, 1);
    auto payload = std::make_shared<BatchPayload>();
    payload->append(0, ByteView{}, ByteView{}, nullptr);
    payload->append(0, ByteView{}, ByteView{}, nullptr);
    auto produce = [&](int32_t sequence, int16_t epoch = 0) {
        ProducePartitionResult out;
        cluster.handleProduce(0, {ProduceEntry{TopicPartition("t", 0), payload, ProducerIdentity{7, epoch, sequence, false}}}, 1, 1000,
                              [&](std::vector<ProducePartitionResult> r) { out = r.at(0); }, {});
        return out;
    };
    CHECK(produce(0).base_offset == 0);
    CHECK(produce(2).base_offset == 2);
    CHECK(produce(0).base_offset == 0);  // a duplicate: not written again
    const auto gap = produce(6);
    REQUIRE(gap.error);
    CHECK_THROWS_WITH(std::rethrow_exception(gap.error),
                      "Out of order sequence number for producer 7 at offset 4 in partition t-0: 6 (incoming seq. number), 3 (current end sequence number)");
    CHECK_THROWS_AS(std::rethrow_exception(produce(4, -1).error), InvalidProducerEpochException);
    CHECK(cluster.partition(TopicPartition("t", 0)).log.logEndOffset() == 4);
}

namespace {

// One run of the producer under a seeded fault plan; what the log holds afterwards, per partition.
struct Outcome {
    std::map<int32_t, std::vector<std::string>> sent;  // acknowledged, in send order, per partition
    std::map<int32_t, std::vector<std::string>> log;
    int failed = 0;
};

Outcome runUnderFaults(uint64_t seed, Properties props, const RandomFaultOptions& faults, Millis send_interval = Millis(50)) {
    Cluster cluster(ClusterConfig().brokers(3).seed(seed).networkJitter(2ms));
    createTopic(cluster, "t", 2, 3, {{"min.insync.replicas", "2"}});
    props.put("client.id", "p");
    props.put("request.timeout.ms", 2000);
    props.put("delivery.timeout.ms", 600000);
    StringProducer producer(cluster, props);
    FaultPlan::random(seed, faults).scheduleOn(cluster);
    Outcome out;
    std::vector<std::pair<std::string, Future<RecordMetadata>>> futures;
    for (int i = 0; i < 400; ++i) {
        const std::string value = "r" + std::to_string(i);
        futures.emplace_back(value, producer.send(ProducerRecord<std::string, std::string>("t", std::to_string(i % 2), value)));
        cluster.advance(send_interval);
    }
    producer.flush();
    for (auto& [value, f] : futures) {
        try {
            out.sent[f.get().partition()].push_back(value);
        } catch (const KafkaException& e) {
            if (getenv("SHOW_FAILURES")) std::cerr << "seed " << seed << ": " << value << ": " << e.name() << ": " << e.what() << "\n";
            ++out.failed;
        }
    }
    cluster.healNetwork();
    for (int32_t b = 0; b < 3; ++b) cluster.restartBroker(b);
    cluster.advance(60s);
    for (int32_t p = 0; p < 2; ++p) out.log[p] = logValues(cluster, TopicPartition("t", p));
    return out;
}

// Every acknowledged record exactly once in the log, and in send order.
std::string exactlyOnceInOrder(const Outcome& o) {
    for (const auto& [partition, acked] : o.sent) {
        const auto& log = o.log.at(partition);
        std::map<std::string, int> copies;
        for (const auto& v : log) ++copies[v];
        std::vector<std::string> acked_in_log;
        for (const auto& v : log)
            if (std::find(acked.begin(), acked.end(), v) != acked.end()) acked_in_log.push_back(v);
        for (const auto& v : acked) {
            if (copies[v] == 0) return "lost " + v + " on partition " + std::to_string(partition);
            if (copies[v] > 1) return "duplicated " + v + " on partition " + std::to_string(partition);
        }
        if (acked_in_log != acked) return "reordered on partition " + std::to_string(partition);
    }
    return "";
}

}  // namespace

TEST_CASE("idempotent acks=all writes every acknowledged record exactly once and in order under any single broker failure",
          "[replication][idempotence][faults]") {
    RandomFaultOptions faults;
    faults.duration = 20s;
    faults.broker_failures = 2;
    for (uint64_t seed = 1; seed <= 30; ++seed) {
        INFO("seed " << seed << "\n" << FaultPlan::random(seed, faults).describe());
        const Outcome o = runUnderFaults(seed, producerProps(), faults);
        CHECK(o.failed == 0);
        CHECK(exactlyOnceInOrder(o) == "");
    }
}

TEST_CASE("the checkers fail without the guarantees: duplicates, reordering and lost acknowledged records", "[replication][faults]") {
    RandomFaultOptions faults;
    faults.duration = 20s;
    faults.broker_failures = 2;
    faults.dropped_responses = 5;
    int duplicated = 0, reordered = 0, lost = 0;
    for (uint64_t seed = 1; seed <= 30; ++seed) {
        const std::string no_idempotence = exactlyOnceInOrder(runUnderFaults(
            seed, producerProps({{"enable.idempotence", false}, {"acks", "all"}, {"max.in.flight.requests.per.connection", 5}}), faults));
        duplicated += no_idempotence.rfind("duplicated", 0) == 0;
        reordered += no_idempotence.rfind("reordered", 0) == 0;
        // acks=1 at a record a millisecond: a leader that fails takes the records its followers had not copied yet.
        RandomFaultOptions fast = faults;
        fast.duration = 400ms;
        fast.broker_failures = 1;
        fast.dropped_requests = fast.dropped_responses = fast.duplicated_requests = 0;
        const std::string acks1 =
            exactlyOnceInOrder(runUnderFaults(seed, producerProps({{"enable.idempotence", false}, {"acks", "1"}}), fast, 1ms));
        lost += acks1.rfind("lost", 0) == 0;
    }
    CHECK(duplicated > 0);
    CHECK(reordered > 0);
    CHECK(lost > 0);
}

TEST_CASE("fault plans are reproducible and describe themselves", "[faults]") {
    RandomFaultOptions faults;
    CHECK(FaultPlan::random(5, faults).describe() == FaultPlan::random(5, faults).describe());
    CHECK(FaultPlan::random(5, faults).describe() != FaultPlan::random(6, faults).describe());
    FaultPlan plan;
    plan.crashBroker(100ms, 0).restartBroker(12s, 0).dropNext(150ms, MessageFilter::responses(ApiKey::Produce).client("p"));
    CHECK(plan.describe() == "t=+100 ms: crash broker 0\nt=+150 ms: drop the next PRODUCE response to p\nt=+12000 ms: restart broker 0\n");
}

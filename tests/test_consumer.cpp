// KafkaConsumer: positions, auto.offset.reset, poll on the virtual clock, seeks, commits, auto-commit.
#include "testing.hpp"

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {
struct Fixture {
    Cluster cluster{ClusterConfig().brokers(3).seed(7)};
    Admin admin{cluster};

    explicit Fixture(int partitions = 1) { admin.createTopics({NewTopic("t", partitions, 1)}).all().get(); }

    void produce(int count, int32_t partition = 0, const std::string& prefix = "v") {
        KafkaProducer<std::string, std::string> producer(cluster, Properties{{"linger.ms", 0}});
        for (int i = 0; i < count; ++i)
            producer.send(ProducerRecord<std::string, std::string>("t", partition, "k" + std::to_string(i), prefix + std::to_string(i)));
        producer.flush();
    }
    Properties consumerProps(std::initializer_list<std::pair<const std::string, ConfigValue>> extra = {}) {
        Properties p(extra);
        return p;
    }
};

std::vector<std::string> values(const ConsumerRecords<std::string, std::string>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.value());
    return out;
}
}  // namespace

TEST_CASE("an assigned consumer reads from earliest with auto.offset.reset=earliest", "[consumer]") {
    Fixture f;
    f.produce(3);
    KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps({{"auto.offset.reset", "earliest"}}));
    consumer.assign({TopicPartition("t", 0)});
    auto records = consumer.poll(1s);
    CHECK(values(records) == std::vector<std::string>{"v0", "v1", "v2"});
    CHECK(consumer.position(TopicPartition("t", 0)) == 3);
}

TEST_CASE("auto.offset.reset=latest skips what is already there", "[consumer]") {
    Fixture f;
    f.produce(3);
    KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps());
    consumer.assign({TopicPartition("t", 0)});
    CHECK(consumer.poll(100ms).isEmpty());
    CHECK(consumer.position(TopicPartition("t", 0)) == 3);
    f.produce(1, 0, "new");
    CHECK(values(consumer.poll(1s)) == std::vector<std::string>{"new0"});
}

TEST_CASE("auto.offset.reset=none without a committed offset throws NoOffsetForPartitionException", "[consumer]") {
    Fixture f;
    KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps({{"auto.offset.reset", "none"}, {"group.id", "g"}}));
    consumer.assign({TopicPartition("t", 0)});
    try {
        consumer.poll(100ms);
        FAIL("expected NoOffsetForPartitionException");
    } catch (const NoOffsetForPartitionException& e) {
        CHECK(std::string(e.what()) == "Undefined offset with no reset policy for partitions: [t-0]");
    }
}

TEST_CASE("poll waits in virtual time for records, at most its timeout", "[consumer]") {
    Fixture f;
    KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps({{"auto.offset.reset", "earliest"}}));
    consumer.assign({TopicPartition("t", 0)});
    const int64_t start = f.cluster.now().count();
    CHECK(consumer.poll(250ms).isEmpty());
    CHECK(f.cluster.now().count() == start + 250);
    // A record produced 100 ms into the next poll is returned then, not at the timeout.
    f.cluster.scheduler().after(100, [&f] {
        KafkaProducer<std::string, std::string> p(f.cluster, Properties{{"linger.ms", 0}});
        p.send(ProducerRecord<std::string, std::string>("t", "k", "late"));
    });
    const int64_t before = f.cluster.now().count();
    auto records = consumer.poll(10s);
    CHECK(values(records) == std::vector<std::string>{"late"});
    CHECK(f.cluster.now().count() < before + 500);
}

TEST_CASE("max.poll.records caps each poll, and the next poll continues", "[consumer]") {
    Fixture f;
    f.produce(10);
    KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps({{"auto.offset.reset", "earliest"}, {"max.poll.records", 4}}));
    consumer.assign({TopicPartition("t", 0)});
    CHECK(consumer.poll(1s).count() == 4);
    CHECK(consumer.poll(1s).count() == 4);
    auto last = consumer.poll(1s);
    REQUIRE(last.count() == 2);
    CHECK(last.records(TopicPartition("t", 0)).back().offset() == 9);
}

TEST_CASE("seek, seekToBeginning and seekToEnd move the position", "[consumer]") {
    Fixture f;
    f.produce(5);
    KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps({{"auto.offset.reset", "earliest"}}));
    const TopicPartition tp("t", 0);
    consumer.assign({tp});
    consumer.poll(1s);
    consumer.seek(tp, 3);
    CHECK(consumer.position(tp) == 3);
    CHECK(values(consumer.poll(1s)) == std::vector<std::string>{"v3", "v4"});
    consumer.seekToBeginning({tp});
    CHECK(consumer.position(tp) == 0);
    consumer.seekToEnd({tp});
    CHECK(consumer.position(tp) == 5);
    CHECK_THROWS_AS(consumer.seek(TopicPartition("t", 9), 0), IllegalStateException);
    CHECK_THROWS_AS(consumer.seek(tp, -1), IllegalArgumentException);
}

TEST_CASE("seeking past the log end resets per auto.offset.reset", "[consumer]") {
    Fixture f;
    f.produce(3);
    KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps({{"auto.offset.reset", "earliest"}}));
    const TopicPartition tp("t", 0);
    consumer.assign({tp});
    consumer.seek(tp, 100);
    CHECK(values(consumer.poll(1s)) == std::vector<std::string>{"v0", "v1", "v2"});
}

TEST_CASE("commitSync stores positions; committed() reads them back; a new consumer resumes there", "[consumer]") {
    Fixture f;
    f.produce(6);
    const TopicPartition tp("t", 0);
    {
        KafkaConsumer<std::string, std::string> consumer(
            f.cluster, f.consumerProps({{"group.id", "g"}, {"auto.offset.reset", "earliest"}, {"max.poll.records", 4}, {"enable.auto.commit", false}}));
        consumer.assign({tp});
        CHECK(consumer.committed({tp}).at(tp) == std::nullopt);
        consumer.poll(1s);
        consumer.commitSync();
        auto committed = consumer.committed({tp}).at(tp);
        REQUIRE(committed);
        CHECK(committed->offset() == 4);
    }
    KafkaConsumer<std::string, std::string> next(f.cluster, f.consumerProps({{"group.id", "g"}, {"auto.offset.reset", "earliest"}}));
    next.assign({tp});
    CHECK(values(next.poll(1s)) == std::vector<std::string>{"v4", "v5"});
}

TEST_CASE("commitSync with explicit offsets and metadata", "[consumer]") {
    Fixture f;
    const TopicPartition tp("t", 0);
    KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps({{"group.id", "g"}}));
    consumer.assign({tp});
    consumer.commitSync({{tp, OffsetAndMetadata(42, "note")}});
    auto c = consumer.committed({tp}).at(tp);
    REQUIRE(c);
    CHECK(c->offset() == 42);
    CHECK(c->metadata() == "note");
}

TEST_CASE("commits are records in __consumer_offsets, on the coordinator's partition", "[consumer]") {
    Fixture f;
    const TopicPartition tp("t", 0);
    KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps({{"group.id", "billing"}}));
    consumer.assign({tp});
    consumer.commitSync({{tp, OffsetAndMetadata(7)}});
    // Kafka: Utils.abs("billing".hashCode()) % 50 = abs(-109829509) % 50 = 9 (not toPositive's 39).
    const int32_t partition = 9;
    CHECK(Cluster::offsetsPartitionFor("billing") == partition);
    CHECK(f.cluster.partition(TopicPartition("__consumer_offsets", partition)).log.logEndOffset() == 1);
    CHECK(f.cluster.coordinatorFor("billing") == f.cluster.leaderFor(TopicPartition("__consumer_offsets", partition)));
}

TEST_CASE("auto-commit commits the positions of returned records every auto.commit.interval.ms", "[consumer]") {
    Fixture f;
    f.produce(3);
    const TopicPartition tp("t", 0);
    KafkaConsumer<std::string, std::string> consumer(
        f.cluster, f.consumerProps({{"group.id", "g"}, {"auto.offset.reset", "earliest"}, {"auto.commit.interval.ms", 1000}}));
    consumer.assign({tp});
    consumer.poll(100ms);
    CHECK(consumer.committed({tp}).at(tp) == std::nullopt);  // not yet: the interval has not passed
    f.cluster.advance(1s);
    consumer.poll(100ms);  // the poll after the interval commits
    f.cluster.advance(10ms);
    auto c = consumer.committed({tp}).at(tp);
    REQUIRE(c);
    CHECK(c->offset() == 3);
}

TEST_CASE("closing a consumer with auto-commit commits its position", "[consumer]") {
    Fixture f;
    f.produce(2);
    const TopicPartition tp("t", 0);
    {
        KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps({{"group.id", "g"}, {"auto.offset.reset", "earliest"}}));
        consumer.assign({tp});
        consumer.poll(1s);
        consumer.close();
    }
    KafkaConsumer<std::string, std::string> check(f.cluster, f.consumerProps({{"group.id", "g"}}));
    check.assign({tp});
    CHECK(check.committed({tp}).at(tp)->offset() == 2);
}

TEST_CASE("subscribe assigns every partition of the topic to a lone group member", "[consumer][group]") {
    Fixture f(3);
    for (int p = 0; p < 3; ++p) f.produce(1, p, "p" + std::to_string(p) + "-");
    KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps({{"group.id", "g"}, {"auto.offset.reset", "earliest"}}));
    consumer.subscribe({"t"});
    auto records = consumer.poll(5s);  // the first rebalance of a group waits group.initial.rebalance.delay.ms (3 s)
    CHECK(consumer.assignment() == std::set<TopicPartition>{{"t", 0}, {"t", 1}, {"t", 2}});
    CHECK(records.count() == 3);
    CHECK(consumer.subscription() == std::set<std::string>{"t"});
}

TEST_CASE("two members of one group split the partitions with the range assignor", "[consumer][group]") {
    Fixture f(4);
    Properties props{{"group.id", "g"}, {"auto.offset.reset", "earliest"}};
    KafkaConsumer<std::string, std::string> a(f.cluster, props), b(f.cluster, props);
    a.subscribe({"t"});
    b.subscribe({"t"});
    for (int i = 0; i < 40; ++i) {  // the group forms after group.initial.rebalance.delay.ms
        a.poll(100ms);
        b.poll(100ms);
    }
    CHECK(a.assignment().size() == 2);
    CHECK(b.assignment().size() == 2);
    std::set<TopicPartition> all = a.assignment();
    for (const auto& tp : b.assignment()) all.insert(tp);
    CHECK(all.size() == 4);
}

TEST_CASE("misuse names the problem: no subscription, both modes, no group.id", "[consumer]") {
    Fixture f;
    KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps());
    CHECK_THROWS_AS(consumer.poll(10ms), IllegalStateException);
    CHECK_THROWS_AS(consumer.subscribe({"t"}), InvalidGroupIdException);
    CHECK_THROWS_AS(consumer.commitSync({{TopicPartition("t", 0), OffsetAndMetadata(1)}}), InvalidGroupIdException);
    KafkaConsumer<std::string, std::string> grouped(f.cluster, f.consumerProps({{"group.id", "g"}}));
    grouped.assign({TopicPartition("t", 0)});
    CHECK_THROWS_AS(grouped.subscribe({"t"}), IllegalStateException);
    CHECK_THROWS_AS(grouped.position(TopicPartition("t", 1)), IllegalStateException);
}

TEST_CASE("beginningOffsets, endOffsets and offsetsForTimes", "[consumer]") {
    Fixture f;
    KafkaProducer<std::string, std::string> producer(f.cluster, Properties{{"linger.ms", 0}});
    for (int64_t ts : {1000, 2000, 3000}) producer.send(ProducerRecord<std::string, std::string>("t", 0, ts, "k", "v"));
    producer.flush();
    const TopicPartition tp("t", 0);
    KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps());
    CHECK(consumer.beginningOffsets({tp}).at(tp) == 0);
    CHECK(consumer.endOffsets({tp}).at(tp) == 3);
    auto found = consumer.offsetsForTimes({{tp, 1500}}).at(tp);
    REQUIRE(found);
    CHECK(found->offset() == 1);
    CHECK(found->timestamp() == 2000);
    CHECK_FALSE(consumer.offsetsForTimes({{tp, 5000}}).at(tp).has_value());
}

TEST_CASE("a record that cannot be deserialized stops the consumer at its offset", "[consumer]") {
    Fixture f;
    KafkaProducer<std::string, std::string> producer(f.cluster, Properties{{"linger.ms", 0}});
    producer.send(ProducerRecord<std::string, std::string>("t", 0, "k", "abcd"));  // 4 bytes: a valid int
    producer.send(ProducerRecord<std::string, std::string>("t", 0, "k", "abc"));   // 3 bytes: not an int
    producer.flush();
    KafkaConsumer<std::string, int32_t> consumer(f.cluster, f.consumerProps({{"auto.offset.reset", "earliest"}, {"max.poll.records", 1}}));
    const TopicPartition tp("t", 0);
    consumer.assign({tp});
    CHECK(consumer.poll(1s).count() == 1);
    CHECK_THROWS_AS(consumer.poll(1s), RecordDeserializationException);
    CHECK(consumer.position(tp) == 1);
    consumer.seek(tp, 2);
    CHECK(consumer.poll(100ms).isEmpty());
}

TEST_CASE("consumer records carry key, value, headers, timestamp type and sizes", "[consumer]") {
    Fixture f;
    KafkaProducer<std::string, std::string> producer(f.cluster, Properties{{"linger.ms", 0}});
    producer.send(ProducerRecord<std::string, std::string>("t", 0, int64_t{77}, "key", std::nullopt, Headers{{"h", "1"}}));
    producer.flush();
    KafkaConsumer<std::string, std::optional<std::string>> consumer(f.cluster, f.consumerProps({{"auto.offset.reset", "earliest"}}));
    consumer.assign({TopicPartition("t", 0)});
    auto records = consumer.poll(1s);
    REQUIRE(records.count() == 1);
    const auto& r = *records.begin();
    CHECK(r.key() == "key");
    CHECK_FALSE(r.value().has_value());
    CHECK(r.timestamp() == 77);
    CHECK(r.timestampType() == TimestampType::CreateTime);
    CHECK(r.serializedKeySize() == 3);
    CHECK(r.serializedValueSize() == -1);
    CHECK(r.headers().lastHeader("h")->valueString() == "1");
}

TEST_CASE("auto.offset.reset by_duration starts at the first record at most that old", "[consumer]") {
    Fixture f;
    KafkaProducer<std::string, std::string> producer(f.cluster, Properties{{"linger.ms", 0}});
    f.cluster.advance(10h);
    const int64_t now = f.cluster.now().count();
    for (int64_t age_minutes : {120, 90, 30, 10})
        producer.send(ProducerRecord<std::string, std::string>("t", 0, now - age_minutes * 60000, "k", std::to_string(age_minutes)));
    producer.flush();
    KafkaConsumer<std::string, std::string> consumer(f.cluster, f.consumerProps({{"auto.offset.reset", "by_duration:PT1H"}}));
    consumer.assign({TopicPartition("t", 0)});
    CHECK(values(consumer.poll(1s)) == std::vector<std::string>{"30", "10"});
}

TEST_CASE("auto.offset.reset and isolation.level values are case-sensitive, as in Kafka", "[consumer][config]") {
    Fixture f;
    CHECK_THROWS_AS((KafkaConsumer<std::string, std::string>(f.cluster, Properties{{"auto.offset.reset", "EARLIEST"}})), ConfigException);
    CHECK_THROWS_AS((KafkaConsumer<std::string, std::string>(f.cluster, Properties{{"auto.offset.reset", "by_duration:1h"}})), ConfigException);
    CHECK_THROWS_AS((KafkaConsumer<std::string, std::string>(f.cluster, Properties{{"isolation.level", "READ_COMMITTED"}})), ConfigException);
}

TEST_CASE("records before an undeserializable one are returned; the next poll throws at it", "[consumer]") {
    Fixture f;
    KafkaProducer<std::string, std::string> producer(f.cluster, Properties{{"linger.ms", 0}});
    producer.send(ProducerRecord<std::string, std::string>("t", 0, "k", "abcd"));  // a valid int
    producer.send(ProducerRecord<std::string, std::string>("t", 0, "k", "efgh"));  // a valid int
    producer.send(ProducerRecord<std::string, std::string>("t", 0, "k", "xyz"));   // not an int
    producer.send(ProducerRecord<std::string, std::string>("t", 0, "k", "ijkl"));  // a valid int
    producer.flush();
    KafkaConsumer<std::string, int32_t> consumer(f.cluster, f.consumerProps({{"auto.offset.reset", "earliest"}}));
    const TopicPartition tp("t", 0);
    consumer.assign({tp});
    CHECK(consumer.poll(1s).count() == 2);
    CHECK(consumer.position(tp) == 2);
    CHECK_THROWS_AS(consumer.poll(1s), RecordDeserializationException);
    CHECK(consumer.position(tp) == 2);
    consumer.seek(tp, 3);
    CHECK(consumer.poll(1s).count() == 1);
}

TEST_CASE("network jitter delays messages but never reorders a producer's batches", "[consumer][network]") {
    Cluster cluster(ClusterConfig().seed(3).networkJitter(std::chrono::milliseconds(20)));
    Admin(cluster).createTopics({NewTopic("t", 1, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, Properties{{"linger.ms", 0}, {"enable.idempotence", false}, {"acks", "1"}});
    std::vector<Future<RecordMetadata>> sends;
    for (int i = 0; i < 50; ++i) {
        sends.push_back(producer.send(ProducerRecord<std::string, std::string>("t", "k", std::to_string(i))));
        cluster.advance(std::chrono::milliseconds(1));
    }
    producer.flush();
    for (int i = 0; i < 50; ++i) CHECK(sends[static_cast<size_t>(i)].get().offset() == i);
}

TEST_CASE("isolateClient: a consumer cut off gets nothing; healed, it fetches again once its lost fetch has timed out",
          "[consumer][network]") {
    Fixture f;
    f.produce(3);
    KafkaConsumer<std::string, std::string> c(f.cluster, Properties{{"client.id", "reader"}, {"auto.offset.reset", "earliest"}});
    c.assign({TopicPartition("t", 0)});
    CHECK(values(c.poll(1s)) == std::vector<std::string>{"v0", "v1", "v2"});

    f.cluster.isolateClient("reader");
    f.produce(2, 0, "w");
    const int64_t cut_at = f.cluster.nowMs();
    CHECK(c.poll(5s).isEmpty());
    f.cluster.healClient("reader");
    std::vector<std::string> got;
    while (got.size() < 2 && f.cluster.nowMs() - cut_at < 60000)
        for (const auto& r : c.poll(1s)) got.push_back(r.value());
    CHECK(got == std::vector<std::string>{"w0", "w1"});
    // The fetch lost while cut off fails after request.timeout.ms (30 s) plus fetch.max.wait.ms; the next one gets through.
    CHECK(f.cluster.nowMs() - cut_at >= 30000);
    CHECK(f.cluster.nowMs() - cut_at < 40000);
}

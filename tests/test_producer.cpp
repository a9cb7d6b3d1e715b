// KafkaProducer: partitioning as Kafka's, batching on the virtual clock, acknowledgements and errors.
#include "testing.hpp"

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {
Properties producerProps(std::initializer_list<std::pair<const std::string, ConfigValue>> extra = {}) {
    Properties p(extra);
    return p;
}
}  // namespace

TEST_CASE("keyed records land on the partition Kafka's murmur2 partitioner picks", "[producer]") {
    // Expected partitions from KAFKA_NOTES §3.2 (derived from Kafka's Utils.murmur2 + toPositive % n).
    struct Case {
        const char* key;
        int32_t n;
        int32_t partition;
    };
    const Case cases[] = {{"", 3, 0},      {"", 12, 9},     {"a", 5, 4},      {"key", 3, 1},   {"key1", 12, 8},
                          {"key2", 4, 3},  {"alice", 3, 0}, {"alice", 10, 9}, {"bob", 4, 2},   {"hello", 6, 3},
                          {"test", 12, 11}, {"user-1", 5, 3}, {"0", 8, 4},    {"1", 12, 3}};
    Cluster cluster;
    Admin admin(cluster);
    for (int n : {3, 4, 5, 6, 8, 10, 12}) admin.createTopics({NewTopic("p" + std::to_string(n), n, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, producerProps());
    for (const auto& c : cases) {
        INFO("key '" << c.key << "' over " << c.n << " partitions");
        auto md = producer.send(ProducerRecord<std::string, std::string>("p" + std::to_string(c.n), c.key, "v")).get();
        CHECK(md.partition() == c.partition);
    }
}

TEST_CASE("Integer keys are hashed on their 4 big-endian bytes", "[producer]") {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 7, 1)}).all().get();
    KafkaProducer<int32_t, std::string> producer(cluster, producerProps());
    for (int32_t key : {0, 1, 2, 3, 42}) {
        Bytes b;
        Serde<int32_t>::serialize(key, b);
        const int32_t expected = toPositive(murmur2(b.data(), b.size())) % 7;
        CHECK(producer.send(ProducerRecord<int32_t, std::string>("t", key, "v")).get().partition() == expected);
    }
    // Anchors from KAFKA_NOTES §3.2: murmur2(int 0) = 850957120, murmur2(int 42) = 1606757304.
    Bytes zero{0, 0, 0, 0}, answer{0, 0, 0, 42};
    CHECK(murmur2(zero.data(), 4) == 850957120);
    CHECK(murmur2(answer.data(), 4) == 1606757304);
}

TEST_CASE("offsets are assigned per partition, in send order", "[producer]") {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 2, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, producerProps());
    std::vector<Future<RecordMetadata>> futures;
    for (int i = 0; i < 6; ++i) futures.push_back(producer.send(ProducerRecord<std::string, std::string>("t", i % 2, std::nullopt, "k", std::to_string(i))));
    producer.flush();
    for (int i = 0; i < 6; ++i) {
        auto md = futures[static_cast<size_t>(i)].get();
        CHECK(md.partition() == i % 2);
        CHECK(md.offset() == i / 2);
    }
}

TEST_CASE("linger.ms holds a batch on the virtual clock until it expires", "[producer][batching]") {
    Cluster cluster(ClusterConfig().networkLatency(1ms));
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 1, 1)}).all().get();  // now = 2 ms
    KafkaProducer<std::string, std::string> producer(cluster, producerProps({{"linger.ms", 20}}));
    producer.partitionsFor("t");                              // metadata: now = 4 ms
    const int64_t start = cluster.now().count();
    auto f1 = producer.send(ProducerRecord<std::string, std::string>("t", "a", "1"));
    cluster.advance(10ms);
    auto f2 = producer.send(ProducerRecord<std::string, std::string>("t", "b", "2"));
    CHECK_FALSE(f1.isDone());
    cluster.advance(9ms);
    CHECK(cluster.topic("t").partitions[0].log.logEndOffset() == 0);  // still lingering
    auto md = f2.get();
    // Sent at start+20 (linger), arrives at +21, acknowledged at +22; both records in one batch.
    CHECK(cluster.now().count() == start + 22);
    CHECK(md.offset() == 1);
    CHECK(cluster.topic("t").partitions[0].log.batches().size() == 1);
    CHECK(f1.get().timestamp() == start);
    CHECK(md.timestamp() == start + 10);
}

TEST_CASE("a full batch is sent at once, without waiting for linger.ms", "[producer][batching]") {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 1, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, producerProps({{"linger.ms", 60000}, {"batch.size", 1000}}));
    producer.partitionsFor("t");
    const int64_t start = cluster.now().count();
    const std::string value(100, 'x');
    std::vector<Future<RecordMetadata>> futures;
    for (int i = 0; i < 20; ++i) futures.push_back(producer.send(ProducerRecord<std::string, std::string>("t", "k", value)));
    futures.front().get();
    CHECK(cluster.now().count() == start + 2);  // one round trip, no linger
    const auto& batches = cluster.topic("t").partitions[0].log.batches();
    REQUIRE(batches.size() >= 2);
    for (const auto& b : batches) CHECK(b.sizeInBytes() <= 1000);
    producer.flush();
    int64_t total = 0;
    for (const auto& b : cluster.topic("t").partitions[0].log.batches()) total += b.count();
    CHECK(total == 20);
}

TEST_CASE("batch boundaries follow Kafka's v2 record sizes for batch.size", "[producer][batching]") {
    // 61-byte batch header; a record with a 1-byte key and a 100-byte value at offset delta 0 has a body of
    // 1 (attributes) + 1 (timestamp delta) + 1 (offset delta) + 1+1 (key) + 2+100 (value; 100 zig-zags to a
    // 2-byte varint) + 1 (header count) = 108 bytes, plus 2 for the body length: 110.
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 1, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, producerProps({{"linger.ms", 0}}));
    producer.send(ProducerRecord<std::string, std::string>("t", 0, int64_t{0}, "k", std::string(100, 'v'))).get();
    const auto& b = cluster.topic("t").partitions[0].log.batches().at(0);
    CHECK(b.sizeInBytes() == 61 + 110);
}

TEST_CASE("null keys stick to one partition until batch.size bytes went to it", "[producer][sticky]") {
    Cluster cluster(ClusterConfig().seed(5));
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 4, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, producerProps({{"batch.size", 1000}}));
    std::vector<int32_t> partitions;
    std::vector<Future<RecordMetadata>> futures;
    for (int i = 0; i < 80; ++i) futures.push_back(producer.send(ProducerRecord<std::string, std::string>("t", std::string(100, 'x'))));
    producer.flush();
    for (auto& f : futures) partitions.push_back(f.get().partition());
    // A record takes 106-107 bytes in a batch, so a new partition is drawn after every 10th record (1,000 bytes
    // reached); the draw is uniform over all 4 partitions and may repeat the current one (Kafka 4).
    std::set<int32_t> used;
    for (size_t i = 0; i < partitions.size(); ++i) {
        used.insert(partitions[i]);
        if (i % 10 != 0) CHECK(partitions[i] == partitions[i - 1]);
    }
    CHECK(used.size() >= 3);  // it does move on
}

TEST_CASE("another seed picks other sticky partitions; the same seed the same ones", "[producer][sticky][determinism]") {
    auto run = [](uint64_t seed) {
        Cluster cluster(ClusterConfig().seed(seed));
        Admin admin(cluster);
        admin.createTopics({NewTopic("t", 8, 1)}).all().get();
        KafkaProducer<std::string, std::string> producer(cluster, Properties{{"batch.size", 500}});
        std::vector<Future<RecordMetadata>> futures;
        for (int i = 0; i < 50; ++i) futures.push_back(producer.send(ProducerRecord<std::string, std::string>("t", std::string(100, 'x'))));
        producer.flush();
        std::vector<int32_t> partitions;
        for (auto& f : futures) partitions.push_back(f.get().partition());
        return partitions;
    };
    CHECK(run(1) == run(1));
    CHECK(run(1) != run(2));
}

TEST_CASE("an explicit partition is used as is; an invalid one is rejected", "[producer]") {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 3, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, producerProps());
    CHECK(producer.send(ProducerRecord<std::string, std::string>("t", 2, "alice", "x")).get().partition() == 2);
    CHECK_THROWS_AS(producer.send(ProducerRecord<std::string, std::string>("t", 3, "alice", "x")), KafkaException);
    CHECK_THROWS_AS((ProducerRecord<std::string, std::string>("t", -1, "alice", "x")), IllegalArgumentException);
}

TEST_CASE("a custom partitioner callable decides the partition", "[producer]") {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 4, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, producerProps(), [](const std::string&, ByteView key, ByteView, int32_t n) {
        return key.isNull() ? 0 : static_cast<int32_t>(key.size) % n;
    });
    CHECK(producer.send(ProducerRecord<std::string, std::string>("t", "abc", "v")).get().partition() == 3);
    Partitioner negative = [](const std::string&, ByteView, ByteView, int32_t) { return -2; };
    KafkaProducer<std::string, std::string> bad(cluster, producerProps(), negative);
    CHECK_THROWS_AS(bad.send(ProducerRecord<std::string, std::string>("t", "abc", "v")), IllegalArgumentException);
}

TEST_CASE("RoundRobinPartitioner by class name cycles through partitions", "[producer]") {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 3, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(
        cluster, producerProps({{"partitioner.class", "org.apache.kafka.clients.producer.RoundRobinPartitioner"}}));
    std::vector<int32_t> got;
    for (int i = 0; i < 6; ++i) got.push_back(producer.send(ProducerRecord<std::string, std::string>("t", "same-key", "v")).get().partition());
    CHECK(got == std::vector<int32_t>{0, 1, 2, 0, 1, 2});
    CHECK_THROWS_AS((KafkaProducer<std::string, std::string>(cluster, producerProps({{"partitioner.class", "com.example.Mine"}}))), ConfigException);
}

TEST_CASE("callbacks run when the batch is acknowledged, with metadata or the exception", "[producer]") {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 1, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, producerProps());
    std::vector<std::string> log;
    producer.send(ProducerRecord<std::string, std::string>("t", "k", "v"), [&](const RecordMetadata& md, const KafkaException* e) {
        log.push_back(e ? std::string("error") : md.toString());
    });
    CHECK(log.empty());
    producer.flush();
    CHECK(log == std::vector<std::string>{"t-0@0"});
}

TEST_CASE("a record over max.request.size fails its future with RecordTooLargeException", "[producer]") {
    Cluster cluster;
    KafkaProducer<std::string, std::string> producer(cluster, producerProps({{"max.request.size", 200}}));
    const KafkaException* seen = nullptr;
    std::string seen_name;
    auto f = producer.send(ProducerRecord<std::string, std::string>("t", "k", std::string(500, 'x')), [&](const RecordMetadata&, const KafkaException* e) {
        seen = e;
        seen_name = e ? e->name() : "";
    });
    CHECK(seen_name == "RecordTooLargeException");
    CHECK_THROWS_AS(f.get(), RecordTooLargeException);
}

TEST_CASE("sending to an unknown topic auto-creates it with num.partitions", "[producer]") {
    Cluster cluster(ClusterConfig().defaultPartitions(2));
    KafkaProducer<std::string, std::string> producer(cluster, producerProps());
    producer.send(ProducerRecord<std::string, std::string>("fresh", "k", "v")).get();
    CHECK(cluster.topic("fresh").partitionCount() == 2);
}

TEST_CASE("without auto-creation, send times out after max.block.ms of virtual time", "[producer]") {
    Cluster cluster(ClusterConfig().autoCreateTopics(false));
    KafkaProducer<std::string, std::string> producer(cluster, producerProps({{"max.block.ms", 1000}}));
    auto f = producer.send(ProducerRecord<std::string, std::string>("missing", "k", "v"));
    CHECK_THROWS_AS(f.get(), TimeoutException);
    CHECK(cluster.now().count() >= 1000);
}

TEST_CASE("acks=0 completes without an offset", "[producer]") {
    Cluster cluster;
    KafkaProducer<std::string, std::string> producer(cluster, producerProps({{"acks", "0"}}));
    auto md = producer.send(ProducerRecord<std::string, std::string>("t", "k", "v")).get();
    CHECK(md.offset() == -1);
    CHECK_FALSE(md.hasOffset());
    cluster.runUntilIdle();
    CHECK(cluster.topic("t").partitions[0].log.logEndOffset() == 1);  // it was written all the same
}

TEST_CASE("LogAppendTime topics stamp records with the broker's time", "[producer]") {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 1, 1).configs({{"message.timestamp.type", "LogAppendTime"}})}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, producerProps({{"linger.ms", 0}}));
    auto md = producer.send(ProducerRecord<std::string, std::string>("t", std::nullopt, int64_t{1000}, "k", "v")).get();
    CHECK(md.timestamp() != 1000);
    CHECK(md.timestamp() == cluster.now().count() - 1);  // appended one network hop before the ack arrived
}

TEST_CASE("serialized sizes are reported, -1 for null", "[producer]") {
    Cluster cluster;
    KafkaProducer<std::string, std::string> producer(cluster, producerProps());
    auto md = producer.send(ProducerRecord<std::string, std::string>("t", "abc", std::nullopt)).get();
    CHECK(md.serializedKeySize() == 3);
    CHECK(md.serializedValueSize() == -1);
}

TEST_CASE("idempotence settings are validated as Kafka does", "[producer][config]") {
    Cluster cluster;
    auto make = [&](Properties p) { KafkaProducer<std::string, std::string> producer(cluster, p); };
    auto message = [&](Properties p) {
        try {
            make(p);
        } catch (const KafkaException& e) {
            return std::string(e.what());
        }
        return std::string("ok");
    };
    CHECK(message({{"enable.idempotence", true}, {"acks", "1"}}) ==
          "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.");
    CHECK(message({{"enable.idempotence", true}, {"max.in.flight.requests.per.connection", 6}}) ==
          "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.");
    CHECK(message({{"enable.idempotence", true}, {"retries", 0}}) == "Must set retries to non-zero when using the idempotent producer.");
    CHECK(message({{"acks", "1"}}) == "ok");  // the implicit default gives way
    CHECK(message({{"acks", "0"}, {"transactional.id", "tx"}}) == "Cannot set a transactional.id without also enabling idempotence.");
    CHECK(message({{"delivery.timeout.ms", 1000}}) ==
          "Failed to construct kafka producer (caused by: delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms)");
    // Kafka 4.x: more than 5 in flight is an error even when idempotence is only the default.
    CHECK(message({{"max.in.flight.requests.per.connection", 6}}) ==
          "To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5. Current value is 6.");
    CHECK(message({{"max.in.flight.requests.per.connection", 6}, {"enable.idempotence", false}}) == "ok");
    CHECK(message({{"transactional.id", ""}}) == "Invalid value  for configuration transactional.id: String must be non-empty");
}

TEST_CASE("key.serializer class names from tutorials are checked against the C++ type", "[producer][config]") {
    Cluster cluster;
    Properties ok;
    ok.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    ok.put("value.serializer", "org.apache.kafka.common.serialization.LongSerializer");
    CHECK_NOTHROW(KafkaProducer<std::string, int64_t>(cluster, ok));
    Properties wrong;
    wrong.put("key.serializer", "org.apache.kafka.common.serialization.IntegerSerializer");
    CHECK_THROWS_AS((KafkaProducer<std::string, std::string>(cluster, wrong)), ConfigException);
}

TEST_CASE("a closed producer refuses to send", "[producer]") {
    Cluster cluster;
    KafkaProducer<std::string, std::string> producer(cluster, producerProps());
    producer.send(ProducerRecord<std::string, std::string>("t", "k", "v"));
    producer.close();
    CHECK(cluster.topic("t").partitions[0].log.logEndOffset() == 1);  // close sent what was buffered
    CHECK_THROWS_AS(producer.send(ProducerRecord<std::string, std::string>("t", "k", "v")), IllegalStateException);
}

TEST_CASE("headers travel with the record", "[producer]") {
    Cluster cluster;
    KafkaProducer<std::string, std::string> producer(cluster, producerProps());
    Headers h;
    h.add("trace-id", "abc").add("empty", std::nullopt);
    producer.send(ProducerRecord<std::string, std::string>("t", std::nullopt, std::nullopt, "k", "v", h)).get();
    const auto& b = cluster.topic("t").partitions[0].log.batches().at(0);
    const Headers stored = b.records().begin()->headers();
    REQUIRE(stored.size() == 2);
    CHECK(stored.lastHeader("trace-id")->valueString() == "abc");
    CHECK_FALSE(stored.lastHeader("empty")->value().has_value());
}

TEST_CASE("a batch holds its records in Kafka's v2 record format, and reads them back", "[producer][batching]") {
    BatchPayload payload;
    const uint8_t k[] = {'k'}, v[] = {'v'};
    payload.append(1000, ByteView{k, 1}, ByteView{v, 1}, nullptr);
    // DefaultRecord: length 8 (zig-zag 0x10), attributes 0, timestamp delta 0, offset delta 0, key length 1 (0x02) "k",
    // value length 1 "v", no headers.
    const std::vector<uint8_t> first = {0x10, 0x00, 0x00, 0x00, 0x02, 'k', 0x02, 'v', 0x00};
    REQUIRE(payload.data.size() == first.size());
    CHECK(std::vector<uint8_t>(payload.data.data(), payload.data.data() + payload.data.size()) == first);
    CHECK(payload.size_in_bytes == detail::kRecordBatchOverhead + 9);

    Headers h;
    h.add("trace", "abc").add("none", std::nullopt);
    payload.append(990, ByteView{}, ByteView{}, &h);  // null key and value, an earlier timestamp, two headers
    payload.append(1200, ByteView{k, 1}, ByteView{v, 0}, nullptr);  // an empty (not null) value
    CHECK(payload.count() == 3);
    CHECK(payload.first_timestamp == 1000);
    CHECK(payload.min_timestamp == 990);
    CHECK(payload.max_timestamp == 1200);
    CHECK(payload.size_in_bytes == detail::kRecordBatchOverhead + static_cast<int32_t>(payload.data.size()));

    std::vector<StoredRecord> records(payload.records(40).begin(), payload.records(40).end());
    REQUIRE(records.size() == 3);
    CHECK(records[0].offset() == 40);
    CHECK(records[0].timestamp() == 1000);
    CHECK(records[0].key().str() == "k");
    CHECK(records[0].headerCount() == 0);
    CHECK(records[1].offset() == 41);
    CHECK(records[1].timestamp() == 990);
    CHECK_FALSE(records[1].hasKey());
    CHECK_FALSE(records[1].hasValue());
    const Headers decoded = records[1].headers();
    REQUIRE(decoded.size() == 2);
    CHECK(decoded.lastHeader("trace")->valueString() == "abc");
    CHECK_FALSE(decoded.lastHeader("none")->value().has_value());
    CHECK(records[2].timestamp() == 1200);
    CHECK(records[2].hasValue());
    CHECK(records[2].value().size == 0);
    // LogAppendTime: every record reads the batch's time.
    for (const StoredRecord& r : payload.records(0, 5000)) CHECK(r.timestamp() == 5000);
}

TEST_CASE("a full buffer.memory blocks send until acknowledgements free it, in virtual time", "[producer]") {
    Cluster cluster(ClusterConfig().networkLatency(10ms));
    KafkaProducer<std::string, std::string> producer(cluster, producerProps({{"buffer.memory", 40000}, {"batch.size", 16384}, {"max.in.flight.requests.per.connection", 1}}));
    producer.partitionsFor("t");
    const int64_t start = cluster.now().count();
    for (int i = 0; i < 600; ++i) producer.send(ProducerRecord<std::string, std::string>("t", "k", std::string(100, 'x')));
    CHECK(cluster.now().count() > start);  // send() had to wait for acknowledgements
    producer.flush();
    CHECK(cluster.topic("t").partitions[0].log.logEndOffset() == 600);
}

TEST_CASE("a produce request answered at once cancels no one else's timer", "[producer]") {
    // The broker's pending produce once cancelled timer 0 when it had set none (acks=1, or acks=all with the
    // followers caught up): whichever timer the scheduler had numbered 0 then never ran.
    Cluster cluster(ClusterConfig().brokers(1));
    bool fired = false;
    cluster.scheduler().timerAfter(10000, [&fired] { fired = true; });
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 1, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, producerProps({{ProducerConfig::ACKS_CONFIG, "1"}}));
    producer.send(ProducerRecord<std::string, std::string>("t", "k", "v")).get();
    cluster.advance(10000ms);
    CHECK(fired);
}

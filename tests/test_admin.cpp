// Admin: topic creation, deletion, description, partitions, offsets; Kafka's exceptions for bad requests.
#include "testing.hpp"

using namespace kstream_sim;
using namespace std::chrono_literals;

TEST_CASE("createTopics creates partitions with replicas on distinct brokers", "[admin]") {
    Cluster cluster(ClusterConfig().brokers(3).seed(1));
    Admin admin(cluster);
    admin.createTopics({NewTopic("orders", 6, 3)}).all().get();
    auto descriptions = admin.describeTopics({"orders"}).allTopicNames().get();
    const TopicDescription& d = descriptions.at("orders");
    REQUIRE(d.partitions().size() == 6);
    for (const auto& p : d.partitions()) {
        REQUIRE(p.replicas().size() == 3);
        std::set<int32_t> distinct;
        for (const auto& n : p.replicas()) distinct.insert(n.id());
        CHECK(distinct.size() == 3);
        REQUIRE(p.leader().has_value());
        CHECK(p.leader()->id() == p.replicas().front().id());
        CHECK(p.isr().size() == 3);
    }
}

TEST_CASE("an admin call takes a network round trip of virtual time", "[admin]") {
    Cluster cluster(ClusterConfig().networkLatency(3ms));
    Admin admin(cluster);
    auto result = admin.createTopics({NewTopic("t", 1, 1)});
    CHECK_FALSE(result.values().at("t").isDone());
    result.all().get();
    CHECK(cluster.now() == 6ms);
    CHECK(cluster.topicExists("t"));
}

TEST_CASE("creating an existing topic fails with TopicExistsException", "[admin]") {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 1, 1)}).all().get();
    CHECK_THROWS_AS(admin.createTopics({NewTopic("t", 1, 1)}).all().get(), TopicExistsException);
    CHECK(cluster.topic("t").partitionCount() == 1);
}

TEST_CASE("bad topic requests fail with Kafka's exception classes and leave nothing behind", "[admin]") {
    Cluster cluster(ClusterConfig().brokers(1));
    Admin admin(cluster);
    CHECK_THROWS_AS(admin.createTopics({NewTopic("zero", 0, 1)}).all().get(), InvalidPartitionsException);
    CHECK_THROWS_AS(admin.createTopics({NewTopic("rf", 1, 3)}).all().get(), InvalidReplicationFactorException);
    CHECK_THROWS_AS(admin.createTopics({NewTopic("bad name!", 1, 1)}).all().get(), InvalidTopicException);
    CHECK_THROWS_AS(admin.createTopics({NewTopic("x", 1, 1).configs({{"retention.msx", "5"}})}).all().get(),
                    InvalidConfigurationException);
    CHECK_THROWS_AS(admin.createTopics({NewTopic("y", 1, 1).configs({{"retention.ms", "soon"}})}).all().get(),
                    InvalidConfigurationException);
    CHECK(admin.listTopics().names().get().empty());
}

TEST_CASE("one failing topic does not stop the others in the same request", "[admin]") {
    Cluster cluster;
    Admin admin(cluster);
    auto result = admin.createTopics({NewTopic("good", 2, 1), NewTopic("bad", -1, 1)});
    CHECK_THROWS_AS(result.all().get(), InvalidPartitionsException);
    CHECK_NOTHROW(result.values().at("good").get());
    CHECK(cluster.topicExists("good"));
}

TEST_CASE("describing or deleting an unknown topic fails with UnknownTopicOrPartitionException", "[admin]") {
    Cluster cluster;
    Admin admin(cluster);
    CHECK_THROWS_AS(admin.describeTopics({"nope"}).allTopicNames().get(), UnknownTopicOrPartitionException);
    CHECK_THROWS_AS(admin.deleteTopics({"nope"}).all().get(), UnknownTopicOrPartitionException);
}

TEST_CASE("createPartitions only grows a topic", "[admin]") {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 3, 1)}).all().get();
    CHECK_THROWS_AS(admin.createPartitions({{"t", NewPartitions::increaseTo(2)}}).all().get(), InvalidPartitionsException);
    CHECK_THROWS_AS(admin.createPartitions({{"t", NewPartitions::increaseTo(3)}}).all().get(), InvalidPartitionsException);
    admin.createPartitions({{"t", NewPartitions::increaseTo(5)}}).all().get();
    CHECK(cluster.topic("t").partitionCount() == 5);
}

TEST_CASE("listTopics hides internal topics unless asked", "[admin]") {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("a", 1, 1), NewTopic("b", 1, 1)}).all().get();
    cluster.coordinatorFor("g");  // creates __consumer_offsets, as a first consumer group would
    CHECK(admin.listTopics().names().get() == std::set<std::string>{"a", "b"});
    CHECK(admin.listTopics(ListTopicsOptions().listInternal(true)).names().get().count("__consumer_offsets") == 1);
}

TEST_CASE("deleteTopics removes the topic", "[admin]") {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 1, 1)}).all().get();
    admin.deleteTopics({"t"}).all().get();
    CHECK_FALSE(cluster.topicExists("t"));
}

TEST_CASE("listOffsets answers earliest, latest and by timestamp", "[admin]") {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 1, 1)}).all().get();
    Properties pp;
    pp.put("linger.ms", 0);
    KafkaProducer<std::string, std::string> producer(cluster, pp);
    for (int64_t ts : {100, 200, 300}) producer.send(ProducerRecord<std::string, std::string>("t", 0, ts, "k", "v"));
    producer.flush();
    const TopicPartition tp("t", 0);
    CHECK(admin.listOffsets({{tp, OffsetSpec::earliest()}}).all().get().at(tp).offset() == 0);
    CHECK(admin.listOffsets({{tp, OffsetSpec::latest()}}).all().get().at(tp).offset() == 3);
    auto by_time = admin.listOffsets({{tp, OffsetSpec::forTimestamp(150)}}).all().get().at(tp);
    CHECK(by_time.offset() == 1);
    CHECK(by_time.timestamp() == 200);
    CHECK(admin.listOffsets({{tp, OffsetSpec::forTimestamp(301)}}).all().get().at(tp).offset() == -1);
}

TEST_CASE("cluster.describe() prints every partition's leader, ISR and offsets", "[admin]") {
    Cluster cluster(ClusterConfig().brokers(2).seed(3));
    Admin admin(cluster);
    admin.createTopics({NewTopic("t", 2, 2)}).all().get();
    const std::string text = cluster.describe();
    CHECK(text.find("Topic: t\tPartitionCount: 2\tReplicationFactor: 2") != std::string::npos);
    CHECK(text.find("\tPartition: 1\tLeader: ") != std::string::npos);
    CHECK(text.find("LogEndOffset: 0\tHighWatermark: 0") != std::string::npos);
}

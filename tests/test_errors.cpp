// Tests for core/errors.hpp: Kafka's exception classes and their names.
#include "testing.hpp"

#include <string>

using namespace kstream_sim;

namespace {

// Throws E and returns what a catch (const KafkaException&) clause saw, so each check names the class once.
template <class E>
std::string name_seen_through_base(const std::string& message = "boom") {
    try {
        throw E(message);
    } catch (const KafkaException& e) {
        return e.name();
    }
}

}  // namespace

TEST_CASE("every exception reports its Kafka class name", "[errors]") {
    CHECK(name_seen_through_base<KafkaException>() == "KafkaException");
    CHECK(name_seen_through_base<IllegalStateException>() == "IllegalStateException");
    CHECK(name_seen_through_base<IllegalArgumentException>() == "IllegalArgumentException");
    CHECK(name_seen_through_base<ApiException>() == "ApiException");
    CHECK(name_seen_through_base<RetriableException>() == "RetriableException");
    CHECK(name_seen_through_base<ConfigException>() == "ConfigException");
    CHECK(name_seen_through_base<TimeoutException>() == "TimeoutException");
    CHECK(name_seen_through_base<TopicExistsException>() == "TopicExistsException");
    CHECK(name_seen_through_base<UnknownTopicOrPartitionException>() == "UnknownTopicOrPartitionException");
    CHECK(name_seen_through_base<NotLeaderOrFollowerException>() == "NotLeaderOrFollowerException");
    CHECK(name_seen_through_base<RecordTooLargeException>() == "RecordTooLargeException");
    CHECK(name_seen_through_base<OffsetOutOfRangeException>() == "OffsetOutOfRangeException");
    CHECK(name_seen_through_base<NoOffsetForPartitionException>() == "NoOffsetForPartitionException");
    CHECK(name_seen_through_base<CommitFailedException>() == "CommitFailedException");
    CHECK(name_seen_through_base<ProducerFencedException>() == "ProducerFencedException");
    CHECK(name_seen_through_base<InvalidTxnStateException>() == "InvalidTxnStateException");
    CHECK(name_seen_through_base<UnsupportedVersionException>() == "UnsupportedVersionException");
}

TEST_CASE("exceptions are caught as KafkaException", "[errors]") {
    SECTION("through one catch clause, keeping the message") {
        try {
            throw TopicExistsException("Topic 'orders' already exists.");
        } catch (const KafkaException& e) {
            CHECK(std::string(e.what()) == "Topic 'orders' already exists.");
            CHECK(std::string(e.name()) == "TopicExistsException");
        }
    }
    SECTION("and as std::exception, for code that knows nothing of Kafka") {
        CHECK_THROWS_AS(throw ConfigException("bad"), std::exception);
        CHECK_THROWS_AS(throw IllegalStateException("bad"), std::runtime_error);
    }
}

TEST_CASE("exceptions follow Kafka's class hierarchy", "[errors]") {
    // The retriable ones can be retried by a client; Kafka's clients decide that by class, and so do we.
    CHECK_THROWS_AS(throw TimeoutException("t"), RetriableException);
    CHECK_THROWS_AS(throw NotEnoughReplicasException("t"), RetriableException);
    CHECK_THROWS_AS(throw UnknownTopicOrPartitionException("t"), InvalidMetadataException);
    CHECK_THROWS_AS(throw LeaderNotAvailableException("t"), RetriableException);
    CHECK_THROWS_AS(throw NoOffsetForPartitionException("t"), InvalidOffsetException);
    CHECK_THROWS_AS(throw TopicExistsException("t"), ApiException);

    // ... and the others cannot.
    const auto is_retriable = [](const KafkaException& e) {
        return dynamic_cast<const RetriableException*>(&e) != nullptr;
    };
    CHECK_FALSE(is_retriable(TopicExistsException("t")));
    CHECK_FALSE(is_retriable(CommitFailedException("t")));
    CHECK_FALSE(is_retriable(IllegalStateException("t")));
}

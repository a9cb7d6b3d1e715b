// Exceptions with Apache Kafka's class names, all under one KafkaException.
//
// Kafka's Java clients throw java.lang.IllegalStateException / IllegalArgumentException for misuse and
// org.apache.kafka.common.KafkaException (and its ApiException subclasses) for everything else. Here every
// exception derives from KafkaException so one catch clause sees them all; name() gives the Java simple
// class name, which is what conformance scenarios print.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace kstream_sim {

class KafkaException : public std::runtime_error {
public:
    explicit KafkaException(const std::string& message) : std::runtime_error(message) {}
    // Java's `new KafkaException(message, cause)`: what() ends with the cause's message.
    KafkaException(const std::string& message, std::exception_ptr cause)
        : std::runtime_error(message + causeSuffix(cause)), cause_(std::move(cause)) {}
    // The Java simple class name of this exception, e.g. "TopicExistsException".
    virtual const char* name() const noexcept { return "KafkaException"; }
    // Java's getCause(): the exception this one wraps, or nullptr.
    const std::exception_ptr& cause() const noexcept { return cause_; }

private:
    static std::string causeSuffix(const std::exception_ptr& cause) {
        if (!cause) return {};
        try {
            std::rethrow_exception(cause);
        } catch (const std::exception& e) {
            return std::string(" (caused by: ") + e.what() + ")";
        } catch (...) {
            return {};
        }
    }

    std::exception_ptr cause_;
};

// Declares `NAME : BASE` with Kafka's class name as name(). Kept local to this part.
#define KSTREAM_SIM_EXCEPTION(NAME, BASE)                                              \
    class NAME : public BASE {                                                         \
    public:                                                                            \
        explicit NAME(const std::string& message) : BASE(message) {}                   \
        const char* name() const noexcept override { return #NAME; }                   \
    };

// java.lang misuse errors (kept under KafkaException here; see the header comment).
KSTREAM_SIM_EXCEPTION(IllegalStateException, KafkaException)
KSTREAM_SIM_EXCEPTION(IllegalArgumentException, KafkaException)

// org.apache.kafka.common.errors
KSTREAM_SIM_EXCEPTION(ApiException, KafkaException)
KSTREAM_SIM_EXCEPTION(RetriableException, ApiException)
KSTREAM_SIM_EXCEPTION(InvalidMetadataException, RetriableException)
KSTREAM_SIM_EXCEPTION(ConfigException, KafkaException)
KSTREAM_SIM_EXCEPTION(SerializationException, KafkaException)
KSTREAM_SIM_EXCEPTION(RecordDeserializationException, SerializationException)
KSTREAM_SIM_EXCEPTION(InterruptException, KafkaException)
KSTREAM_SIM_EXCEPTION(WakeupException, KafkaException)
KSTREAM_SIM_EXCEPTION(TimeoutException, RetriableException)
KSTREAM_SIM_EXCEPTION(CorruptRecordException, RetriableException)
KSTREAM_SIM_EXCEPTION(UnknownTopicOrPartitionException, InvalidMetadataException)
KSTREAM_SIM_EXCEPTION(NotLeaderOrFollowerException, InvalidMetadataException)
KSTREAM_SIM_EXCEPTION(LeaderNotAvailableException, InvalidMetadataException)
KSTREAM_SIM_EXCEPTION(NetworkException, InvalidMetadataException)
KSTREAM_SIM_EXCEPTION(TopicExistsException, ApiException)
KSTREAM_SIM_EXCEPTION(InvalidTopicException, ApiException)
KSTREAM_SIM_EXCEPTION(InvalidPartitionsException, ApiException)
KSTREAM_SIM_EXCEPTION(InvalidReplicationFactorException, ApiException)
KSTREAM_SIM_EXCEPTION(InvalidConfigurationException, ApiException)
KSTREAM_SIM_EXCEPTION(InvalidRequestException, ApiException)
KSTREAM_SIM_EXCEPTION(RecordTooLargeException, ApiException)
KSTREAM_SIM_EXCEPTION(RecordBatchTooLargeException, ApiException)
KSTREAM_SIM_EXCEPTION(InvalidTimestampException, ApiException)
KSTREAM_SIM_EXCEPTION(NotEnoughReplicasException, RetriableException)
KSTREAM_SIM_EXCEPTION(NotEnoughReplicasAfterAppendException, RetriableException)
KSTREAM_SIM_EXCEPTION(OffsetOutOfRangeException, ApiException)
KSTREAM_SIM_EXCEPTION(InvalidOffsetException, KafkaException)
KSTREAM_SIM_EXCEPTION(NoOffsetForPartitionException, InvalidOffsetException)
KSTREAM_SIM_EXCEPTION(CommitFailedException, KafkaException)
KSTREAM_SIM_EXCEPTION(RetriableCommitFailedException, RetriableException)
KSTREAM_SIM_EXCEPTION(RebalanceInProgressException, ApiException)
KSTREAM_SIM_EXCEPTION(GroupIdNotFoundException, ApiException)
KSTREAM_SIM_EXCEPTION(InvalidGroupIdException, ApiException)
KSTREAM_SIM_EXCEPTION(GroupNotEmptyException, ApiException)
KSTREAM_SIM_EXCEPTION(UnknownMemberIdException, ApiException)
KSTREAM_SIM_EXCEPTION(IllegalGenerationException, ApiException)
KSTREAM_SIM_EXCEPTION(FencedInstanceIdException, ApiException)
KSTREAM_SIM_EXCEPTION(InconsistentGroupProtocolException, ApiException)
KSTREAM_SIM_EXCEPTION(OutOfOrderSequenceException, ApiException)
KSTREAM_SIM_EXCEPTION(DuplicateSequenceException, ApiException)
KSTREAM_SIM_EXCEPTION(InvalidProducerEpochException, ApiException)
KSTREAM_SIM_EXCEPTION(ProducerFencedException, ApiException)
KSTREAM_SIM_EXCEPTION(InvalidTxnStateException, ApiException)
KSTREAM_SIM_EXCEPTION(TransactionAbortedException, ApiException)
KSTREAM_SIM_EXCEPTION(UnsupportedVersionException, ApiException)

#undef KSTREAM_SIM_EXCEPTION

namespace detail {
// Whether the exception held by `error` is an E (or derives from it).
template <class E>
bool holds(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const E&) {
        return true;
    } catch (...) {
        return false;
    }
}
}  // namespace detail

}  // namespace kstream_sim

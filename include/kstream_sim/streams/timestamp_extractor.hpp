// Timestamp extractors: which time a source record carries into the topology (Kafka's TimestampExtractor).
//
// By default a record's event time is the timestamp it has in its topic (FailOnInvalidTimestamp, which fails on
// a negative one). Consumed::with(...).withTimestampExtractor(e) or the default.timestamp.extractor config
// choose another: one of Kafka's built-ins below, a class deriving from TimestampExtractor, or a callable
// (record, partitionTime) -> timestamp — for instance a time field of the value. partitionTime is the largest
// valid timestamp extracted so far in the record's partition (-1 while unknown). A negative result drops the
// record, as in Kafka ("Skipping record due to negative extracted timestamp").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "../broker/record.hpp"
#include "../core/config.hpp"
#include "values.hpp"

namespace kstream_sim {

class TimestampExtractor {
public:
    // What an extractor sees: Kafka's ConsumerRecord<Object, Object>, key and value already deserialized by the
    // source's serdes. key<T>() / value<T>() unbox them as the source's types (a ClassCastException otherwise).
    class Record {
    public:
        Record(const std::string& topic, int32_t partition, int64_t offset, int64_t timestamp, const Headers& headers,
               const detail::Box& key, const detail::Box& value, int64_t wall_clock_ms)
            : topic_(topic), partition_(partition), offset_(offset), timestamp_(timestamp), headers_(headers), key_(key),
              value_(value), wall_clock_ms_(wall_clock_ms) {}
        const std::string& topic() const noexcept { return topic_; }
        int32_t partition() const noexcept { return partition_; }
        int64_t offset() const noexcept { return offset_; }
        int64_t timestamp() const noexcept { return timestamp_; }
        const Headers& headers() const noexcept { return headers_; }
        template <class T>
        decltype(auto) key() const { return detail::unbox<T>(key_); }
        template <class T>
        decltype(auto) value() const { return detail::unbox<T>(value_); }
        // kstream_sim's addition: the simulation's wall clock (WallclockTimestampExtractor reads it).
        int64_t wallClockMs() const noexcept { return wall_clock_ms_; }
        std::string toString() const {
            return "ConsumerRecord(topic = " + topic_ + ", partition = " + std::to_string(partition_) +
                   ", offset = " + std::to_string(offset_) + ", timestamp = " + std::to_string(timestamp_) + ")";
        }

    private:
        const std::string& topic_;
        int32_t partition_;
        int64_t offset_;
        int64_t timestamp_;
        const Headers& headers_;
        const detail::Box& key_;
        const detail::Box& value_;
        int64_t wall_clock_ms_;
    };

    virtual ~TimestampExtractor() = default;
    virtual int64_t extract(const Record& record, int64_t partition_time) = 0;
};

// The record's own timestamp; onInvalidTimestamp decides for a negative one.
class ExtractRecordMetadataTimestamp : public TimestampExtractor {
public:
    int64_t extract(const Record& record, int64_t partition_time) override {
        const int64_t ts = record.timestamp();
        return ts < 0 ? onInvalidTimestamp(record, ts, partition_time) : ts;
    }
    virtual int64_t onInvalidTimestamp(const Record& record, int64_t record_timestamp, int64_t partition_time) = 0;
};

// The default: a negative timestamp is fatal.
class FailOnInvalidTimestamp final : public ExtractRecordMetadataTimestamp {
public:
    int64_t onInvalidTimestamp(const Record& record, int64_t, int64_t) override { throw StreamsException(message(record.toString())); }
    static std::string message(const std::string& record) {
        return "Input record " + record +
               " has invalid (negative) timestamp. Possibly because a pre-0.10 producer client was used to write this "
               "record to Kafka without embedding a timestamp, or because the input topic was created before upgrading "
               "the Kafka cluster to 0.10+. Use a different TimestampExtractor to process this data.";
    }
};
// A negative timestamp drops the record.
class LogAndSkipOnInvalidTimestamp final : public ExtractRecordMetadataTimestamp {
public:
    int64_t onInvalidTimestamp(const Record&, int64_t record_timestamp, int64_t) override { return record_timestamp; }
};
// A negative timestamp becomes the partition time (fatal while that is unknown).
class UsePartitionTimeOnInvalidTimestamp final : public ExtractRecordMetadataTimestamp {
public:
    int64_t onInvalidTimestamp(const Record& record, int64_t, int64_t partition_time) override {
        if (partition_time < 0)
            throw StreamsException("Could not infer new timestamp for input record " + record.toString() +
                                   " because partition time is unknown.");
        return partition_time;
    }
};
// Processing time: the wall clock when the record is processed (the simulation's wall clock).
class WallclockTimestampExtractor final : public TimestampExtractor {
public:
    int64_t extract(const Record& record, int64_t) override { return record.wallClockMs(); }
};

namespace detail {

// An extractor from a callable (record, partitionTime) -> timestamp.
template <class F>
class FunctionTimestampExtractor final : public TimestampExtractor {
public:
    explicit FunctionTimestampExtractor(F f) : f_(std::move(f)) {}
    int64_t extract(const Record& record, int64_t partition_time) override { return static_cast<int64_t>(f_(record, partition_time)); }

private:
    F f_;
};

// A shared extractor from an extractor object or a callable.
template <class E>
std::shared_ptr<TimestampExtractor> makeTimestampExtractor(E extractor) {
    if constexpr (std::is_base_of<TimestampExtractor, E>::value) return std::make_shared<E>(std::move(extractor));
    else return std::make_shared<FunctionTimestampExtractor<E>>(std::move(extractor));
}

// The extractor default.timestamp.extractor names; nullptr for FailOnInvalidTimestamp (the engine's fast path).
template <class D = void>
std::shared_ptr<TimestampExtractor> timestampExtractorFromClassName(const std::string& config, const std::string& name) {
    const std::string simple = name.substr(name.find_last_of('.') == std::string::npos ? 0 : name.find_last_of('.') + 1);
    if (simple == "FailOnInvalidTimestamp") return std::shared_ptr<Dependent<TimestampExtractor, D>>();
    if (simple == "LogAndSkipOnInvalidTimestamp") return std::make_shared<Dependent<LogAndSkipOnInvalidTimestamp, D>>();
    if (simple == "UsePartitionTimeOnInvalidTimestamp") return std::make_shared<Dependent<UsePartitionTimeOnInvalidTimestamp, D>>();
    if (simple == "WallclockTimestampExtractor") return std::make_shared<Dependent<WallclockTimestampExtractor, D>>();
    throw invalidConfigValue(config, name,
                             "kstream_sim knows Kafka's built-in extractors (org.apache.kafka.streams.processor.FailOnInvalidTimestamp, "
                             "LogAndSkipOnInvalidTimestamp, UsePartitionTimeOnInvalidTimestamp, WallclockTimestampExtractor); "
                             "for your own pass it to Consumed::with(...).withTimestampExtractor(...)");
}

}  // namespace detail

}  // namespace kstream_sim

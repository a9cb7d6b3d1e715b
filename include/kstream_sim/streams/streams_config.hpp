// StreamsConfig: Kafka Streams' configuration keys, defaults, checks and default serdes.
//
// Kafka Streams' configuration keys, defaults and checks, and the default serdes named by
// default.key.serde / default.value.serde.
//
// Keys for what kstream_sim does not model (threads, RocksDB, rack awareness, metrics) are accepted and
// have no effect. As everywhere in kstream_sim, an unknown key is an error that names the closest key.
#pragma once

#include <string>

#include "../clients/client_configs.hpp"
#include "../core/config.hpp"
#include "values.hpp"

namespace kstream_sim {

struct StreamsConfig {
    static constexpr const char* APPLICATION_ID_CONFIG = "application.id";
    static constexpr const char* BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    static constexpr const char* DEFAULT_KEY_SERDE_CLASS_CONFIG = "default.key.serde";
    static constexpr const char* DEFAULT_VALUE_SERDE_CLASS_CONFIG = "default.value.serde";
    static constexpr const char* STATESTORE_CACHE_MAX_BYTES_CONFIG = "statestore.cache.max.bytes";
    static constexpr const char* CACHE_MAX_BYTES_BUFFERING_CONFIG = "cache.max.bytes.buffering";  // deprecated alias
    static constexpr const char* COMMIT_INTERVAL_MS_CONFIG = "commit.interval.ms";
    static constexpr const char* PROCESSING_GUARANTEE_CONFIG = "processing.guarantee";
    static constexpr const char* TOPOLOGY_OPTIMIZATION_CONFIG = "topology.optimization";
    static constexpr const char* NUM_STREAM_THREADS_CONFIG = "num.stream.threads";
    static constexpr const char* STATE_DIR_CONFIG = "state.dir";
    static constexpr const char* MAX_TASK_IDLE_MS_CONFIG = "max.task.idle.ms";
    static constexpr const char* DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG = "default.timestamp.extractor";
    static constexpr const char* AT_LEAST_ONCE = "at_least_once";
    static constexpr const char* EXACTLY_ONCE_V2 = "exactly_once_v2";
    static constexpr const char* NO_OPTIMIZATION = "none";
    static constexpr const char* OPTIMIZE = "all";

    // (A template only so that the table is compiled when used; called as StreamsConfig::configDef().)
    template <class D = void>
    static const detail::ConfigDefImpl<D>& configDef() {
        static const detail::ConfigDefImpl<D> def = [] {
            detail::ConfigDefImpl<D> d;
            d.define(APPLICATION_ID_CONFIG, ConfigType::STRING, std::nullopt, "An identifier for the stream processing application");
            d.define(BOOTSTRAP_SERVERS_CONFIG, ConfigType::LIST, std::nullopt);
            d.define(DEFAULT_KEY_SERDE_CLASS_CONFIG, ConfigType::CLASS, std::nullopt);
            d.define(DEFAULT_VALUE_SERDE_CLASS_CONFIG, ConfigType::CLASS, std::nullopt);
            d.defineRange(STATESTORE_CACHE_MAX_BYTES_CONFIG, ConfigType::LONG, "10485760", 0);
            d.defineRange(CACHE_MAX_BYTES_BUFFERING_CONFIG, ConfigType::LONG, "10485760", 0);
            d.defineRange(COMMIT_INTERVAL_MS_CONFIG, ConfigType::LONG, "30000", 0);
            d.defineIn(PROCESSING_GUARANTEE_CONFIG, std::string(AT_LEAST_ONCE), {AT_LEAST_ONCE, EXACTLY_ONCE_V2});
            d.define(TOPOLOGY_OPTIMIZATION_CONFIG, ConfigType::STRING, std::string(NO_OPTIMIZATION));
            d.defineRange(NUM_STREAM_THREADS_CONFIG, ConfigType::INT, "1", 1);
            d.define(STATE_DIR_CONFIG, ConfigType::STRING, std::string("/tmp/kafka-streams"));
            d.define(MAX_TASK_IDLE_MS_CONFIG, ConfigType::LONG, std::string("0"));
            d.define(DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, ConfigType::CLASS, std::string("org.apache.kafka.streams.processor.FailOnInvalidTimestamp"));
            d.define(CommonClientConfigs::CLIENT_ID_CONFIG, ConfigType::STRING, std::string(""));
            d.accept({"acceptable.recovery.lag", "application.server", "buffered.records.per.partition", "built.in.metrics.version",
                      "default.client.supplier", "default.deserialization.exception.handler", "deserialization.exception.handler",
                      "default.production.exception.handler", "production.exception.handler", "default.dsl.store",
                      "dsl.store.suppliers.class", "log.summary.interval.ms", "max.warmup.replicas",
                      "num.standby.replicas", "poll.ms", "probing.rebalance.interval.ms", "processing.exception.handler",
                      "repartition.purge.interval.ms", "rack.aware.assignment.non_overlap_cost", "rack.aware.assignment.strategy",
                      "rack.aware.assignment.tags", "rack.aware.assignment.traffic_cost", "replication.factor",
                      "rocksdb.config.setter", "state.cleanup.delay.ms", "task.assignor.class", "task.timeout.ms", "upgrade.from",
                      "window.size.ms", "windowstore.changelog.additional.retention.ms", "windowed.inner.class.serde",
                      "request.timeout.ms", "retry.backoff.ms", "metadata.max.age.ms", "group.protocol"});
            CommonClientConfigs::acceptUnmodelled(d);
            for (const char* prefix : {"consumer.", "producer.", "admin.", "main.consumer.", "restore.consumer.", "global.consumer.", "topic."})
                d.acceptPrefix(prefix);
            return d;
        }();
        return def;
    }
};

namespace detail {

// The serde a Serdes class name (default.key.serde etc.) stands for; nullptr for "not set".
template <class D = void>
SerdePtr serdeFromClassName(const std::string& config, const std::string& name) {
    if (name.empty()) return nullptr;
    std::string simple = name.substr(name.find_last_of(".$") == std::string::npos ? 0 : name.find_last_of(".$") + 1);
    if (simple == "StringSerde") return erasedSerde<std::string>();
    if (simple == "LongSerde") return erasedSerde<int64_t>();
    if (simple == "IntegerSerde") return erasedSerde<int32_t>();
    if (simple == "ShortSerde") return erasedSerde<int16_t>();
    if (simple == "DoubleSerde") return erasedSerde<double>();
    if (simple == "FloatSerde") return erasedSerde<float>();
    if (simple == "BooleanSerde") return erasedSerde<bool>();
    if (simple == "ByteArraySerde" || simple == "BytesSerde") return erasedSerde<Bytes>();
    throw invalidConfigValue(config, name,
                             "kstream_sim knows Kafka's built-in serdes only (org.apache.kafka.common.serialization.Serdes$StringSerde, "
                             "$LongSerde, $IntegerSerde, $ShortSerde, $DoubleSerde, $FloatSerde, $BooleanSerde, $ByteArraySerde); "
                             "for other types pass serdes to the source or sink");
}

}  // namespace detail

}  // namespace kstream_sim

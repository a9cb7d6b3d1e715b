// Client configuration names, defaults and checks (ProducerConfig, ConsumerConfig, AdminClientConfig).
//
// Kafka 4.x's keys and default values, with CommonClientConfigs for what they share.
//
// Every key Kafka's clients accept is accepted here. Keys for what kstream_sim does not model (sockets,
// security, metrics, compression levels) are accepted and have no effect; docs/configuration.md lists them.
#pragma once

#include <string>

#include "../core/config.hpp"

namespace kstream_sim {

struct CommonClientConfigs {
    static constexpr const char* BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    static constexpr const char* CLIENT_ID_CONFIG = "client.id";
    static constexpr const char* CLIENT_DNS_LOOKUP_CONFIG = "client.dns.lookup";
    static constexpr const char* METADATA_MAX_AGE_CONFIG = "metadata.max.age.ms";
    static constexpr const char* SEND_BUFFER_CONFIG = "send.buffer.bytes";
    static constexpr const char* RECEIVE_BUFFER_CONFIG = "receive.buffer.bytes";
    static constexpr const char* RECONNECT_BACKOFF_MS_CONFIG = "reconnect.backoff.ms";
    static constexpr const char* RECONNECT_BACKOFF_MAX_MS_CONFIG = "reconnect.backoff.max.ms";
    static constexpr const char* RETRIES_CONFIG = "retries";
    static constexpr const char* RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
    static constexpr const char* RETRY_BACKOFF_MAX_MS_CONFIG = "retry.backoff.max.ms";
    static constexpr const char* REQUEST_TIMEOUT_MS_CONFIG = "request.timeout.ms";
    static constexpr const char* DEFAULT_API_TIMEOUT_MS_CONFIG = "default.api.timeout.ms";
    static constexpr const char* CONNECTIONS_MAX_IDLE_MS_CONFIG = "connections.max.idle.ms";
    static constexpr const char* SECURITY_PROTOCOL_CONFIG = "security.protocol";
    static constexpr const char* GROUP_ID_CONFIG = "group.id";
    static constexpr const char* GROUP_INSTANCE_ID_CONFIG = "group.instance.id";
    static constexpr const char* SESSION_TIMEOUT_MS_CONFIG = "session.timeout.ms";
    static constexpr const char* HEARTBEAT_INTERVAL_MS_CONFIG = "heartbeat.interval.ms";
    static constexpr const char* MAX_POLL_INTERVAL_MS_CONFIG = "max.poll.interval.ms";

    // Keys every client accepts that kstream_sim does not model.
    template <class D>
    static void acceptUnmodelled(detail::ConfigDefImpl<D>& d) {
        d.accept({"client.dns.lookup", "send.buffer.bytes", "receive.buffer.bytes", "reconnect.backoff.ms",
                  "reconnect.backoff.max.ms", "connections.max.idle.ms", "security.protocol", "security.providers",
                  "socket.connection.setup.timeout.ms", "socket.connection.setup.timeout.max.ms", "metrics.sample.window.ms",
                  "metrics.num.samples", "metrics.recording.level", "metric.reporters", "auto.include.jmx.reporter",
                  "enable.metrics.push", "metadata.recovery.strategy", "metadata.recovery.rebootstrap.trigger.ms",
                  "interceptor.classes", "retry.backoff.max.ms", "config.providers"});
        d.acceptPrefix("ssl.");
        d.acceptPrefix("sasl.");
        d.acceptPrefix("config.providers.");
    }
};

struct ProducerConfig {
    static constexpr const char* BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    static constexpr const char* CLIENT_ID_CONFIG = "client.id";
    static constexpr const char* ACKS_CONFIG = "acks";
    static constexpr const char* BATCH_SIZE_CONFIG = "batch.size";
    static constexpr const char* LINGER_MS_CONFIG = "linger.ms";
    static constexpr const char* BUFFER_MEMORY_CONFIG = "buffer.memory";
    static constexpr const char* MAX_BLOCK_MS_CONFIG = "max.block.ms";
    static constexpr const char* MAX_REQUEST_SIZE_CONFIG = "max.request.size";
    static constexpr const char* REQUEST_TIMEOUT_MS_CONFIG = "request.timeout.ms";
    static constexpr const char* DELIVERY_TIMEOUT_MS_CONFIG = "delivery.timeout.ms";
    static constexpr const char* RETRIES_CONFIG = "retries";
    static constexpr const char* RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
    static constexpr const char* MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = "max.in.flight.requests.per.connection";
    static constexpr const char* ENABLE_IDEMPOTENCE_CONFIG = "enable.idempotence";
    static constexpr const char* TRANSACTIONAL_ID_CONFIG = "transactional.id";
    static constexpr const char* TRANSACTION_TIMEOUT_CONFIG = "transaction.timeout.ms";
    static constexpr const char* KEY_SERIALIZER_CLASS_CONFIG = "key.serializer";
    static constexpr const char* VALUE_SERIALIZER_CLASS_CONFIG = "value.serializer";
    static constexpr const char* PARTITIONER_CLASS_CONFIG = "partitioner.class";
    static constexpr const char* PARTITIONER_IGNORE_KEYS_CONFIG = "partitioner.ignore.keys";
    static constexpr const char* PARTITIONER_ADPATIVE_PARTITIONING_ENABLE_CONFIG = "partitioner.adaptive.partitioning.enable";
    static constexpr const char* PARTITIONER_AVAILABILITY_TIMEOUT_MS_CONFIG = "partitioner.availability.timeout.ms";
    static constexpr const char* COMPRESSION_TYPE_CONFIG = "compression.type";
    static constexpr const char* METADATA_MAX_AGE_CONFIG = "metadata.max.age.ms";
    static constexpr const char* METADATA_MAX_IDLE_CONFIG = "metadata.max.idle.ms";

    // A template (called as configDef()) so that the table is compiled only by programs that use it.
    template <class D = void>
    static const detail::ConfigDefImpl<D>& configDef() {
        static const detail::ConfigDefImpl<D> def = [] {
            using T = ConfigType;
            detail::ConfigDefImpl<D> d;
            d.define(BOOTSTRAP_SERVERS_CONFIG, T::LIST, std::string(""));
            d.define(CLIENT_ID_CONFIG, T::STRING, std::string(""));
            d.defineIn(ACKS_CONFIG, std::string("all"), {"all", "-1", "0", "1"});
            d.defineRange(BATCH_SIZE_CONFIG, T::INT, "16384", 0);
            d.defineRange(LINGER_MS_CONFIG, T::LONG, "5", 0);  // 5 since Kafka 4.0 (KIP-1030); 0 before
            d.defineRange(BUFFER_MEMORY_CONFIG, T::LONG, "33554432", 0);
            d.defineRange(MAX_BLOCK_MS_CONFIG, T::LONG, "60000", 0);
            d.defineRange(MAX_REQUEST_SIZE_CONFIG, T::INT, "1048576", 0);
            d.defineRange(REQUEST_TIMEOUT_MS_CONFIG, T::INT, "30000", 0);
            d.defineRange(DELIVERY_TIMEOUT_MS_CONFIG, T::INT, "120000", 0);
            d.defineRange(RETRIES_CONFIG, T::INT, "2147483647", 0, INT32_MAX);
            d.defineRange(RETRY_BACKOFF_MS_CONFIG, T::LONG, "100", 0);
            d.defineRange(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, T::INT, "5", 1);
            d.define(ENABLE_IDEMPOTENCE_CONFIG, T::BOOLEAN, std::string("true"));
            d.define(TRANSACTIONAL_ID_CONFIG, T::STRING, std::nullopt);
            d.defineRange(TRANSACTION_TIMEOUT_CONFIG, T::INT, "60000", std::nullopt);
            d.define(KEY_SERIALIZER_CLASS_CONFIG, T::CLASS, std::nullopt);
            d.define(VALUE_SERIALIZER_CLASS_CONFIG, T::CLASS, std::nullopt);
            d.define(PARTITIONER_CLASS_CONFIG, T::CLASS, std::nullopt);
            d.define(PARTITIONER_IGNORE_KEYS_CONFIG, T::BOOLEAN, std::string("false"));
            d.define(PARTITIONER_ADPATIVE_PARTITIONING_ENABLE_CONFIG, T::BOOLEAN, std::string("true"));
            d.defineRange(PARTITIONER_AVAILABILITY_TIMEOUT_MS_CONFIG, T::LONG, "0", 0);
            d.defineIn(COMPRESSION_TYPE_CONFIG, std::string("none"), {"none", "gzip", "snappy", "lz4", "zstd"});
            d.defineRange(METADATA_MAX_AGE_CONFIG, T::LONG, "300000", 0);
            d.defineRange(METADATA_MAX_IDLE_CONFIG, T::LONG, "300000", 5000);
            d.accept({"compression.gzip.level", "compression.lz4.level", "compression.zstd.level",
                      "transaction.two.phase.commit.enable"});
            CommonClientConfigs::acceptUnmodelled(d);
            return d;
        }();
        return def;
    }
};

struct ConsumerConfig {
    static constexpr const char* BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    static constexpr const char* CLIENT_ID_CONFIG = "client.id";
    static constexpr const char* GROUP_ID_CONFIG = "group.id";
    static constexpr const char* GROUP_INSTANCE_ID_CONFIG = "group.instance.id";
    static constexpr const char* GROUP_PROTOCOL_CONFIG = "group.protocol";
    static constexpr const char* GROUP_REMOTE_ASSIGNOR_CONFIG = "group.remote.assignor";
    static constexpr const char* SESSION_TIMEOUT_MS_CONFIG = "session.timeout.ms";
    static constexpr const char* HEARTBEAT_INTERVAL_MS_CONFIG = "heartbeat.interval.ms";
    static constexpr const char* MAX_POLL_INTERVAL_MS_CONFIG = "max.poll.interval.ms";
    static constexpr const char* MAX_POLL_RECORDS_CONFIG = "max.poll.records";
    static constexpr const char* PARTITION_ASSIGNMENT_STRATEGY_CONFIG = "partition.assignment.strategy";
    static constexpr const char* ENABLE_AUTO_COMMIT_CONFIG = "enable.auto.commit";
    static constexpr const char* AUTO_COMMIT_INTERVAL_MS_CONFIG = "auto.commit.interval.ms";
    static constexpr const char* AUTO_OFFSET_RESET_CONFIG = "auto.offset.reset";
    static constexpr const char* FETCH_MIN_BYTES_CONFIG = "fetch.min.bytes";
    static constexpr const char* FETCH_MAX_BYTES_CONFIG = "fetch.max.bytes";
    static constexpr const char* FETCH_MAX_WAIT_MS_CONFIG = "fetch.max.wait.ms";
    static constexpr const char* MAX_PARTITION_FETCH_BYTES_CONFIG = "max.partition.fetch.bytes";
    static constexpr const char* ISOLATION_LEVEL_CONFIG = "isolation.level";
    static constexpr const char* KEY_DESERIALIZER_CLASS_CONFIG = "key.deserializer";
    static constexpr const char* VALUE_DESERIALIZER_CLASS_CONFIG = "value.deserializer";
    static constexpr const char* REQUEST_TIMEOUT_MS_CONFIG = "request.timeout.ms";
    static constexpr const char* DEFAULT_API_TIMEOUT_MS_CONFIG = "default.api.timeout.ms";
    static constexpr const char* ALLOW_AUTO_CREATE_TOPICS_CONFIG = "allow.auto.create.topics";
    static constexpr const char* EXCLUDE_INTERNAL_TOPICS_CONFIG = "exclude.internal.topics";
    static constexpr const char* CLIENT_RACK_CONFIG = "client.rack";
    static constexpr const char* CHECK_CRCS_CONFIG = "check.crcs";
    static constexpr const char* METADATA_MAX_AGE_CONFIG = "metadata.max.age.ms";
    static constexpr const char* RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";

    // A template (called as configDef()) so that the table is compiled only by programs that use it.
    template <class D = void>
    static const detail::ConfigDefImpl<D>& configDef() {
        static const detail::ConfigDefImpl<D> def = [] {
            using T = ConfigType;
            detail::ConfigDefImpl<D> d;
            d.define(BOOTSTRAP_SERVERS_CONFIG, T::LIST, std::string(""));
            d.define(CLIENT_ID_CONFIG, T::STRING, std::string(""));
            d.define(GROUP_ID_CONFIG, T::STRING, std::nullopt);
            d.define(GROUP_INSTANCE_ID_CONFIG, T::STRING, std::nullopt);
            d.defineIn(GROUP_PROTOCOL_CONFIG, std::string("classic"), {"classic", "consumer"}, true);
            d.define(GROUP_REMOTE_ASSIGNOR_CONFIG, T::STRING, std::nullopt);
            d.defineRange(SESSION_TIMEOUT_MS_CONFIG, T::INT, "45000", std::nullopt);
            d.defineRange(HEARTBEAT_INTERVAL_MS_CONFIG, T::INT, "3000", std::nullopt);
            d.defineRange(MAX_POLL_INTERVAL_MS_CONFIG, T::INT, "300000", 1);
            d.defineRange(MAX_POLL_RECORDS_CONFIG, T::INT, "500", 1);
            d.define(PARTITION_ASSIGNMENT_STRATEGY_CONFIG, T::LIST,
                     std::string("org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.CooperativeStickyAssignor"));
            d.define(ENABLE_AUTO_COMMIT_CONFIG, T::BOOLEAN, std::string("true"));
            d.defineRange(AUTO_COMMIT_INTERVAL_MS_CONFIG, T::INT, "5000", 0);
            // latest | earliest | none | by_duration:<ISO-8601 duration> (KIP-1106, Kafka 4.0); case-sensitive.
            d.define(AUTO_OFFSET_RESET_CONFIG, T::STRING, std::string("latest"));
            d.defineRange(FETCH_MIN_BYTES_CONFIG, T::INT, "1", 0);
            d.defineRange(FETCH_MAX_BYTES_CONFIG, T::INT, "52428800", 0);
            d.defineRange(FETCH_MAX_WAIT_MS_CONFIG, T::INT, "500", 0);
            d.defineRange(MAX_PARTITION_FETCH_BYTES_CONFIG, T::INT, "1048576", 0);
            d.defineIn(ISOLATION_LEVEL_CONFIG, std::string("read_uncommitted"), {"read_committed", "read_uncommitted"});
            d.define(KEY_DESERIALIZER_CLASS_CONFIG, T::CLASS, std::nullopt);
            d.define(VALUE_DESERIALIZER_CLASS_CONFIG, T::CLASS, std::nullopt);
            d.defineRange(REQUEST_TIMEOUT_MS_CONFIG, T::INT, "30000", 0);
            d.defineRange(DEFAULT_API_TIMEOUT_MS_CONFIG, T::INT, "60000", 0);
            d.define(ALLOW_AUTO_CREATE_TOPICS_CONFIG, T::BOOLEAN, std::string("true"));
            d.define(EXCLUDE_INTERNAL_TOPICS_CONFIG, T::BOOLEAN, std::string("true"));
            d.define(CLIENT_RACK_CONFIG, T::STRING, std::string(""));
            d.define(CHECK_CRCS_CONFIG, T::BOOLEAN, std::string("true"));
            d.defineRange(METADATA_MAX_AGE_CONFIG, T::LONG, "300000", 0);
            d.defineRange(RETRY_BACKOFF_MS_CONFIG, T::LONG, "100", 0);
            d.accept({"share.acknowledgement.mode", "enable.metrics.push"});
            CommonClientConfigs::acceptUnmodelled(d);
            return d;
        }();
        return def;
    }
};

struct AdminClientConfig {
    static constexpr const char* BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    static constexpr const char* BOOTSTRAP_CONTROLLERS_CONFIG = "bootstrap.controllers";
    static constexpr const char* CLIENT_ID_CONFIG = "client.id";
    static constexpr const char* REQUEST_TIMEOUT_MS_CONFIG = "request.timeout.ms";
    static constexpr const char* DEFAULT_API_TIMEOUT_MS_CONFIG = "default.api.timeout.ms";
    static constexpr const char* RETRIES_CONFIG = "retries";
    static constexpr const char* RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
    static constexpr const char* METADATA_MAX_AGE_CONFIG = "metadata.max.age.ms";

    // A template (called as configDef()) so that the table is compiled only by programs that use it.
    template <class D = void>
    static const detail::ConfigDefImpl<D>& configDef() {
        static const detail::ConfigDefImpl<D> def = [] {
            using T = ConfigType;
            detail::ConfigDefImpl<D> d;
            d.define(BOOTSTRAP_SERVERS_CONFIG, T::LIST, std::string(""));
            d.define(BOOTSTRAP_CONTROLLERS_CONFIG, T::LIST, std::string(""));
            d.define(CLIENT_ID_CONFIG, T::STRING, std::string(""));
            d.defineRange(REQUEST_TIMEOUT_MS_CONFIG, T::INT, "30000", 0);
            d.defineRange(DEFAULT_API_TIMEOUT_MS_CONFIG, T::INT, "60000", 0);
            d.defineRange(RETRIES_CONFIG, T::INT, "2147483647", 0);
            d.defineRange(RETRY_BACKOFF_MS_CONFIG, T::LONG, "100", 0);
            d.defineRange(METADATA_MAX_AGE_CONFIG, T::LONG, "300000", 0);
            CommonClientConfigs::acceptUnmodelled(d);
            return d;
        }();
        return def;
    }
};

}  // namespace kstream_sim

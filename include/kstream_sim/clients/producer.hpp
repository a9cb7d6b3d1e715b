// KafkaProducer: partitioning, batching (batch.size, linger.ms), the sender and acknowledgements.
//
// send() serializes the record, picks its partition (Kafka's murmur2 of the serialized key, or sticky
// partitioning for null keys, KIP-794) and appends it to the open batch of that partition. A batch is sent
// when it is full or linger.ms has passed since it was opened; at most max.in.flight.requests.per.connection
// requests are outstanding per broker. As in Kafka, send() returns at once; the simulated I/O thread runs
// whenever the program blocks (future.get(), flush(), poll(), cluster.advance()).
//
// Delivery: a batch that fails with a retriable error (a lost connection, a request timeout after
// request.timeout.ms, NotEnoughReplicas, a leader change) is sent again after retry.backoff.ms, until it
// succeeds, `retries` is exhausted or delivery.timeout.ms has passed since it was created. Without idempotence
// a retry after a lost acknowledgement writes the batch twice, and with several requests in flight a retried
// batch lands after younger ones. With enable.idempotence (the default) the producer gets a producer id from
// the broker and numbers each partition's batches; the leader writes a retried batch only once (answering with
// its first offsets) and refuses a gap (OutOfOrderSequenceException, retried here while an earlier batch is
// still unresolved), so every record is written once, in order, with up to 5 requests in flight.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "../broker/cluster.hpp"
#include "../core/dependent.hpp"
#include "../core/hashing.hpp"
#include "../core/ref.hpp"
#include "client_configs.hpp"
#include "consumer_record.hpp"
#include "future.hpp"
#include "producer_record.hpp"

namespace kstream_sim {

// Kafka's Callback.onCompletion(metadata, exception): exception is nullptr on success.
using Callback = std::function<void(const RecordMetadata&, const KafkaException*)>;

// Kafka's Partitioner, as a callable: (topic, serialized key, serialized value, partition count) -> partition.
using Partitioner = std::function<int32_t(const std::string& topic, ByteView key, ByteView value, int32_t num_partitions)>;

class PartitionInfo {
public:
    PartitionInfo(std::string topic, int32_t partition, int32_t leader, std::vector<int32_t> replicas, std::vector<int32_t> isr)
        : topic_(std::move(topic)), partition_(partition), leader_(leader), replicas_(std::move(replicas)), isr_(std::move(isr)) {}
    const std::string& topic() const noexcept { return topic_; }
    int32_t partition() const noexcept { return partition_; }
    int32_t leader() const noexcept { return leader_; }
    const std::vector<int32_t>& replicas() const noexcept { return replicas_; }
    const std::vector<int32_t>& inSyncReplicas() const noexcept { return isr_; }

private:
    std::string topic_;
    int32_t partition_, leader_;
    std::vector<int32_t> replicas_, isr_;
};

namespace detail {

// A batch on the client: open in the accumulator, then in flight, then done.
struct ProducerBatch : RefCounted {
    TopicPartition tp;
    std::shared_ptr<BatchPayload> payload = std::make_shared<BatchPayload>();
    int64_t created_ms = 0;
    int64_t allocated_bytes = 0;  // buffer.memory held until the batch completes
    int32_t attempts = 0;
    int32_t base_sequence = -1;  // idempotence: assigned when the batch is first sent, kept for its retries
    bool full = false;
    struct PendingCallback {
        int32_t index;
        int64_t timestamp;
        int32_t key_size, value_size;
        Callback callback;
    };
    std::vector<PendingCallback> callbacks;
    Scheduler* scheduler = nullptr;
    // The outcome.
    bool done = false;
    int64_t base_offset = -1;
    int64_t log_append_time = -1;
    std::exception_ptr error;
};

}  // namespace detail

template <class T>
class Future;

// What send() returns: java.util.concurrent.Future<RecordMetadata>. get() runs the virtual clock until the
// record's batch is acknowledged, then returns its metadata or throws the send's exception.
template <>
class Future<RecordMetadata> {
public:
    Future() = default;
    Future(Ref<detail::ProducerBatch> batch, int32_t index, int64_t timestamp, int32_t key_size, int32_t value_size)
        : batch_(std::move(batch)), index_(index), timestamp_(timestamp), key_size_(key_size), value_size_(value_size) {}

    bool isDone() const noexcept { return batch_ && batch_->done; }
    // (get() is a template only so that the blocking wait is compiled when a program uses it.)
    template <class D = void>
    RecordMetadata get() const { return getFor<D>(detail::Dependent<Scheduler, D>::kForever); }
    template <class Rep, class Period>
    RecordMetadata get(std::chrono::duration<Rep, Period> timeout) const {
        return getFor<void>(std::chrono::duration_cast<Millis>(timeout).count());
    }

private:
    template <class D>
    RecordMetadata getFor(int64_t timeout_ms) const {
        if (!batch_) throw IllegalStateException("Future::get() on a default-constructed future");
        if (!batch_->done) detail::blockUntil(*batch_->scheduler, [this] { return batch_->done; }, "Future<RecordMetadata>.get()", timeout_ms);
        if (batch_->error) std::rethrow_exception(batch_->error);
        return metadata();
    }
    RecordMetadata metadata() const {
        const int64_t offset = batch_->base_offset < 0 ? -1 : batch_->base_offset + index_;
        const int64_t ts = batch_->log_append_time >= 0 ? batch_->log_append_time : timestamp_;
        return RecordMetadata(batch_->tp, offset, ts, key_size_, value_size_);
    }

    Ref<detail::ProducerBatch> batch_;
    int32_t index_ = 0;
    int64_t timestamp_ = -1;
    int32_t key_size_ = -1, value_size_ = -1;
};

namespace detail {

// The untyped engine of a producer: everything after serialization.
template <class D = void>
class ProducerCoreImpl;
// A class template only so that it is compiled when used (see SchedulerImpl in core/scheduler.hpp).
using ProducerCore = ProducerCoreImpl<>;

template <class D>
class ProducerCoreImpl {
    // The parts, named through this template's parameter so that they too are compiled only when used.
    using Cluster = ClusterImpl<D>;
    using Properties = PropertiesImpl<D>;
    using AbstractConfig = AbstractConfigImpl<D>;
    using Scheduler = SchedulerImpl<D>;
    // Plain types named through D too: containers of them are then built only with this class.
    using CommittedOffset = Dependent<kstream_sim::CommittedOffset, D>;
    using OffsetAndMetadata = Dependent<kstream_sim::OffsetAndMetadata, D>;
    using PartitionInfo = Dependent<kstream_sim::PartitionInfo, D>;
    using ProduceEntry = Dependent<kstream_sim::ProduceEntry, D>;
    using ProducePartitionResult = Dependent<kstream_sim::ProducePartitionResult, D>;
    using ProducerBatch = Dependent<detail::ProducerBatch, D>;
    using RecordMetadata = Dependent<kstream_sim::RecordMetadata, D>;
    using TopicPartition = Dependent<kstream_sim::TopicPartition, D>;
    using TopicState = Dependent<kstream_sim::TopicState, D>;
    using ExceptionPtr = Dependent<std::exception_ptr, D>;

public:
    ProducerCoreImpl(Cluster& cluster, const Properties& props, Partitioner partitioner)
        : cluster_(cluster), config_(ProducerConfig::configDef<D>(), props, "the producer"), partitioner_(std::move(partitioner)) {
        validateIdempotence();
        client_id_ = config_.getString(ProducerConfig::CLIENT_ID_CONFIG);
        if (client_id_.empty()) client_id_ = cluster.nextClientId("producer");
        network_id_ = std::make_shared<const std::string>(client_id_);
        random_ = cluster.randomFor(client_id_);
        const std::string acks = config_.getString(ProducerConfig::ACKS_CONFIG);
        acks_ = acks == "all" || acks == "-1" ? -1 : std::stoi(acks);
        batch_size_ = config_.getInt(ProducerConfig::BATCH_SIZE_CONFIG);
        linger_ms_ = config_.getLong(ProducerConfig::LINGER_MS_CONFIG);
        buffer_memory_ = config_.getLong(ProducerConfig::BUFFER_MEMORY_CONFIG);
        max_block_ms_ = config_.getLong(ProducerConfig::MAX_BLOCK_MS_CONFIG);
        max_request_size_ = config_.getInt(ProducerConfig::MAX_REQUEST_SIZE_CONFIG);
        max_in_flight_ = config_.getInt(ProducerConfig::MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        retries_ = config_.getInt(ProducerConfig::RETRIES_CONFIG);
        retry_backoff_ms_ = config_.getLong(ProducerConfig::RETRY_BACKOFF_MS_CONFIG);
        request_timeout_ms_ = config_.getInt(ProducerConfig::REQUEST_TIMEOUT_MS_CONFIG);
        idempotent_ = config_.getBoolean(ProducerConfig::ENABLE_IDEMPOTENCE_CONFIG);
        delivery_timeout_ms_ = config_.getInt(ProducerConfig::DELIVERY_TIMEOUT_MS_CONFIG);
        metadata_max_age_ms_ = config_.getLong(ProducerConfig::METADATA_MAX_AGE_CONFIG);
        ignore_keys_ = config_.getBoolean(ProducerConfig::PARTITIONER_IGNORE_KEYS_CONFIG);
        configurePartitionerClass();
        hash_keys_ = !partitioner_ && !round_robin_ && !ignore_keys_;
        if (!config_.isNull(ProducerConfig::TRANSACTIONAL_ID_CONFIG)) transactional_id_ = config_.getString(ProducerConfig::TRANSACTIONAL_ID_CONFIG);
        transaction_timeout_ms_ = config_.getInt(ProducerConfig::TRANSACTION_TIMEOUT_CONFIG);
        // Kafka's sender thread asks for a producer id as soon as it starts, before any send (a transactional
        // producer gets its id from initTransactions()).
        if (idempotent_ && !transactional_id_) requestProducerId();
    }
    ProducerCoreImpl(const ProducerCoreImpl&) = delete;
    ProducerCoreImpl& operator=(const ProducerCoreImpl&) = delete;
    ~ProducerCoreImpl() { closed_ = true; }

    const AbstractConfig& config() const noexcept { return config_; }
    const std::string& clientId() const noexcept { return client_id_; }
    Cluster& cluster() noexcept { return cluster_; }

    // A record as send() hands it over: its key and value serialized, the rest the ProducerRecord's own. (One
    // argument rather than seven: send() is called per record, and seven are passed partly on the stack.)
    struct OutgoingRecord {
        const std::string& topic;
        const std::optional<int32_t>& partition;
        const std::optional<int64_t>& timestamp;
        ByteView key, value;
        const Headers* headers;  // null when there are none
    };

    // `callback` may be null; it is moved from when given.
    Future<RecordMetadata> append(const OutgoingRecord& record, Callback* callback) {
        const std::string& topic = record.topic;
        const std::optional<int32_t>& explicit_partition = record.partition;
        const ByteView key = record.key, value = record.value;
        const Headers* const headers = record.headers;
        if (closed_) throw IllegalStateException("Cannot perform operation after producer has been closed");
        TopicEntry* entry = last_topic_;
        if (!entry || !sameString(entry->name, topic) || cluster_.nowMs() - entry->fetched_ms >= metadata_max_age_ms_) {
            try {
                entry = &waitOnMetadata(topic);
            } catch (const ApiException&) {
                return failedSend(TopicPartition(topic, explicit_partition.value_or(-1)), std::current_exception(), key, value, callback);
            }
        }
        const int32_t partitions = entry->partitionCount;
        if (explicit_partition && *explicit_partition >= partitions)
            throw KafkaException("Invalid partition given with record: " + std::to_string(*explicit_partition) +
                                 " is not in the range [0..." + std::to_string(partitions) + ").");
        const int64_t ts = record.timestamp ? *record.timestamp : cluster_.nowMs();
        const int32_t record_size = recordSizeUpperBound(key, value, headers);
        if (record_size > max_request_size_) {
            return failedSend(TopicPartition(topic, explicit_partition.value_or(0)),
                              std::make_exception_ptr(RecordTooLargeException(
                                  "The message is " + std::to_string(record_size) +
                                  " bytes when serialized which is larger than " + std::to_string(max_request_size_) +
                                  ", which is the value of the max.request.size configuration.")),
                              key, value, callback);
        }
        const int32_t partition = explicit_partition ? *explicit_partition : choosePartition(*entry, topic, key, value);
        PartitionQueue& queue = entry->queues[static_cast<size_t>(partition)];
        if (transactional_id_) addToTransaction(queue, topic, partition);
        ProducerBatch* batch = queue.open();
        int32_t size = batch ? batch->payload->tryAppend(ts, key, value, headers, batch_size_) : 0;
        if (size == 0) {  // no open batch, or the record does not fit in batch.size: a new batch
            if (batch) markFull(*batch);
            batch = &openBatch(queue, topic, partition, record_size);
            size = batch->payload->tryAppend(ts, key, value, headers, INT64_MAX);
        }
        const int32_t index = batch->payload->count() - 1;
        if (callback && *callback) batch->callbacks.push_back({index, ts, key.size, value.size, std::move(*callback)});
        if (entry->sticky_partition == partition) entry->sticky_bytes += size;
        return Future<RecordMetadata>(Ref<ProducerBatch>(batch), index, ts, key.size, value.size);
    }

    // Sends everything buffered now and waits until every batch is acknowledged.
    void flush() {
        flushing_ = true;
        runSenderNow();
        blockUntil(cluster_.scheduler(), [this] { return inFlightOrQueued() == 0; }, "KafkaProducer.flush()");
        flushing_ = false;
    }

    // Sends what is buffered and waits up to timeout_ms (Scheduler::kForever: as long as it takes).
    void close(int64_t timeout_ms) {
        if (closed_) return;
        // As Kafka's sender on a graceful close: a transaction still open is aborted.
        if (timeout_ms > 0 && transactional_id_ && txn_state_ == TxnState::InTransaction) {
            try {
                abortTransaction(timeout_ms);
            } catch (const KafkaException&) {
            }
        }
        if (timeout_ms > 0) {
            flushing_ = true;
            runSenderNow();
            const int64_t deadline = timeout_ms == Scheduler::kForever ? Scheduler::kForever : cluster_.nowMs() + timeout_ms;
            cluster_.scheduler().runUntil(deadline, [this] { return inFlightOrQueued() == 0; });
        }
        abortUnsent("Producer is closed forcefully.");
        closed_ = true;
    }

    // ---- transactions (Kafka's TransactionManager) ----
    enum class TxnState : int8_t {
        Uninitialized, Initializing, Ready, InTransaction, CommittingTransaction, AbortingTransaction, AbortableError, FatalError
    };
    static const char* txnStateName(TxnState s) noexcept {
        static const char* const names[] = {"UNINITIALIZED",          "INITIALIZING",         "READY",           "IN_TRANSACTION",
                                            "COMMITTING_TRANSACTION", "ABORTING_TRANSACTION", "ABORTABLE_ERROR", "FATAL_ERROR"};
        return names[static_cast<int>(s)];
    }
    TxnState transactionState() const noexcept { return txn_state_; }

    // initTransactions(): a producer id for the transactional.id from its coordinator, with the epoch bumped
    // past any earlier producer of the same id (which is fenced; its open transaction is aborted).
    void initTransactions(int64_t timeout_ms) {
        requireTransactional();
        transitionTo(TxnState::Initializing);
        auto result = std::make_shared<std::optional<std::pair<int64_t, Dependent<int16_t, D>>>>();
        const std::string id = *transactional_id_;
        const int64_t txn_timeout = transaction_timeout_ms_;
        toTransactionCoordinator(ApiKey::InitProducerId, [id, txn_timeout, result](Cluster& c) -> std::function<void()> {
            auto r = c.initTransactionalId(id, txn_timeout);
            return [r, result] { *result = r; };
        });
        blockUntil(cluster_.scheduler(), [&] { return result->has_value(); }, "KafkaProducer.initTransactions()", timeout_ms);
        producer_id_ = (*result)->first;
        producer_epoch_ = (*result)->second;
        resetSequences();
        transitionTo(TxnState::Ready);
    }

    void beginTransaction() {
        requireTransactional();
        maybeFailWithError();
        transitionTo(TxnState::InTransaction);
        clearTransactionPartitions();
        txn_started_ = false;
    }

    // sendOffsetsToTransaction(): the consumer group's offsets, committed if and only if the transaction commits.
    void sendOffsetsToTransaction(const std::map<TopicPartition, OffsetAndMetadata>& offsets, const ConsumerGroupMetadata& group,
                                  int64_t timeout_ms) {
        requireTransactional();
        maybeFailWithError();
        if (txn_state_ != TxnState::InTransaction)
            throw IllegalStateException(std::string("Cannot send offsets if a transaction is not in progress (currentState= ") +
                                        txnStateName(txn_state_) + ")");
        if (offsets.empty()) return;
        std::map<TopicPartition, CommittedOffset> commit;
        for (const auto& [tp, o] : offsets) commit[tp] = CommittedOffset{o.offset(), o.leaderEpoch(), o.metadata(), cluster_.nowMs()};
        auto outcome = std::make_shared<std::optional<ExceptionPtr>>();
        const std::string id = *transactional_id_;
        const int64_t pid = producer_id_;
        const int16_t epoch = producer_epoch_;
        toTransactionCoordinator(ApiKey::AddOffsetsToTxn, [id, pid, epoch, group, outcome](Cluster& c) -> std::function<void()> {
            auto error = c.addOffsetsToTransaction(id, pid, epoch, group.groupId());
            return [outcome, error] { *outcome = error; };
        });
        blockUntil(cluster_.scheduler(), [&] { return outcome->has_value(); }, "KafkaProducer.sendOffsetsToTransaction()", timeout_ms);
        if (**outcome) failTransactionalCall(**outcome);
        txn_started_ = true;
        outcome->reset();
        cluster_.roundTrip(cluster_.coordinatorFor(group.groupId()), [c = &cluster_, id, pid, epoch, group, commit, outcome]() -> std::function<void()> {
            auto error = c->transactionalOffsetCommit(id, pid, epoch, group.groupId(), group.memberId(), group.groupInstanceId(),
                                                      group.generationId(), commit);
            return [outcome, error] { *outcome = error; };
        });
        blockUntil(cluster_.scheduler(), [&] { return outcome->has_value(); }, "KafkaProducer.sendOffsetsToTransaction()", timeout_ms);
        if (**outcome) failTransactionalCall(**outcome);
    }

    // commitTransaction(): sends what is buffered, waits for it, then the two-phase commit at the coordinator.
    void commitTransaction(int64_t timeout_ms) {
        requireTransactional();
        maybeFailWithError();
        transitionTo(TxnState::CommittingTransaction);
        flush();
        if (txn_error_) {
            txn_state_ = TxnState::AbortableError;
            maybeFailWithError();
        }
        endTransaction(true, timeout_ms);
    }

    // abortTransaction(): records not sent yet fail with TransactionAbortedException; what was written is
    // marked aborted, and read_committed consumers never see it.
    void abortTransaction(int64_t timeout_ms) {
        requireTransactional();
        if (txn_state_ == TxnState::FatalError) maybeFailWithError();
        transitionTo(TxnState::AbortingTransaction);
        for (const auto& entry : topic_order_)
            for (auto& q : entry->queues) {
                for (auto& b : q.batches)
                    complete(*b, -1, -1, std::make_exception_ptr(TransactionAbortedException("Failing batch since transaction was aborted")));
                q.batches.clear();
            }
        blockUntil(cluster_.scheduler(), [this] { return requests_.empty(); }, "KafkaProducer.abortTransaction()", timeout_ms);
        endTransaction(false, timeout_ms);
    }

    // A kstream_sim addition (Java has none): the producer's process dies. Nothing more is sent, nothing is
    // aborted: an open transaction stays open until transaction.timeout.ms, when its coordinator aborts it.
    void simulateCrash() {
        closed_ = true;
        *alive_ = false;
        cluster_.trace().record(cluster_.nowMs(), "crash", client_id_);
    }

    std::vector<PartitionInfo> partitionsFor(const std::string& topic) {
        waitOnMetadata(topic);
        std::vector<PartitionInfo> out;
        for (const auto& p : cluster_.topic(topic).partitions) out.emplace_back(topic, p.partition, p.leader, p.replicas, p.isr);
        return out;
    }

private:
    enum class TxnMembership : uint8_t {
        None,     // not part of the current transaction
        Pending,  // to be added (AddPartitionsToTxn not yet answered): its batches wait
        Added,    // added: its batches may be sent
    };
    struct PartitionQueue {
        std::deque<Ref<ProducerBatch>> batches;  // waiting to be sent, oldest first
        bool muted = false;  // max.in.flight 1: no new batch while one is in flight
        // Idempotence: the next batch's sequence, batches sent and not yet resolved, and batches to resend.
        int32_t next_sequence = 0;
        int32_t acked_next_sequence = 0;  // the sequence after the last acknowledged batch
        int32_t in_flight = 0;
        // (Counted for every producer: at least as many as the queue holds batches sent before, so while it is 0
        // expireBatches() need not look at the queue.)
        int32_t retrying = 0;
        // Transactions: whether this partition is part of the current transaction.
        TxnMembership txn_membership = TxnMembership::None;
        std::string trace_name;  // "<topic>-<partition>", made on the first acknowledgement
        ProducerBatch* open() { return batches.empty() || batches.back()->full ? nullptr : batches.back().get(); }
        const std::string& traceName(const TopicPartition& tp) {
            if (trace_name.empty()) trace_name = tp.toString();
            return trace_name;
        }
    };
    struct TopicEntry {
        std::string name;
        int32_t partitionCount = 0;
        FixedDivisor partition_divisor;  // x % partitionCount, for the default partitioner
        int64_t fetched_ms = 0;
        std::vector<PartitionQueue> queues;
        int32_t sticky_partition = -1;  // KIP-794 uniform sticky partitioning for null keys
        int64_t sticky_bytes = 0;
        uint32_t round_robin = 0;
        // The partitions' leaders as of the cluster's layout version `leaders_version` (see leaderOf()).
        std::vector<int32_t> leaders;
        uint64_t leaders_version = ~uint64_t{0};
    };

    // Kafka's ProducerConfig.postProcessAndValidateIdempotenceConfigs.
    void validateIdempotence() {
        const bool explicit_idem = config_.isExplicit(ProducerConfig::ENABLE_IDEMPOTENCE_CONFIG);
        bool idempotent = config_.getBoolean(ProducerConfig::ENABLE_IDEMPOTENCE_CONFIG);
        if (idempotent) {
            const std::string acks = config_.getString(ProducerConfig::ACKS_CONFIG);
            auto conflict = [&](bool bad, const char* message) {
                if (!bad) return;
                if (explicit_idem) throw ConfigException(message);
                idempotent = false;  // an implicit default gives way silently, as in Kafka
            };
            conflict(config_.getInt(ProducerConfig::RETRIES_CONFIG) == 0,
                     "Must set retries to non-zero when using the idempotent producer.");
            conflict(acks != "all" && acks != "-1",
                     "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.");
            const int32_t in_flight = config_.getInt(ProducerConfig::MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
            if (in_flight > 5) {
                // An error since Kafka 4.0 even when idempotence is only the default (it was a warning before).
                if (explicit_idem)
                    throw ConfigException("Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.");
                if (idempotent)
                    throw ConfigException("To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5. "
                                          "Current value is " + std::to_string(in_flight) + ".");
            }
        }
        config_.set(ProducerConfig::ENABLE_IDEMPOTENCE_CONFIG, idempotent);
        if (!config_.isNull(ProducerConfig::TRANSACTIONAL_ID_CONFIG) && config_.getString(ProducerConfig::TRANSACTIONAL_ID_CONFIG).empty())
            throw invalidConfigValue(ProducerConfig::TRANSACTIONAL_ID_CONFIG, "", "String must be non-empty");
        if (!idempotent && !config_.isNull(ProducerConfig::TRANSACTIONAL_ID_CONFIG))
            throw ConfigException("Cannot set a transactional.id without also enabling idempotence.");
        if (config_.isExplicit(ProducerConfig::DELIVERY_TIMEOUT_MS_CONFIG) &&
            config_.getInt(ProducerConfig::DELIVERY_TIMEOUT_MS_CONFIG) <
                config_.getLong(ProducerConfig::LINGER_MS_CONFIG) + config_.getInt(ProducerConfig::REQUEST_TIMEOUT_MS_CONFIG))
            // Kafka checks this inside the producer's constructor, which wraps every failure.
            throw KafkaException("Failed to construct kafka producer",
                                 std::make_exception_ptr(ConfigException(
                                     "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms")));
    }

    void configurePartitionerClass() {
        if (config_.isNull(ProducerConfig::PARTITIONER_CLASS_CONFIG)) return;
        const std::string cls = config_.getString(ProducerConfig::PARTITIONER_CLASS_CONFIG);
        if (cls == "org.apache.kafka.clients.producer.RoundRobinPartitioner") {
            round_robin_ = true;
            return;
        }
        throw invalidConfigValue(ProducerConfig::PARTITIONER_CLASS_CONFIG, cls,
                                 "Class " + cls +
                                     " cannot be found. kstream_sim knows org.apache.kafka.clients.producer.RoundRobinPartitioner; "
                                     "for your own partitioner pass a kstream_sim::Partitioner callable to the KafkaProducer constructor");
    }

    // An upper bound of a record's size in its own batch, for max.request.size and buffer.memory: the batch
    // header plus the record with every varint at its widest (Kafka's AbstractRecords.estimateSizeInBytesUpperBound).
    static int32_t recordSizeUpperBound(ByteView key, ByteView value, const Headers* headers) {
        int64_t size = kRecordBatchOverhead + 1 + 10 + 5 + 5 + 5 + 5 + (key.size > 0 ? key.size : 0) + (value.size > 0 ? value.size : 0);
        if (headers)
            for (const auto& h : *headers) size += 10 + static_cast<int64_t>(h.key().size()) + (h.value() ? static_cast<int64_t>(h.value()->size()) : 0);
        return static_cast<int32_t>(std::min<int64_t>(size, INT32_MAX));
    }

    // Metadata: a round trip to a broker the first time a topic is used (auto-creating it when the broker
    // allows), and again once metadata.max.age.ms has passed; blocks up to max.block.ms.
    TopicEntry& waitOnMetadata(const std::string& topic) {
        if (last_topic_ && last_topic_->name == topic && cluster_.nowMs() - last_topic_->fetched_ms < metadata_max_age_ms_)
            return *last_topic_;
        auto it = topics_.find(topic);
        if (it == topics_.end() || cluster_.nowMs() - it->second->fetched_ms >= metadata_max_age_ms_) {
            const int32_t count = fetchPartitionCount(topic);
            if (it == topics_.end()) {
                auto entry = std::make_unique<TopicEntry>();
                entry->name = topic;
                it = topics_.emplace(topic, entry.get()).first;
                topic_order_.push_back(std::move(entry));
            }
            TopicEntry& e = *it->second;
            e.partitionCount = count;
            e.partition_divisor = FixedDivisor(count);
            e.fetched_ms = cluster_.nowMs();
            e.queues.resize(static_cast<size_t>(count));
        }
        last_topic_ = it->second;
        return *last_topic_;
    }

    int32_t fetchPartitionCount(const std::string& topic) {
        validateTopicName(topic);
        const int64_t deadline = cluster_.nowMs() + max_block_ms_;
        while (true) {
            auto count = std::make_shared<Dependent<int32_t, D>>(-2);  // -2: no answer yet; -1: unknown topic
            cluster_.roundTrip(cluster_.anyLiveBroker(), [c = &cluster_, topic, count]() -> std::function<void()> {
                TopicState* t = c->metadataFor(topic, true);
                const int32_t n = t ? t->partitionCount() : -1;
                return [count, n] { *count = n; };
            });
            if (!cluster_.scheduler().runUntil(deadline, [&] { return *count != -2; }) || *count < 0) {
                if (cluster_.nowMs() >= deadline)
                    throw TimeoutException("Topic " + topic + " not present in metadata after " + std::to_string(max_block_ms_) + " ms.");
                cluster_.scheduler().runUntil(std::min(deadline, cluster_.nowMs() + retry_backoff_ms_), [] { return false; });
                continue;
            }
            return *count;
        }
    }

    // The partition of a record that names none. The default partitioner's keyed case (murmur2 of the key) is
    // checked first and inline: it is the common one.
    int32_t choosePartition(TopicEntry& entry, const std::string& topic, ByteView key, ByteView value) {
        if (hash_keys_ && !key.isNull()) return entry.partition_divisor.remainder(toPositive(murmur2(key.data, static_cast<size_t>(key.size))));
        return choosePartitionOtherwise(entry, topic, key, value);
    }
    int32_t choosePartitionOtherwise(TopicEntry& entry, const std::string& topic, ByteView key, ByteView value) {
        const int32_t n = entry.partitionCount;
        if (partitioner_) {
            const int32_t p = partitioner_(topic, key, value, n);
            if (p < 0 || p >= n)
                throw IllegalArgumentException("The partitioner generated an invalid partition number: " + std::to_string(p) +
                                               ". Partition number should always be non-negative.");
            return p;
        }
        if (round_robin_) return static_cast<int32_t>(entry.round_robin++ % static_cast<uint32_t>(n));
        // Null key: stay on one partition until batch.size bytes went to it, then draw the next uniformly from
        // all partitions (Kafka 4's BuiltInPartitioner without load stats; the draw may repeat the current one).
        if (entry.sticky_partition < 0 || entry.sticky_partition >= n || entry.sticky_bytes >= batch_size_) {
            entry.sticky_partition = static_cast<int32_t>(random_.nextBelow(static_cast<uint64_t>(n)));
            entry.sticky_bytes = 0;
        }
        return entry.sticky_partition;
    }

    ProducerBatch& openBatch(PartitionQueue& queue, const std::string& topic, int32_t partition, int32_t record_size) {
        const int64_t allocation = std::max<int64_t>(batch_size_, record_size);
        if (buffered_bytes_ + allocation > buffer_memory_) {
            // The buffer is full: block (in virtual time) until acknowledged batches free memory.
            runSenderNow();
            const int64_t deadline = cluster_.nowMs() + max_block_ms_;
            if (!cluster_.scheduler().runUntil(deadline, [&] { return buffered_bytes_ + allocation <= buffer_memory_; }))
                throw TimeoutException("Failed to allocate " + std::to_string(allocation) +
                                       " bytes within the configured max blocking time " + std::to_string(max_block_ms_) +
                                       " ms. Total memory: " + std::to_string(buffer_memory_) + " bytes. Available memory: " +
                                       std::to_string(buffer_memory_ - buffered_bytes_) + " bytes.");
        }
        auto batch = makeRef<ProducerBatch>();
        batch->tp = TopicPartition(topic, partition);
        batch->created_ms = cluster_.nowMs();
        batch->allocated_bytes = allocation;
        batch->scheduler = &cluster_.scheduler();
        batch->payload->data.reserveIn(cluster_.batchMemory(), static_cast<size_t>(std::max(batch_size_, record_size) - kRecordBatchOverhead));
        buffered_bytes_ += allocation;
        queue.batches.push_back(batch);
        ++queued_batches_;
        // The batch becomes sendable when linger.ms has passed.
        cluster_.scheduler().after(linger_ms_, [this, alive = alive_] {
            if (*alive) runSender();
        });
        return *batch;
    }

    void markFull(ProducerBatch& batch) {
        batch.full = true;
        runSenderNow();
    }

    // Wakes the sender in the current millisecond (once, however many batches fill up meanwhile).
    void runSenderNow() {
        if (sender_wakeup_pending_) return;
        sender_wakeup_pending_ = true;
        cluster_.scheduler().after(0, [this, alive = alive_] {
            if (!*alive) return;
            sender_wakeup_pending_ = false;
            runSender();
        });
    }

    void requireTransactional() const {
        if (!transactional_id_)
            throw IllegalStateException(
                "Cannot use transactional methods without enabling transactions by setting the transactional.id configuration property");
    }

    // Kafka's valid transitions (TransactionManager.State.isTransitionValid).
    void transitionTo(TxnState target) {
        using S = TxnState;
        const S from = txn_state_;
        bool valid = target == S::FatalError;
        switch (target) {
            case S::Uninitialized: valid = from == S::Ready || from == S::AbortableError; break;
            case S::Initializing: valid = from == S::Uninitialized || from == S::AbortingTransaction; break;
            case S::Ready: valid = from == S::Initializing || from == S::CommittingTransaction || from == S::AbortingTransaction; break;
            case S::InTransaction: valid = from == S::Ready; break;
            case S::CommittingTransaction: valid = from == S::InTransaction; break;
            case S::AbortingTransaction: valid = from == S::InTransaction || from == S::AbortableError; break;
            case S::AbortableError:
                valid = from == S::InTransaction || from == S::CommittingTransaction || from == S::AbortableError || from == S::Initializing;
                break;
            case S::FatalError: break;
        }
        if (!valid)
            throw IllegalStateException("TransactionalId " + *transactional_id_ + ": Invalid transition attempted from state " +
                                        txnStateName(from) + " to state " + txnStateName(target));
        txn_state_ = target;
    }

    // After an error, transactional calls fail (TransactionManager.maybeFailWithError).
    void maybeFailWithError() const {
        if (txn_state_ != TxnState::AbortableError && txn_state_ != TxnState::FatalError) return;
        try {
            std::rethrow_exception(txn_error_);
        } catch (const ProducerFencedException&) {
            throw ProducerFencedException(fencedMessage());
        } catch (const InvalidProducerEpochException&) {
            throw InvalidProducerEpochException("Producer with transactionalId '" + *transactional_id_ + "' and (producerId=" +
                                                std::to_string(producer_id_) + ", epoch=" + std::to_string(producer_epoch_) +
                                                ") attempted to produce with an old epoch");
        } catch (const KafkaException&) {
            throw KafkaException("Cannot execute transactional method because we are in an error state", txn_error_);
        }
    }
    std::string fencedMessage() const {
        return "Producer with transactionalId '" + *transactional_id_ + "' and (producerId=" + std::to_string(producer_id_) +
               ", epoch=" + std::to_string(producer_epoch_) + ") has been fenced by another producer with the same transactionalId";
    }
    // A send of the transaction failed: the transaction can only be aborted now (fenced: nothing more at all).
    void transactionFailed(const std::exception_ptr& error) {
        if (txn_state_ == TxnState::FatalError) return;
        txn_error_ = error;
        try {
            std::rethrow_exception(error);
        } catch (const ProducerFencedException&) {
            txn_state_ = TxnState::FatalError;
        } catch (...) {
            if (txn_state_ == TxnState::InTransaction || txn_state_ == TxnState::CommittingTransaction) txn_state_ = TxnState::AbortableError;
        }
    }
    // A coordinator call failed: the error state, then the exception.
    [[noreturn]] void failTransactionalCall(const std::exception_ptr& error) {
        transactionFailed(error);
        if (txn_state_ == TxnState::FatalError) throw ProducerFencedException(fencedMessage());
        std::rethrow_exception(error);
    }

    // send() inside a transaction: the partition joins the transaction (AddPartitionsToTxn, sent by the sender).
    void addToTransaction(PartitionQueue& queue, const std::string& topic, int32_t partition) {
        if (queue.txn_membership != TxnMembership::None && txn_state_ == TxnState::InTransaction) return;  // the common case
        if (txn_state_ == TxnState::AbortableError || txn_state_ == TxnState::FatalError) maybeFailWithError();
        if (producer_id_ < 0)
            throw IllegalStateException("Cannot add partition " + TopicPartition(topic, partition).toString() +
                                        " to transaction before completing a call to initTransactions");
        if (txn_state_ != TxnState::InTransaction)
            throw IllegalStateException("Cannot add partition " + TopicPartition(topic, partition).toString() +
                                        " to transaction while in state  " + txnStateName(txn_state_));
        if (queue.txn_membership != TxnMembership::None) return;
        queue.txn_membership = TxnMembership::Pending;
        txn_new_partitions_.insert(TopicPartition(topic, partition));
    }

    void clearTransactionPartitions() {
        for (const auto& entry : topic_order_)
            for (auto& q : entry->queues) q.txn_membership = TxnMembership::None;
        txn_new_partitions_.clear();
    }

    void addPartitionsToTransaction() {
        if (add_partitions_in_flight_) return;
        add_partitions_in_flight_ = true;
        std::vector<TopicPartition> partitions(txn_new_partitions_.begin(), txn_new_partitions_.end());
        const std::string id = *transactional_id_;
        const int64_t pid = producer_id_;
        const int16_t epoch = producer_epoch_;
        toTransactionCoordinator(ApiKey::AddPartitionsToTxn, [this, id, pid, epoch, partitions, alive = alive_](Cluster& c) -> std::function<void()> {
            auto error = c.addPartitionsToTransaction(id, pid, epoch, partitions);
            return [this, error, partitions, alive] {
                if (!*alive) return;
                add_partitions_in_flight_ = false;
                if (error) {
                    transactionFailed(error);
                    for (const auto& tp : partitions) {
                        txn_new_partitions_.erase(tp);
                        PartitionQueue& q = queueOf(tp);
                        q.txn_membership = TxnMembership::None;
                        for (auto& b : q.batches) complete(*b, -1, -1, error);
                        q.batches.clear();
                    }
                    return;
                }
                txn_started_ = true;
                for (const auto& tp : partitions) {
                    txn_new_partitions_.erase(tp);
                    queueOf(tp).txn_membership = TxnMembership::Added;
                }
                runSender();
            };
        });
    }

    void endTransaction(bool commit, int64_t timeout_ms) {
        if (txn_started_) {
            auto outcome = std::make_shared<std::optional<ExceptionPtr>>();
            const std::string id = *transactional_id_;
            const int64_t pid = producer_id_;
            const int16_t epoch = producer_epoch_;
            toTransactionCoordinator(ApiKey::EndTxn, [id, pid, epoch, commit, outcome](Cluster& c) -> std::function<void()> {
                auto error = c.endTransaction(id, pid, epoch, commit);
                return [outcome, error] { *outcome = error; };
            });
            blockUntil(cluster_.scheduler(), [&] { return outcome->has_value(); },
                       commit ? "KafkaProducer.commitTransaction()" : "KafkaProducer.abortTransaction()", timeout_ms);
            if (**outcome) failTransactionalCall(**outcome);
        }
        clearTransactionPartitions();
        txn_started_ = false;
        txn_error_ = nullptr;
        transitionTo(TxnState::Ready);
    }

    // A request to this producer's transaction coordinator: `handle` runs there, its result back here.
    template <class Handle>
    void toTransactionCoordinator(ApiKey, Handle handle) {
        Cluster& c = cluster_;
        c.roundTrip(c.transactionCoordinatorFor(*transactional_id_), [&c, handle]() -> std::function<void()> { return handle(c); });
    }

    void resetSequences() {
        for (const auto& entry : topic_order_)
            for (auto& q : entry->queues) {
                q.next_sequence = q.acked_next_sequence = 0;
                for (auto& b : q.batches) b->base_sequence = -1;
            }
    }

    bool sendable(const ProducerBatch& b) const {
        return b.full || flushing_ || cluster_.nowMs() - b.created_ms >= linger_ms_;
    }

    // The sender: produce requests to each broker, each with at most one sendable batch per partition the
    // broker leads, up to max.request.size, while fewer than max.in.flight.requests.per.connection requests
    // are outstanding to it. With max.in.flight 1 a partition is muted while its batch is in flight
    // (Kafka's guaranteeMessageOrder); otherwise several batches of a partition may be in flight at once.
    void runSender() {
        if (idempotent_ && producer_id_ < 0) return transactional_id_ ? void() : requestProducerId();
        if (transactional_id_ && !txn_new_partitions_.empty()) addPartitionsToTransaction();
        bool sent = true, waiting_for_leader = false;
        while (sent) {
            sent = false;
            std::vector<RequestDraft> requests;  // by broker id; sized when the first batch goes
            for (const auto& entry : topic_order_) {
                for (int32_t p = 0; p < entry->partitionCount; ++p) {
                    PartitionQueue& q = entry->queues[static_cast<size_t>(p)];
                    expireBatches(q);
                    if (q.muted || q.batches.empty()) continue;
                    // (The leader's capacity first: the batch itself may have gone cold in memory meanwhile.)
                    const int32_t leader = leaderOf(*entry, p);
                    if (leader >= 0 && in_flight_[static_cast<size_t>(leader)] >= max_in_flight_) continue;
                    if (!sendable(*q.batches.front())) continue;
                    // A transactional batch waits until its partition is part of the transaction (AddPartitionsToTxn).
                    if (transactional_id_ && q.txn_membership != TxnMembership::Added) continue;
                    // Idempotence: after a failure, the failed batches go again one at a time, in order, before
                    // anything new.
                    if (idempotent_ && q.retrying > 0 && (q.in_flight > 0 || q.batches.front()->attempts == 0)) continue;
                    if (leader < 0) {
                        waiting_for_leader = true;
                        continue;
                    }
                    const int64_t size = q.batches.front()->payload->size_in_bytes;
                    if (requests.empty()) requests.resize(in_flight_.size());
                    RequestDraft& request = requests[static_cast<size_t>(leader)];
                    if (!request.batches.empty() && request.bytes + size > max_request_size_) continue;
                    request.bytes += size;
                    auto batch = q.batches.front();
                    batch->full = true;  // no more appends once it is on its way
                    q.batches.pop_front();
                    q.muted = max_in_flight_ == 1;
                    if (idempotent_ && batch->base_sequence < 0) {
                        batch->base_sequence = q.next_sequence;
                        q.next_sequence = incrementSequence(q.next_sequence, batch->payload->count());
                    }
                    if (batch->attempts > 0) --q.retrying;
                    ++q.in_flight;
                    request.batches.push_back(std::move(batch));
                }
            }
            for (size_t broker = 0; broker < requests.size(); ++broker) {
                if (requests[broker].batches.empty()) continue;
                sendProduceRequest(static_cast<int32_t>(broker), std::move(requests[broker].batches));
                sent = true;
            }
        }
        // A partition without a leader (an election pending): look again after retry.backoff.ms.
        if (waiting_for_leader && !recheck_pending_) {
            recheck_pending_ = true;
            cluster_.scheduler().after(retry_backoff_ms_, [this, alive = alive_] {
                if (!*alive) return;
                recheck_pending_ = false;
                runSender();
            });
        }
    }

    // The leader of partition p of the entry's topic (-1: none). The sender asks for every partition on every
    // pass, so the leaders are copied from the cluster and copied again only when its layout changed.
    int32_t leaderOf(TopicEntry& entry, int32_t p) {
        if (entry.leaders_version != cluster_.layoutVersion() || entry.leaders.size() != static_cast<size_t>(entry.partitionCount)) {
            entry.leaders.resize(static_cast<size_t>(entry.partitionCount));
            for (int32_t i = 0; i < entry.partitionCount; ++i) entry.leaders[static_cast<size_t>(i)] = cluster_.leaderFor(entry.name, i);
            entry.leaders_version = cluster_.layoutVersion();
        }
        return entry.leaders[static_cast<size_t>(p)];
    }

    // delivery.timeout.ms: a batch still waiting that long after its creation fails.
    void expireBatches(PartitionQueue& q) {
        while (q.retrying > 0 && !q.batches.empty() && q.batches.front()->attempts > 0 &&
               cluster_.nowMs() - q.batches.front()->created_ms >= delivery_timeout_ms_) {
            Ref<ProducerBatch> b = q.batches.front();
            q.batches.pop_front();
            --q.retrying;
            complete(*b, -1, -1, std::make_exception_ptr(TimeoutException(
                                     "Expiring " + std::to_string(b->payload->count()) + " record(s) for " + b->tp.toString() + ":" +
                                     std::to_string(cluster_.nowMs() - b->created_ms) + " ms has passed since batch creation")));
        }
    }

    // InitProducerId: the broker hands out a producer id (epoch 0) before the first idempotent send.
    void requestProducerId() {
        if (producer_id_requested_) return;
        producer_id_requested_ = true;
        const int32_t broker = cluster_.anyLiveBroker();
        Envelope m;
        m.api = ApiKey::InitProducerId;
        m.client = network_id_.get();
        m.broker = broker;
        auto retry = [this, alive = alive_] {
            if (!*alive || producer_id_ >= 0) return;
            producer_id_requested_ = false;
            runSender();
        };
        const uint64_t timer = cluster_.scheduler().timerAfter(request_timeout_ms_, retry);
        cluster_.toBroker(broker, m, [this, c = &cluster_, m, network_id = network_id_, timer, alive = alive_] {
            const int64_t id = c->allocateProducerId();
            Envelope reply = m;
            reply.direction = Direction::Response;
            c->toClient(reply, [this, c, id, timer, alive] {
                if (!*alive || producer_id_ >= 0) return;
                c->scheduler().cancel(timer);
                producer_id_ = id;
                producer_epoch_ = 0;
                c->trace().record(c->nowMs(), "producer-id", client_id_, {{"id", id}});
                runSender();
            });
        }, [this, timer, retry, alive = alive_] {
            if (!*alive) return;
            cluster_.scheduler().cancel(timer);
            cluster_.scheduler().after(retry_backoff_ms_, retry);
        });
    }

    void sendProduceRequest(int32_t broker, std::vector<Ref<ProducerBatch>> batches) {
        std::vector<ProduceEntry> entries;
        entries.reserve(batches.size());
        for (auto& b : batches) {
            ++b->attempts;
            ProducerIdentity identity;
            if (idempotent_) {
                identity.producer_id = producer_id_;
                identity.producer_epoch = producer_epoch_;
                identity.base_sequence = b->base_sequence;
                identity.transactional = transactional_id_.has_value();
            }
            entries.push_back(ProduceEntry{b->tp, b->payload, identity});
        }
        Envelope m;
        m.api = ApiKey::Produce;
        m.client = network_id_.get();
        m.broker = broker;
        if (acks_ == 0) {
            // acks=0: the record counts as sent once it is written to the socket; offsets stay unknown.
            cluster_.toBroker(broker, m, [c = &cluster_, broker, entries = std::move(entries)] {
                c->handleProduce(broker, entries, 0, 0, {}, {});
            });
            for (const auto& b : batches) {
                --queueOf(*b).in_flight;
                complete(*b, -1, -1, nullptr);
            }
            return;
        }
        const uint64_t id = ++next_request_id_;
        ++in_flight_[static_cast<size_t>(broker)];
        // request.timeout.ms: no answer in time means a dead connection: as Kafka's NetworkClient, the producer
        // closes it, fails every request in flight on it (retriable) and connects again.
        const uint64_t timer = cluster_.scheduler().timerAfter(request_timeout_ms_, [this, broker, alive = alive_] {
            if (*alive) disconnect(broker, std::make_exception_ptr(TimeoutException("Disconnected from node " + std::to_string(broker) + " due to timeout")));
        });
        requests_.push_back(InFlightRequest{id, broker, std::move(batches), timer});
        cluster_.toBroker(broker, m, [this, c = &cluster_, m, network_id = network_id_, id, broker, entries = std::move(entries), acks = acks_,
                                      timeout = request_timeout_ms_, alive = alive_] {
            c->handleProduce(broker, entries, acks, timeout,
                             [this, c, m, network_id, id, alive](std::vector<ProducePartitionResult> results) {
                                 Envelope reply = m;
                                 reply.direction = Direction::Response;
                                 c->toClient(reply, [this, id, alive, results = std::move(results)] {
                                     if (*alive) onProduceResponse(id, results);
                                 });
                             },
                             [this, broker, alive] {
                                 if (*alive) disconnect(broker, std::make_exception_ptr(NetworkException("Disconnected from node " + std::to_string(broker))));
                             });
        }, [this, broker, alive = alive_] {
            if (*alive) disconnect(broker, std::make_exception_ptr(NetworkException("Disconnected from node " + std::to_string(broker))));
        });
    }

    // The connection to `broker` is gone: every request in flight on it fails with `error`.
    void disconnect(int32_t broker, std::exception_ptr error) {
        std::vector<uint64_t> ids;
        for (const auto& r : requests_)
            if (r.broker == broker) ids.push_back(r.id);
        for (uint64_t id : ids) failRequest(id, error);
        cluster_.reconnect(client_id_, broker);
    }

    // A request that ended without an answer: every batch in it failed with `error`.
    void failRequest(uint64_t id, std::exception_ptr error) {
        auto it = findRequest(id);
        if (it == requests_.end()) return;
        std::vector<ProducePartitionResult> results(it->batches.size());
        for (auto& r : results) r.error = error;
        onProduceResponse(id, results);
    }

    void onProduceResponse(uint64_t id, const std::vector<ProducePartitionResult>& results) {
        auto it = findRequest(id);
        if (it == requests_.end()) return;  // answered already (a duplicate, or late after a timeout)
        InFlightRequest request = std::move(*it);
        requests_.erase(it);
        cluster_.scheduler().cancel(request.timer);
        --in_flight_[static_cast<size_t>(request.broker)];
        for (size_t i = 0; i < request.batches.size(); ++i) {
            ProducerBatch& b = *request.batches[i];
            const ProducePartitionResult& r = results[i];
            PartitionQueue& q = queueOf(b);
            --q.in_flight;
            // (Not while aborting a transaction: a batch retried after the abort marker would start a new one.)
            if (r.error && b.attempts <= retries_ && cluster_.nowMs() - b.created_ms < delivery_timeout_ms_ &&
                txn_state_ != TxnState::AbortingTransaction &&
                (detail::holds<RetriableException>(r.error) || (idempotent_ && earlierBatchUnresolved(r.error, b, q)))) {
                requeue(request.batches[i], q);
                continue;
            }
            complete(b, r.base_offset, r.log_append_time, r.error);
            // (A transactional producer's epoch is its coordinator's: its failed batch aborts the transaction.)
            if (r.error && b.base_sequence >= 0 && !transactional_id_) bumpEpoch();
        }
        runSender();
    }

    // A numbered batch failed for good, leaving a gap in its partition's sequence: as Kafka does since
    // KIP-360, the producer bumps its epoch and numbers every partition from 0 again.
    void bumpEpoch() {
        ++producer_epoch_;
        cluster_.trace().record(cluster_.nowMs(), "epoch-bump", client_id_, {{"epoch", producer_epoch_}});
        resetSequences();
        for (auto& r : requests_)
            for (auto& b : r.batches) b->base_sequence = -1;
    }

    // An OutOfOrderSequenceException for a batch while an earlier batch of its partition is still unresolved
    // (in flight or waiting to be retried): the gap is that batch's, so this one is retried after it (Kafka's
    // Sender does the same). Otherwise the gap is real and the batch fails.
    bool earlierBatchUnresolved(const std::exception_ptr& error, const ProducerBatch& b, const PartitionQueue& q) const {
        try {
            std::rethrow_exception(error);
        } catch (const OutOfOrderSequenceException&) {
        } catch (...) {
            return false;
        }
        auto earlier = [&b](const ProducerBatch& other) {
            return &other != &b && other.tp == b.tp && other.base_sequence >= 0 && other.base_sequence < b.base_sequence;
        };
        for (const auto& r : requests_)
            for (const auto& other : r.batches)
                if (earlier(*other)) return true;
        for (const auto& other : q.batches)
            if (earlier(*other)) return true;
        return q.retrying > 0;  // a batch on its way back to the queue (retry.backoff.ms)
    }

    // Puts a batch back to be sent again after retry.backoff.ms. Without idempotence it goes to the front of
    // its queue (so with several requests in flight it may land after younger batches); with idempotence it
    // goes back in sequence order, and the partition sends one batch at a time until the retries are done.
    void requeue(Ref<ProducerBatch> batch, PartitionQueue& q) {
        ++q.retrying;
        cluster_.scheduler().after(retry_backoff_ms_, [this, batch, alive = alive_] {
            if (!*alive) return;
            PartitionQueue& queue = queueOf(*batch);
            queue.muted = false;
            auto at = queue.batches.begin();
            if (idempotent_ && batch->base_sequence >= 0)
                while (at != queue.batches.end() && (*at)->base_sequence >= 0 && (*at)->base_sequence < batch->base_sequence) ++at;
            queue.batches.insert(at, batch);  // retried before anything newer for the same partition
            runSender();
        });
    }

    PartitionQueue& queueOf(const TopicPartition& tp) { return topics_.at(tp.topic())->queues[static_cast<size_t>(tp.partition())]; }
    PartitionQueue& queueOf(const ProducerBatch& b) { return queueOf(b.tp); }

    void complete(ProducerBatch& b, int64_t base_offset, int64_t log_append_time, std::exception_ptr error) {
        if (b.done) return;
        b.base_offset = error ? -1 : base_offset;
        b.log_append_time = log_append_time;
        b.error = error;
        b.done = true;
        buffered_bytes_ -= b.allocated_bytes;
        --queued_batches_;
        PartitionQueue* q = nullptr;
        if (TopicEntry* e = findEntry(b.tp.topic()))
            if (b.tp.partition() < e->partitionCount) q = &e->queues[static_cast<size_t>(b.tp.partition())];
        if (q) {
            q->muted = false;
            if (!error && b.base_sequence >= 0) q->acked_next_sequence = incrementSequence(b.base_sequence, b.payload->count());
        }
        if (error && transactional_id_ && txn_state_ != TxnState::AbortingTransaction) transactionFailed(error);
        cluster_.trace().record(cluster_.nowMs(), error ? "produce-failed" : "ack", q ? q->traceName(b.tp) : b.tp.toString(),
                                {{"base", b.base_offset}, {"count", b.payload->count()}});
        for (auto& pending : b.callbacks) {
            const int64_t ts = log_append_time >= 0 ? log_append_time : pending.timestamp;
            RecordMetadata md(b.tp, b.base_offset < 0 ? -1 : b.base_offset + pending.index, ts, pending.key_size, pending.value_size);
            invokeCallback(pending.callback, md, error);
        }
        b.callbacks.clear();
    }

    static void invokeCallback(const Callback& cb, const RecordMetadata& md, const std::exception_ptr& error) {
        if (!error) return cb(md, nullptr);
        try {
            std::rethrow_exception(error);
        } catch (const KafkaException& e) {
            cb(md, &e);
        }
    }

    Future<RecordMetadata> failedSend(TopicPartition tp, std::exception_ptr error, ByteView key, ByteView value, const Callback* callback) {
        auto batch = makeRef<ProducerBatch>();
        batch->tp = std::move(tp);
        batch->scheduler = &cluster_.scheduler();
        batch->done = true;
        batch->error = error;
        if (callback && *callback) invokeCallback(*callback, RecordMetadata(batch->tp, -1, -1, key.size, value.size), error);
        return Future<RecordMetadata>(batch, 0, -1, key.size, value.size);
    }

    void abortUnsent(const std::string& why) {
        for (const auto& entry : topic_order_)
            for (auto& q : entry->queues) {
                for (auto& b : q.batches) complete(*b, -1, -1, std::make_exception_ptr(KafkaException(why)));
                q.batches.clear();
            }
    }

    TopicEntry* findEntry(const std::string& topic) {
        auto it = topics_.find(topic);
        return it == topics_.end() ? nullptr : it->second;
    }
    int64_t inFlightOrQueued() const noexcept { return queued_batches_; }

    Cluster& cluster_;
    AbstractConfig config_;
    Partitioner partitioner_;
    std::string client_id_;
    // client_id_ as the requests carry it on the network: shared with the requests in flight, since a broker may
    // answer after the producer is gone.
    std::shared_ptr<const std::string> network_id_;
    Random random_;
    int32_t acks_ = -1;
    int32_t batch_size_ = 16384;
    int64_t linger_ms_ = 5;
    int64_t buffer_memory_ = 0;
    int64_t max_block_ms_ = 0;
    int32_t max_request_size_ = 0;
    int32_t max_in_flight_ = 5;
    int32_t retries_ = 0;
    int64_t retry_backoff_ms_ = 100;
    int32_t request_timeout_ms_ = 30000;
    bool idempotent_ = false;
    // The producer id and epoch from InitProducerId (idempotence); -1 until the broker answers.
    int64_t producer_id_ = -1;
    int16_t producer_epoch_ = -1;
    bool producer_id_requested_ = false;
    bool recheck_pending_ = false;
    uint64_t next_request_id_ = 0;
    struct InFlightRequest {
        uint64_t id;
        int32_t broker;
        std::vector<Ref<ProducerBatch>> batches;
        uint64_t timer;
    };
    std::deque<InFlightRequest> requests_;  // by id (ids only grow: sent requests are appended; mostly answered in order)
    typename std::deque<InFlightRequest>::iterator findRequest(uint64_t id) {
        auto it = std::lower_bound(requests_.begin(), requests_.end(), id, [](const InFlightRequest& r, uint64_t x) { return r.id < x; });
        return it != requests_.end() && it->id == id ? it : requests_.end();
    }
    // A produce request runSender() is putting together for one broker.
    struct RequestDraft {
        std::vector<Ref<ProducerBatch>> batches;
        int64_t bytes = 0;
    };
    // Transactions: the transactional.id, the state, the partitions in the current transaction (added at the
    // coordinator, or written and waiting to be added), and the error that ended it.
    std::optional<std::string> transactional_id_;
    int64_t transaction_timeout_ms_ = 60000;
    TxnState txn_state_ = TxnState::Uninitialized;
    std::set<TopicPartition> txn_new_partitions_;  // waiting for AddPartitionsToTxn, in Kafka's request order
    bool add_partitions_in_flight_ = false;
    bool txn_started_ = false;
    std::exception_ptr txn_error_;
    int32_t delivery_timeout_ms_ = 120000;
    int64_t metadata_max_age_ms_ = 300000;
    bool ignore_keys_ = false;
    bool round_robin_ = false;
    bool hash_keys_ = false;  // the default partitioner, keys not ignored: a keyed record goes by murmur2 of its key
    bool flushing_ = false;
    bool closed_ = false;
    bool sender_wakeup_pending_ = false;
    int64_t buffered_bytes_ = 0;
    int64_t queued_batches_ = 0;
    std::unordered_map<std::string, TopicEntry*> topics_;
    std::vector<std::unique_ptr<TopicEntry>> topic_order_;  // creation order: deterministic iteration
    TopicEntry* last_topic_ = nullptr;
    std::vector<int32_t> in_flight_ = std::vector<int32_t>(static_cast<size_t>(cluster_.brokerCount()));  // requests per broker
    // Events scheduled by this producer check this flag, so a destroyed producer's timers do nothing.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

public:
    void markDestroyed() { *alive_ = false; }
};

}  // namespace detail

template <class K, class V>
class KafkaProducer {
    // The core, named through K so that its class is built only in programs that make a producer.
    using Core = detail::Dependent<detail::ProducerCore, K>;
    using Scheduler = detail::Dependent<kstream_sim::Scheduler, K>;
    // Likewise the plain types in its signatures, so that vectors and maps of them are built only with it.
    using PartitionInfo = detail::Dependent<kstream_sim::PartitionInfo, K>;

public:
    KafkaProducer(Cluster& cluster, const Properties& props, Serializer<K> key_serializer = {},
                  Serializer<V> value_serializer = {}, Partitioner partitioner = {})
        : key_serializer_(std::move(key_serializer)), value_serializer_(std::move(value_serializer)),
          core_(std::make_unique<Core>(cluster, props, std::move(partitioner))) {
        const auto& cfg = core_->config();
        if (!cfg.isNull(ProducerConfig::KEY_SERIALIZER_CLASS_CONFIG) && !key_serializer_.custom())
            detail::checkConfiguredSerdeClass<K>(ProducerConfig::KEY_SERIALIZER_CLASS_CONFIG, cfg.getString(ProducerConfig::KEY_SERIALIZER_CLASS_CONFIG), true);
        if (!cfg.isNull(ProducerConfig::VALUE_SERIALIZER_CLASS_CONFIG) && !value_serializer_.custom())
            detail::checkConfiguredSerdeClass<V>(ProducerConfig::VALUE_SERIALIZER_CLASS_CONFIG, cfg.getString(ProducerConfig::VALUE_SERIALIZER_CLASS_CONFIG), true);
    }
    KafkaProducer(Cluster& cluster, const Properties& props, Partitioner partitioner)
        : KafkaProducer(cluster, props, {}, {}, std::move(partitioner)) {}
    KafkaProducer(KafkaProducer&&) noexcept = default;
    KafkaProducer& operator=(KafkaProducer&&) noexcept = default;
    // Like Java's try-with-resources: closing sends what is still buffered.
    ~KafkaProducer() {
        if (!core_) return;
        try {
            core_->close(Scheduler::kForever);
        } catch (...) {
        }
        core_->markDestroyed();
    }

    Future<RecordMetadata> send(const ProducerRecord<K, V>& record) { return sendWith(record, nullptr); }
    Future<RecordMetadata> send(const ProducerRecord<K, V>& record, Callback callback) { return sendWith(record, &callback); }

    void flush() { core_->flush(); }
    void close() { core_->close(Scheduler::kForever); }

    // Transactions (transactional.id): initTransactions() once, then begin / send / commit or abort.
    // The blocking calls wait up to max.block.ms of virtual time.
    void initTransactions() { core_->initTransactions(maxBlockMs()); }
    void beginTransaction() { core_->beginTransaction(); }
    void sendOffsetsToTransaction(const std::map<TopicPartition, OffsetAndMetadata>& offsets, const ConsumerGroupMetadata& group) {
        core_->sendOffsetsToTransaction(offsets, group, maxBlockMs());
    }
    void commitTransaction() { core_->commitTransaction(maxBlockMs()); }
    void abortTransaction() { core_->abortTransaction(maxBlockMs()); }
    // kstream_sim addition: the producer's process dies mid-flight (no flush, no abort; see docs/transactions.md).
    void simulateCrash() { core_->simulateCrash(); }
    template <class Rep, class Period>
    void close(std::chrono::duration<Rep, Period> timeout) {
        core_->close(std::chrono::duration_cast<Millis>(timeout).count());
    }
    std::vector<PartitionInfo> partitionsFor(const std::string& topic) { return core_->partitionsFor(topic); }
    const std::string& clientId() const noexcept { return core_->clientId(); }
    // The effective configuration after Kafka's post-processing (e.g. enable.idempotence turned off
    // implicitly). Java has no such getter; kstream_sim adds it so you can see what Kafka decided.
    const AbstractConfig& config() const noexcept { return core_->config(); }

private:
    int64_t maxBlockMs() const { return core_->config().getLong(ProducerConfig::MAX_BLOCK_MS_CONFIG); }

    Future<RecordMetadata> sendWith(const ProducerRecord<K, V>& record, Callback* callback) {
        const ByteView key = record.key() ? key_serializer_.bytesOf(*record.key(), key_bytes_) : ByteView{};
        const ByteView value = record.value() ? value_serializer_.bytesOf(*record.value(), value_bytes_) : ByteView{};
        return core_->append({record.topic(), record.partition(), record.timestamp(), key, value,
                              record.headers().empty() ? nullptr : &record.headers()},
                             callback);
    }

    Serializer<K> key_serializer_;
    Serializer<V> value_serializer_;
    std::unique_ptr<Core> core_;
    Bytes key_bytes_, value_bytes_;
};

}  // namespace kstream_sim

// TopologyTestDriver, TestInputTopic, TestOutputTopic and TestRecord: Kafka's kafka-streams-test-utils.
//
// The driver runs a Topology without a cluster: pipeInput() hands a record to the task that reads the
// topic, which processes it at once (depth first); records written to a repartition topic (or any topic
// the topology reads) are fed back in; after each record the driver punctuates on stream time and commits
// (which flushes record caches), as Kafka's driver does. Wall-clock punctuation fires only on
// advanceWallClockTime(). Everything is deterministic: the wall clock starts at 0 unless given.
//
// Beyond Kafka's driver: pass partition counts (TopicPartitionCounts) and input topics have several
// partitions, each sub-topology runs one task per partition (as KafkaStreams would), records reach the
// partition Kafka's default partitioner picks (murmur2 of the key), and TestRecord::partition() says which.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/dependent.hpp"
#include "../core/hashing.hpp"
#include "processor_api.hpp"
#include "stream_task.hpp"
#include "streams_config.hpp"
#include "topology.hpp"

namespace kstream_sim {

class NoSuchElementException : public KafkaException {
public:
    explicit NoSuchElementException(const std::string& message) : KafkaException(message) {}
    const char* name() const noexcept override { return "NoSuchElementException"; }
};

// Kafka's TestRecord<K, V>: key, value, headers and record time (milliseconds). Keys and values are
// std::optional-capable: TestRecord<std::string, std::optional<std::string>> shows tombstones as nullopt.
// partition() is kstream_sim's addition: the partition the record was written to (output topics).
template <class K, class V>
class TestRecord {
public:
    TestRecord(V value) : value_(std::move(value)) {}
    TestRecord(K key, V value) : key_(std::move(key)), value_(std::move(value)) {}
    TestRecord(K key, V value, std::optional<int64_t> record_time_ms, Headers headers = {})
        : key_(std::move(key)), value_(std::move(value)), headers_(std::move(headers)), time_(record_time_ms) {}
    template <class Rep, class Period>
    TestRecord(K key, V value, std::chrono::duration<Rep, Period> record_time, Headers headers = {})
        : TestRecord(std::move(key), std::move(value), std::chrono::duration_cast<std::chrono::milliseconds>(record_time).count(),
                     std::move(headers)) {}
    TestRecord(K key, V value, Headers headers, std::optional<int64_t> record_time_ms)
        : TestRecord(std::move(key), std::move(value), record_time_ms, std::move(headers)) {}

    const K& key() const noexcept { return key_; }
    const V& value() const noexcept { return value_; }
    const Headers& headers() const noexcept { return headers_; }
    // The record time in ms; nullopt when the record carries none (input records then take the topic's clock).
    std::optional<int64_t> timestamp() const noexcept { return time_; }
    std::optional<int64_t> getRecordTime() const noexcept { return time_; }
    int32_t partition() const noexcept { return partition_; }
    void setPartition(int32_t p) noexcept { partition_ = p; }

    friend bool operator==(const TestRecord& a, const TestRecord& b) {
        return a.key_ == b.key_ && a.value_ == b.value_ && a.headers_ == b.headers_ && a.time_ == b.time_;
    }
    friend std::ostream& operator<<(std::ostream& out, const TestRecord& r) {
        out << "TestRecord[key=";
        detail::printValue(out, r.key_);
        out << ", value=";
        detail::printValue(out, r.value_);
        out << ", headers=RecordHeaders(headers = [";
        bool first = true;
        for (const auto& h : r.headers_) {
            out << (first ? "" : ", ") << "RecordHeader(key = " << h.key() << ", value = " << h.valueString() << ")";
            first = false;
        }
        out << "], isReadOnly = false), recordTime=";
        if (r.time_) out << *r.time_ << "ms";
        else out << "null";
        return out << "]";
    }

private:
    K key_{};
    V value_{};
    Headers headers_;
    std::optional<int64_t> time_;
    int32_t partition_ = 0;
};

// Partition counts for topics in the driver (kstream_sim's extension; every other topic has one).
using TopicPartitionCounts = std::map<std::string, int32_t>;

template <class K, class V>
class TestInputTopic;
template <class K, class V>
class TestOutputTopic;

namespace detail {
template <class D = void>
class TopologyTestDriverImpl;
}  // namespace detail

// Kafka's TopologyTestDriver. A class template only so that it is compiled when used (see "Include cost" in
// docs/performance.md): users write TopologyTestDriver; compiler messages say detail::TopologyTestDriverImpl<>.
using TopologyTestDriver = detail::TopologyTestDriverImpl<>;

namespace detail {

template <class D>
class TopologyTestDriverImpl : private detail::TaskHost {
    using StreamTask = detail::StreamTaskImpl<D>;
    using AbstractConfig = detail::AbstractConfigImpl<D>;
    using InternalTopologyBuilder = detail::InternalTopologyBuilderImpl<D>;
    // Plain types named through D too: containers of them are then built only with this class.
    using StateStore = Dependent<kstream_sim::StateStore, D>;
    using TimestampExtractor = Dependent<kstream_sim::TimestampExtractor, D>;
    using Properties = PropertiesImpl<D>;
    using PartitionCounts = Dependent<TopicPartitionCounts, D>;
public:
    explicit TopologyTestDriverImpl(const Topology& topology, const Properties& config = {}, int64_t initial_wall_clock_ms = 0)
        : TopologyTestDriverImpl(topology, config, PartitionCounts{}, initial_wall_clock_ms) {}
    template <class Rep, class Period>
    TopologyTestDriverImpl(const Topology& topology, const Properties& config, std::chrono::duration<Rep, Period> initial_wall_clock)
        : TopologyTestDriverImpl(topology, config, PartitionCounts{},
                             std::chrono::duration_cast<std::chrono::milliseconds>(initial_wall_clock).count()) {}
    TopologyTestDriverImpl(const Topology& topology, const Properties& config, PartitionCounts partitions,
                       int64_t initial_wall_clock_ms = 0)
        : topology_(topology.internalBuilder()), props_(withDefaults(config)),
          config_(StreamsConfig::configDef<D>(), props_, "StreamsConfig"), wall_clock_ms_(initial_wall_clock_ms),
          partitions_(std::move(partitions)) {
        application_id_ = config_.getString(StreamsConfig::APPLICATION_ID_CONFIG);
        cache_.max_bytes = config_.isExplicit(StreamsConfig::STATESTORE_CACHE_MAX_BYTES_CONFIG) ||
                                   !config_.isExplicit(StreamsConfig::CACHE_MAX_BYTES_BUFFERING_CONFIG)
                               ? config_.getLong(StreamsConfig::STATESTORE_CACHE_MAX_BYTES_CONFIG)
                               : config_.getLong(StreamsConfig::CACHE_MAX_BYTES_BUFFERING_CONFIG);
        default_key_serde_ = detail::serdeFromClassName<D>(StreamsConfig::DEFAULT_KEY_SERDE_CLASS_CONFIG,
                                                        config_.getString(StreamsConfig::DEFAULT_KEY_SERDE_CLASS_CONFIG));
        default_value_serde_ = detail::serdeFromClassName<D>(StreamsConfig::DEFAULT_VALUE_SERDE_CLASS_CONFIG,
                                                          config_.getString(StreamsConfig::DEFAULT_VALUE_SERDE_CLASS_CONFIG));
        default_extractor_ = detail::timestampExtractorFromClassName<D>(
            StreamsConfig::DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, config_.getString(StreamsConfig::DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG));
        for (const auto& [topic, n] : partitions_)
            if (n < 1) throw IllegalArgumentException("Topic " + topic + " must have at least one partition, not " + std::to_string(n));
        buildTasks();
    }
    ~TopologyTestDriverImpl() override {
        try {
            if (!closed_) close();
        } catch (...) {
        }
    }
    TopologyTestDriverImpl(const TopologyTestDriverImpl&) = delete;
    TopologyTestDriverImpl& operator=(const TopologyTestDriverImpl&) = delete;

    template <class K, class V>
    TestInputTopic<K, V> createInputTopic(const std::string& topic, SerdeObject<detail::BoxedT<K>> key_serde = {},
                                          SerdeObject<detail::BoxedT<V>> value_serde = {});
    template <class K, class V, class Rep, class Period, class Rep2, class Period2>
    TestInputTopic<K, V> createInputTopic(const std::string& topic, SerdeObject<detail::BoxedT<K>> key_serde,
                                          SerdeObject<detail::BoxedT<V>> value_serde, std::chrono::duration<Rep, Period> start,
                                          std::chrono::duration<Rep2, Period2> auto_advance);
    template <class K, class V>
    TestOutputTopic<K, V> createOutputTopic(const std::string& topic, SerdeObject<detail::BoxedT<K>> key_serde = {},
                                            SerdeObject<detail::BoxedT<V>> value_serde = {});

    // Moves the wall clock forward and fires due WALL_CLOCK_TIME punctuations.
    template <class Rep, class Period>
    void advanceWallClockTime(std::chrono::duration<Rep, Period> advance) {
        const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(advance).count();
        if (ms < 0) throw IllegalArgumentException("advance must not be negative");
        wall_clock_ms_ += ms;
        for (auto& task : tasks_) {
            task->maybePunctuateSystemTime();
            task->commit();
        }
        processAll();
    }

    // Stores by name: every store the topology has (and global stores), as typed views.
    template <class K, class V>
    KeyValueStore<K, V> getKeyValueStore(const std::string& name) {
        const detail::StoreSpec* spec = nullptr;
        detail::KeyValueBytesStore* store = findStore(name, &spec);
        return KeyValueStore<K, V>(store, spec, nullptr);
    }
    template <class K, class V>
    TimestampedKeyValueStore<K, V> getTimestampedKeyValueStore(const std::string& name) {
        const detail::StoreSpec* spec = nullptr;
        detail::KeyValueBytesStore* store = findStore(name, &spec);
        if (!spec->timestamped)
            throw IllegalArgumentException("Store " + name + " is a plain key-value store; use getKeyValueStore()");
        return TimestampedKeyValueStore<K, V>(store, spec, nullptr);
    }
    StateStore* getStateStore(const std::string& name) { return findStore(name, nullptr); }
    std::map<std::string, StateStore*> getAllStateStores() {
        std::map<std::string, StateStore*> out;
        for (const auto& name : topology_->storeOrder()) out[name] = findStore(name, nullptr);
        return out;
    }

    // Every topic records were written to: outputs, repartition topics and changelogs.
    std::set<std::string> producedTopicNames() const { return produced_topics_; }

    // Flushes caches (forwarding what they hold) and closes every task.
    void close() {
        if (closed_) return;
        for (auto& task : tasks_) task->commit();
        processAll();
        for (auto& task : tasks_) task->close();
        if (global_task_) global_task_->close();
        closed_ = true;
    }

    const std::string& applicationId() const override { return application_id_; }
    int64_t wallClockMs() const override { return wall_clock_ms_; }
    const Properties& appConfigs() const override { return props_; }

    // ---- Used by TestInputTopic / TestOutputTopic ----
    // A record for an input topic (key or value nullptr: null), processed before this returns. `route`: the
    // caller's slot for the driver's lookup of the topic (as ProducedRecord::route).
    void pipeRaw(const std::string& topic, void** route, ByteView key, ByteView value, int64_t timestamp,
                 const Headers& headers) {
        if (closed_) throw IllegalStateException("TopologyTestDriver is closed");
        if (timestamp < 0) throw IllegalArgumentException("Invalid timestamp: " + std::to_string(timestamp) + "; record timestamps must not be negative");
        TopicState& ts = topicState(topic, route);
        if (!ts.global && !ts.consumed) throw IllegalArgumentException("Unknown topic: " + topic + knownTopicsHint());
        const int32_t partition = choosePartition(ts, key);
        const int64_t offset = ts.next_offsets[static_cast<size_t>(partition)]++;
        if (ts.global) {
            processGlobal(topic, partition, offset, timestamp, key, value, headers);
            return;
        }
        if (queued_ == 0) {
            // Nothing else is queued, so this record is next: processed straight from the caller's bytes.
            if (StreamTask* task = taskFor(ts, partition))
                runRecord(*task, *ts.name, partition, offset, timestamp, key, value, headers);
        } else {
            enqueue(ts, partition, offset, timestamp, copy(key), copy(value), headers);
        }
        processAll();
    }
    // The records written to one topic and not read yet, oldest first. The driver keeps every record written,
    // changelogs included, as Kafka's driver does. Each record is 24 bytes of header followed by its key and value
    // bytes, written one after the other into blocks of memory and read in the same order: nothing is copied as the
    // queue grows (a vector would copy it all at each doubling and touch twice the memory), a header sits next to
    // its bytes, and a block is released once its records were read, one kept for the next block: a queue read as
    // fast as it is written allocates no memory then (and glibc's malloc, which consolidates its lists of small free
    // chunks whenever a large block is allocated or 64 KB or more is released, no longer does so per 64 KB of
    // records). Blocks are 64 KB while the reader keeps up; a queue nobody reads (a changelog) gets larger ones, up
    // to 1 MB.
    class OutputQueue {
    public:
        struct Record {
            int64_t timestamp;
            int32_t key_size;    // -1: null
            int32_t value_size;  // -1: null
            int32_t partition;
            uint32_t footprint;  // header and bytes, rounded up to 8 (the next record's alignment)
            // its headers are the front of headers_ while it is the front record
            bool hasHeaders() const noexcept { return footprint & 1u; }
            const uint8_t* bytes() const noexcept { return reinterpret_cast<const uint8_t*>(this + 1); }
        };
        void push(ByteView key, ByteView value, int64_t timestamp, const Headers& headers, int32_t partition) {
            const size_t k = static_cast<size_t>(std::max(key.size, 0)), v = static_cast<size_t>(std::max(value.size, 0));
            const size_t footprint = (sizeof(Record) + k + v + 7) & ~size_t{7};
            if (blocks_.empty() || blocks_.back().capacity - blocks_.back().used < footprint) addBlock(footprint);
            Block& b = blocks_.back();
            uint8_t* at = b.data.get() + b.used;
            const uint32_t flag = headers.empty() ? 0u : 1u;  // footprint is a multiple of 8: bit 0 is free
            ::new (at) Record{timestamp, key.size, value.size, partition, static_cast<uint32_t>(footprint) | flag};
            detail::copyBytes(at + sizeof(Record), key.data, k);
            detail::copyBytes(at + sizeof(Record) + k, value.data, v);
            b.used += footprint;
            ++count_;
            if (flag) headers_.push_back(headers);
        }
        bool empty() const noexcept { return count_ == 0; }
        size_t size() const noexcept { return count_; }
        const Record& front() const { return *reinterpret_cast<const Record*>(blocks_.front().data.get() + read_); }
        ByteView key(const Record& r) const { return ByteView{r.bytes(), r.key_size}; }
        ByteView value(const Record& r) const { return ByteView{r.bytes() + std::max(r.key_size, 0), r.value_size}; }
        const Headers& frontHeaders() const { return front().hasHeaders() ? headers_.front() : no_headers_; }
        // Drops the front record (which invalidates views of it).
        void pop() {
            const Record& r = front();
            if (r.hasHeaders()) headers_.pop_front();
            read_ += r.footprint & ~uint32_t{1};
            --count_;
            Block& b = blocks_.front();
            if (read_ < b.used) return;
            read_ = 0;
            if (blocks_.size() == 1) {
                b.used = 0;  // the block being written: reused from its start
                return;
            }
            if (!spare_ || b.capacity > spare_capacity_) {
                spare_ = std::move(b.data);
                spare_capacity_ = b.capacity;
            }
            blocks_.pop_front();
        }

    private:
        struct Block {
            std::unique_ptr<uint8_t[]> data;
            size_t capacity = 0, used = 0;
        };
        void addBlock(size_t at_least) {
            if (blocks_.size() == 1 && count_ == 0) blocks_.pop_back();  // all read: replaced
            Block b;
            if (spare_ && spare_capacity_ >= at_least) {
                b.data = std::move(spare_);
                b.capacity = spare_capacity_;
            } else {
                const size_t grown = blocks_.size() > 1 ? std::min<size_t>(2 * blocks_.back().capacity, 1024 * 1024) : 0;
                b.capacity = std::max({at_least, size_t{64 * 1024}, grown});
                b.data.reset(new uint8_t[b.capacity]);
            }
            blocks_.push_back(std::move(b));
        }
        std::deque<Block> blocks_;  // the front one is read from read_, the back one written
        size_t read_ = 0;
        size_t count_ = 0;
        std::deque<Dependent<Headers, D>> headers_;  // of the records that have any, oldest first (through D: built only with the driver)
        std::unique_ptr<uint8_t[]> spare_;  // a read block's memory, for the next block
        size_t spare_capacity_ = 0;
        Headers no_headers_;
    };
    OutputQueue& outputQueue(const std::string& topic) { return outputs_[topic]; }
    const std::set<std::string>& sinkTopics() const { return sink_topics_; }

private:
    static Properties withDefaults(const Properties& config) {
        Properties p = config;
        if (!p.containsKey(StreamsConfig::BOOTSTRAP_SERVERS_CONFIG)) p.put(StreamsConfig::BOOTSTRAP_SERVERS_CONFIG, "dummy-bootstrap-host:0");
        // Kafka appends a random number; a fixed id keeps changelog and repartition topic names stable.
        if (!p.containsKey(StreamsConfig::APPLICATION_ID_CONFIG)) p.put(StreamsConfig::APPLICATION_ID_CONFIG, "dummy-topology-test-driver-app-id");
        return p;
    }

    detail::TaskHost& host() { return *this; }
    int32_t partitionsFor(const std::string& topic) override {
        auto it = partitions_.find(topic);
        if (it != partitions_.end()) return it->second;
        auto rit = repartition_counts_.find(topic);
        return rit == repartition_counts_.end() ? 1 : rit->second;
    }
    detail::CacheBudget* cacheBudget() override { return &cache_; }
    detail::KeyValueBytesStore* globalStore(const std::string& name) override {
        return global_task_ ? global_task_->store(name) : nullptr;
    }
    const detail::StoreSpec* globalStoreSpec(const std::string& name) override {
        return global_task_ ? global_task_->storeSpec(name) : nullptr;
    }
    std::shared_ptr<TimestampExtractor> defaultTimestampExtractor() override { return default_extractor_; }
    detail::SerdePtr defaultKeySerde() override {
        if (!default_key_serde_)
            throw ConfigException("Please specify a key serde or set one through StreamsConfig#DEFAULT_KEY_SERDE_CLASS_CONFIG");
        return default_key_serde_;
    }
    detail::SerdePtr defaultValueSerde() override {
        if (!default_value_serde_)
            throw ConfigException("Please specify a value serde or set one through StreamsConfig#DEFAULT_VALUE_SERDE_CLASS_CONFIG");
        return default_value_serde_;
    }

    // The default partitioner: murmur2 of the key bytes; keyless records go round robin (Kafka: sticky).
    // What the driver knows about one topic, looked up once per record.
    struct Queued;
    struct TopicState {
        const std::string* name = nullptr;  // the key of topic_states_ (stable)
        int32_t partitions = 1;
        std::vector<int64_t> next_offsets;
        OutputQueue* outputs = nullptr;
        std::vector<std::deque<Queued>*> queues;  // per partition, once something was queued there
        const std::vector<StreamTask*>* route = nullptr;  // the tasks reading it, by partition (consumed topics)
        bool consumed = false, global = false, produced = false;
        uint64_t round_robin = 0;
    };
    // A topic's state, made on first use. `route`: the caller's slot (a sink's, a changelog writer's, a
    // TestInputTopic's; nullptr for none) that remembers it between records, so that the records of a fixed topic
    // skip the lookup by name; a topic's state stays where it is while the driver lives.
    TopicState& topicState(const std::string& topic, void** route) {
        if (route && *route) return *static_cast<TopicState*>(*route);  // kept small: inlined on the per-record paths
        TopicState& ts = findTopicState(topic);
        if (route) *route = &ts;
        return ts;
    }
    TopicState& findTopicState(const std::string& topic) {
        auto it = topic_states_.find(topic);
        if (it == topic_states_.end()) {
            TopicState s;
            s.partitions = partitionsFor(topic);
            s.next_offsets.assign(static_cast<size_t>(s.partitions), 0);
            s.queues.assign(static_cast<size_t>(s.partitions), nullptr);
            s.outputs = &outputs_[topic];
            s.consumed = consumedTopic(topic);
            if (s.consumed) s.route = &routes_.at(topic);
            s.global = global_task_ && global_task_->consumes(topic);
            it = topic_states_.emplace(topic, std::move(s)).first;
            it->second.name = &it->first;
        }
        return it->second;
    }
    static int32_t choosePartition(TopicState& ts, ByteView key) {
        if (ts.partitions == 1) return 0;
        if (!key.isNull()) return toPositive(murmur2(key.data, static_cast<size_t>(key.size))) % ts.partitions;
        return static_cast<int32_t>(ts.round_robin++ % static_cast<uint64_t>(ts.partitions));
    }

    void send(const detail::ProducedRecord& r) override {
        TopicState& ts = topicState(*r.topic, r.route);
        const int32_t n = ts.partitions;
        const int32_t partition = r.partition ? *r.partition : choosePartition(ts, r.key);
        if (partition < 0 || partition >= n)
            throw StreamsException("The partitioner chose partition " + std::to_string(partition) + " of topic " + *r.topic +
                                   ", which has " + std::to_string(n) + " partition(s)");
        if (!ts.produced) {
            produced_topics_.insert(*r.topic);
            ts.produced = true;
        }
        const int64_t offset = ts.next_offsets[static_cast<size_t>(partition)]++;
        if (ts.global) processGlobal(*r.topic, partition, offset, r.timestamp, r.key, r.value, *r.headers);
        ts.outputs->push(r.key, r.value, r.timestamp, *r.headers, partition);
        if (ts.consumed) enqueue(ts, partition, offset, r.timestamp, copy(r.key), copy(r.value), *r.headers);
    }

    // ---- Tasks ----
    void buildTasks() {
        const auto groups = topology_->nodeGroups();
        std::vector<std::vector<std::string>> subtopologies;
        std::vector<std::string> global_nodes;
        for (const auto& g : groups) {
            if (topology_->isGlobalGroup(g)) global_nodes.insert(global_nodes.end(), g.begin(), g.end());
            else subtopologies.push_back(g);
        }
        // Source and sink topics (decorated) per sub-topology.
        std::vector<std::vector<std::string>> sources(subtopologies.size()), pattern_sources(subtopologies.size());
        for (size_t s = 0; s < subtopologies.size(); ++s) {
            for (const auto& name : subtopologies[s]) {
                const auto* def = topology_->node(name);
                if (def->kind == detail::NodeDef::Kind::Source && !def->pattern)
                    for (const auto& t : def->topics) sources[s].push_back(decorate(t));
                if (def->kind == detail::NodeDef::Kind::Source && def->pattern)  // counts only; bound when first used
                    for (const auto& [t, n] : partitions_)
                        if (def->pattern->matches(t)) pattern_sources[s].push_back(t);
                if (def->kind == detail::NodeDef::Kind::Sink && !def->extractor) sink_topics_.insert(decorate(def->topic));
            }
        }
        // Repartition topics: Kafka's rules (the writers' largest source topic, Repartitioned's fixed count, co-partition
        // groups made consistent); an inconsistent group is a TopologyException, as when a Kafka application starts.
        std::vector<std::string> known_topics;
        for (const auto& [topic, n] : partitions_) known_topics.push_back(topic);
        for (const auto& [topic, n] : topology_->repartitionTopicPartitions([this](const std::string& t) { return partitionsFor(t); },
                                                                            application_id_, known_topics))
            repartition_counts_[decorate(topic)] = n;
        // One task per partition of a sub-topology's largest source topic; Kafka's driver (one task) when every
        // user topic has one partition.
        int32_t max_partitions = 1;
        for (size_t s = 0; s < subtopologies.size(); ++s)
            for (const auto* topics : {&sources[s], &pattern_sources[s]})
                for (const auto& t : *topics)
                    if (!repartition_counts_.count(t)) max_partitions = std::max(max_partitions, partitionsFor(t));
        for (size_t s = 0; s < subtopologies.size(); ++s) {
            int32_t n = 1;
            for (const auto* topics : {&sources[s], &pattern_sources[s]})
                for (const auto& t : *topics) n = std::max(n, partitionsFor(t));
            subtopology_partitions_.push_back(n);
            // A store's changelog has one partition per task of the sub-topology.
            for (const auto& name : subtopologies[s])
                for (const auto& store : topology_->node(name)->stores)
                    repartition_counts_[application_id_ + "-" + store + "-changelog"] = max_partitions == 1 ? 1 : n;
        }
        if (max_partitions == 1) {
            // Kafka's driver: one task (0_0) runs the whole topology.
            std::vector<std::string> all;
            for (const auto& g : subtopologies) all.insert(all.end(), g.begin(), g.end());
            if (!all.empty()) {
                tasks_.push_back(std::make_unique<StreamTask>(TaskId{0, 0}, topology_, all, host()));
                for (size_t s = 0; s < subtopologies.size(); ++s)
                    for (const auto& t : sources[s]) routes_[t].assign(1, tasks_.back().get());
            }
        } else {
            for (size_t s = 0; s < subtopologies.size(); ++s) {
                const int32_t n = subtopology_partitions_[s];
                for (int32_t p = 0; p < n; ++p) {
                    tasks_.push_back(std::make_unique<StreamTask>(TaskId{static_cast<int32_t>(s), p}, topology_, subtopologies[s], host()));
                    for (const auto& t : sources[s]) {
                        auto& r = routes_[t];
                        r.resize(static_cast<size_t>(n), nullptr);
                        r[static_cast<size_t>(p)] = tasks_.back().get();
                    }
                }
            }
        }
        if (!global_nodes.empty()) {
            global_task_ = std::make_unique<StreamTask>(TaskId{-1, -1}, topology_, global_nodes, host());
            global_task_->initialize();
        }
        for (auto& t : tasks_) t->initialize();
    }

    std::string decorate(const std::string& topic) const {
        return topology_->isInternalTopic(topic) ? application_id_ + "-" + topic : topic;
    }
    // Whether a task reads the topic; a topic a pattern source matches is bound to that source's tasks first.
    bool consumedTopic(const std::string& topic) {
        if (routes_.count(topic)) return true;
        for (auto& task : tasks_) {
            if (!task->subscribe(topic)) continue;
            auto& route = routes_[topic];
            const size_t p = static_cast<size_t>(task->id().partition);
            if (route.size() <= p) route.resize(p + 1, nullptr);
            route[p] = task.get();
        }
        return routes_.count(topic) != 0;
    }
    std::string knownTopicsHint() const {
        std::string s = " (the topology reads";
        if (routes_.empty() && !global_task_) return s + " no topics)";
        bool first = true;
        for (const auto& [t, r] : routes_) {
            s += (first ? " " : ", ") + t;
            first = false;
        }
        return s + ")";
    }

    struct Queued {
        uint64_t sequence;
        const std::string* topic;  // a key of topic_states_
        int32_t partition;
        int64_t offset;
        int64_t timestamp;
        std::optional<Bytes> key, value;
        Headers headers;
        StreamTask* task;
    };

    static ByteView view(const std::optional<Bytes>& b) { return b ? ByteView{b->data(), static_cast<int32_t>(b->size())} : ByteView{}; }
    static std::optional<Bytes> copy(ByteView b) { return b.isNull() ? std::nullopt : std::optional<Bytes>(b.bytes()); }

    // The task reading a topic's partition; nullptr for a partition beyond the sub-topology's tasks (cannot happen
    // with consistent counts).
    static StreamTask* taskFor(const TopicState& ts, int32_t partition) {
        const auto& route = *ts.route;
        return route.size() == 1 ? route[0] : route.at(static_cast<size_t>(partition));
    }
    void enqueue(TopicState& ts, int32_t partition, int64_t offset, int64_t timestamp, std::optional<Bytes> key,
                 std::optional<Bytes> value, const Headers& headers) {
        StreamTask* task = taskFor(ts, partition);
        if (!task) return;
        auto& queue = ts.queues[static_cast<size_t>(partition)];
        if (!queue) queue = &queues_[{*ts.name, partition}];
        queue->push_back(Queued{next_sequence_++, ts.name, partition, offset, timestamp, std::move(key), std::move(value), headers, task});
        ++queued_;
    }
    // One record through its task, then stream-time punctuation and a commit, as Kafka's driver does.
    void runRecord(StreamTask& task, const std::string& topic, int32_t partition, int64_t offset, int64_t timestamp, ByteView key,
                   ByteView value, const Headers& headers) {
        task.process(topic, partition, offset, timestamp, key, value, headers);
        task.maybePunctuateStreamTime();
        task.commit();
    }

    // Kafka's processing loop: the queued record with the smallest head timestamp goes next (ties: FIFO);
    // after each record, stream-time punctuation and a commit.
    void processAll() {
        for (uint64_t guard = 0; queued_ > 0; ++guard) {
            if (guard > 100000000ULL)
                throw IllegalStateException("TopologyTestDriver: still processing after 100,000,000 records; the topology "
                                            "feeds a topic it reads without end");
            std::deque<Queued>* best = nullptr;
            for (auto& [tp, q] : queues_) {
                if (q.empty()) continue;
                if (!best || q.front().timestamp < best->front().timestamp ||
                    (q.front().timestamp == best->front().timestamp && q.front().sequence < best->front().sequence))
                    best = &q;
            }
            if (!best) return;
            Queued rec = std::move(best->front());
            best->pop_front();
            --queued_;
            runRecord(*rec.task, *rec.topic, rec.partition, rec.offset, rec.timestamp, view(rec.key), view(rec.value), rec.headers);
        }
    }

    void processGlobal(const std::string& topic, int32_t partition, int64_t offset, int64_t timestamp, ByteView key, ByteView value,
                       const Headers& headers) {
        global_task_->process(topic, partition, offset, timestamp, key, value, headers);
        global_task_->commit();
    }

    detail::KeyValueBytesStore* findStore(const std::string& name, const detail::StoreSpec** spec) {
        if (global_task_) {
            if (detail::KeyValueBytesStore* g = global_task_->store(name)) {
                if (spec) *spec = global_task_->storeSpec(name);
                return g;
            }
        }
        std::vector<StreamTask*> holders;
        for (auto& t : tasks_)
            if (t->store(name)) holders.push_back(t.get());
        if (holders.empty()) {
            std::string known;
            for (const auto& s : topology_->storeOrder()) known += (known.empty() ? "" : ", ") + s;
            throw IllegalArgumentException("No state store named " + name + " in this topology (stores: [" + known + "])");
        }
        if (spec) *spec = holders[0]->storeSpec(name);
        if (holders.size() == 1) return holders[0]->store(name);
        auto& composite = composites_[name];
        if (!composite) composite = std::make_unique<CompositeStore>(name, holders);
        return composite.get();
    }

    // A read-mostly view over one store's instances in several tasks (one per partition).
    class CompositeStore final : public detail::KeyValueBytesStore {
    public:
        CompositeStore(std::string name, std::vector<StreamTask*> tasks) : name_(std::move(name)), tasks_(std::move(tasks)) {}
        const std::string& name() const override { return name_; }
        bool persistent() const override { return tasks_[0]->store(name_)->persistent(); }
        bool isOpen() const override { return tasks_[0]->store(name_)->isOpen(); }
        void flush() override {
            for (auto* t : tasks_) t->store(name_)->flush();
        }
        void close() override {}
        const Bytes* get(const Bytes& key) override {
            for (auto* t : tasks_)
                if (const Bytes* v = t->store(name_)->get(key)) return v;
            return nullptr;
        }
        void put(const Bytes& key, const Bytes* value) override {
            const int32_t p = toPositive(murmur2(key.data(), key.size())) % static_cast<int32_t>(tasks_.size());
            tasks_[static_cast<size_t>(p)]->store(name_)->put(key, value);
        }
        Entries range(const Bytes* from, const Bytes* to, bool reverse) override {
            Entries all;
            for (auto* t : tasks_) {
                auto part = t->store(name_)->range(from, to, false);
                all.insert(all.end(), part.begin(), part.end());
            }
            std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            if (reverse) std::reverse(all.begin(), all.end());
            return all;
        }
        int64_t approximateNumEntries() override {
            int64_t n = 0;
            for (auto* t : tasks_) n += t->store(name_)->approximateNumEntries();
            return n;
        }

    private:
        std::string name_;
        std::vector<StreamTask*> tasks_;
    };

    std::shared_ptr<const InternalTopologyBuilder> topology_;
    Properties props_;
    AbstractConfig config_;
    std::string application_id_;
    int64_t wall_clock_ms_;
    PartitionCounts partitions_;
    PartitionCounts repartition_counts_;
    std::vector<int32_t> subtopology_partitions_;
    detail::CacheBudget cache_;
    detail::SerdePtr default_key_serde_, default_value_serde_;
    std::shared_ptr<TimestampExtractor> default_extractor_;
    std::vector<std::unique_ptr<StreamTask>> tasks_;
    std::unique_ptr<StreamTask> global_task_;
    std::map<std::string, std::vector<StreamTask*>> routes_;
    std::map<std::pair<std::string, int32_t>, std::deque<Queued>> queues_;
    std::map<std::string, TopicState> topic_states_;
    std::map<std::string, OutputQueue> outputs_;
    std::set<std::string> produced_topics_;
    std::set<std::string> sink_topics_;
    std::map<std::string, std::unique_ptr<CompositeStore>> composites_;
    uint64_t next_sequence_ = 0;
    size_t queued_ = 0;  // records in queues_
    bool closed_ = false;
};

// Kafka's TestInputTopic<K, V>. Records without a timestamp take the topic's clock, which starts at the
// driver's initial wall-clock time (Kafka: Instant.now()) and moves by autoAdvance after each record.
}  // namespace detail

template <class K, class V>
class TestInputTopic {
    using Driver = detail::TopologyTestDriverImpl<detail::Dependent<void, K>>;  // = TopologyTestDriver

public:
    using Key = detail::BoxedT<K>;
    using Value = detail::BoxedT<V>;

    TestInputTopic(Driver* driver, std::string topic, SerdeObject<Key> key_serde, SerdeObject<Value> value_serde,
                   int64_t start_ms, int64_t advance_ms)
        : driver_(driver), topic_(std::move(topic)), key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)),
          current_ms_(start_ms), advance_ms_(advance_ms) {
        if (advance_ms < 0) throw IllegalArgumentException("autoAdvance must be positive");
    }

    // Keys and values may be given as K/V, as std::optional (nullopt: Java's null), or as std::nullopt.
    template <class KA, class VA>
    void pipeInput(KA&& key, VA&& value) {
        pipeKeyValue(key, value, std::nullopt, {});
    }
    template <class KA, class VA, class Rep, class Period>
    void pipeInput(KA&& key, VA&& value, std::chrono::duration<Rep, Period> timestamp) {
        pipeKeyValue(key, value, ms(timestamp), {});
    }
    template <class KA, class VA>
    void pipeInput(KA&& key, VA&& value, int64_t timestamp_ms) {
        pipeKeyValue(key, value, timestamp_ms, {});
    }
    template <class KA, class VA, class Rep, class Period>
    void pipeInput(KA&& key, VA&& value, std::chrono::duration<Rep, Period> timestamp, const Headers& headers) {
        pipeKeyValue(key, value, ms(timestamp), headers);
    }
    template <class VA, class Rep, class Period>
    void pipeInput(VA&& value, std::chrono::duration<Rep, Period> timestamp) {
        pipeKeyValue(std::nullopt, value, ms(timestamp), {});
    }
    template <class VA>
    void pipeInput(VA&& value) {
        if constexpr (std::is_same<std::decay_t<VA>, TestRecord<K, V>>::value)
            pipeKeyValue(value.key(), value.value(), value.timestamp(), value.headers());
        else
            pipeKeyValue(std::nullopt, value, std::nullopt, {});
    }
    void pipeRecordList(const std::vector<TestRecord<K, V>>& records) {
        for (const auto& r : records) pipeKeyValue(r.key(), r.value(), r.timestamp(), r.headers());
    }
    void pipeKeyValueList(const std::vector<KeyValue<K, V>>& records) {
        for (const auto& kv : records) pipeKeyValue(kv.key, kv.value, std::nullopt, {});
    }
    void pipeValueList(const std::vector<V>& values) {
        for (const auto& v : values) pipeKeyValue(std::nullopt, v, std::nullopt, {});
    }
    template <class Rep, class Period>
    void advanceTime(std::chrono::duration<Rep, Period> advance) {
        const int64_t a = ms(advance);
        if (a < 0) throw IllegalArgumentException("advance must be positive");
        current_ms_ += a;
    }
    const std::string& topicName() const noexcept { return topic_; }

private:
    template <class Rep, class Period>
    static int64_t ms(std::chrono::duration<Rep, Period> d) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    }
    // Calls f with a pointer to a as a T (nullptr for null), converting only when a is not a T already.
    template <class T, class A, class F>
    static void withPointer(const A& a, F&& f) {
        if constexpr (std::is_same<std::decay_t<A>, std::nullopt_t>::value) f(static_cast<const T*>(nullptr));
        else if constexpr (detail::IsOptional<std::decay_t<A>>::value) {
            if (!a) f(static_cast<const T*>(nullptr));
            else withPointer<T>(*a, f);
        } else if constexpr (std::is_same<std::decay_t<A>, T>::value) {
            f(&a);
        } else {
            const T converted(a);
            f(&converted);
        }
    }
    template <class KA, class VA>
    void pipeKeyValue(const KA& key, const VA& value, std::optional<int64_t> timestamp, const Headers& headers) {
        withPointer<Key>(key, [&](const Key* k) { withPointer<Value>(value, [&](const Value* v) { pipe(k, v, timestamp, headers); }); });
    }
    void pipe(const Key* key, const Value* value, std::optional<int64_t> timestamp, const Headers& headers) {
        // The bytes of a string or byte array are the value's own; other types are serialized into buffers the
        // topic reuses. The driver copies them only if it must queue the record.
        const ByteView key_view = key ? key_serde_.serializer().bytesOf(*key, key_bytes_) : ByteView{};
        const ByteView value_view = value ? value_serde_.serializer().bytesOf(*value, value_bytes_) : ByteView{};
        int64_t ts;
        if (timestamp) {
            ts = *timestamp;
        } else {
            ts = current_ms_;
            current_ms_ += advance_ms_;
        }
        driver_->pipeRaw(topic_, &route_, key_view, value_view, ts, headers);
    }

    Driver* driver_;
    std::string topic_;
    void* route_ = nullptr;  // the driver's lookup of topic_
    Bytes key_bytes_, value_bytes_;
    SerdeObject<Key> key_serde_;
    SerdeObject<Value> value_serde_;
    int64_t current_ms_;
    int64_t advance_ms_;
};

// Kafka's TestOutputTopic<K, V>: reads what the topology wrote, oldest first. A plain K/V receives Java's
// null as K{}/V{}; declare std::optional<V> to see tombstones as nullopt.
template <class K, class V>
class TestOutputTopic {
    using Driver = detail::TopologyTestDriverImpl<detail::Dependent<void, K>>;  // = TopologyTestDriver

public:
    using Key = detail::BoxedT<K>;
    using Value = detail::BoxedT<V>;

    TestOutputTopic(Driver* driver, std::string topic, SerdeObject<Key> key_serde, SerdeObject<Value> value_serde)
        : topic_(std::move(topic)), key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)),
          queue_(&driver->outputQueue(topic_)) {}

    V readValue() { return readRecord().value(); }
    KeyValue<K, V> readKeyValue() {
        TestRecord<K, V> r = readRecord();
        return KeyValue<K, V>(r.key(), r.value());
    }
    TestRecord<K, V> readRecord() {
        auto& q = *queue_;
        if (q.empty()) throw NoSuchElementException("Empty topic: " + topic_);
        const auto& raw = q.front();
        TestRecord<K, V> r(decode<K>(key_serde_, q.key(raw)), decode<V>(value_serde_, q.value(raw)), raw.timestamp,
                           detail::copyHeaders(q.frontHeaders()));
        r.setPartition(raw.partition);
        q.pop();
        return r;
    }
    std::vector<V> readValuesToList() {
        std::vector<V> out;
        while (!isEmpty()) out.push_back(readValue());
        return out;
    }
    std::vector<KeyValue<K, V>> readKeyValuesToList() {
        std::vector<KeyValue<K, V>> out;
        while (!isEmpty()) out.push_back(readKeyValue());
        return out;
    }
    // The last value per key (a tombstone leaves V{} / nullopt, as Kafka's map keeps null).
    std::map<K, V> readKeyValuesToMap() {
        std::map<K, V> out;
        while (!isEmpty()) {
            auto& q = *queue_;
            if (q.front().key_size < 0) throw IllegalStateException("Null keys not allowed with readKeyValuesToMap method");
            TestRecord<K, V> r = readRecord();
            out.insert_or_assign(r.key(), r.value());
        }
        return out;
    }
    std::vector<TestRecord<K, V>> readRecordsToList() {
        std::vector<TestRecord<K, V>> out;
        out.reserve(static_cast<size_t>(getQueueSize()));
        while (!isEmpty()) out.push_back(readRecord());
        return out;
    }
    int64_t getQueueSize() { return static_cast<int64_t>(queue_->size()); }
    bool isEmpty() { return queue_->empty(); }
    const std::string& topicName() const noexcept { return topic_; }

private:
    template <class T>
    static T decode(const SerdeObject<detail::BoxedT<T>>& serde, ByteView bytes) {
        if (bytes.isNull()) return T{};
        return T(serde.deserializer().deserializeNonNull(bytes.data, static_cast<size_t>(bytes.size)));
    }

    std::string topic_;
    SerdeObject<Key> key_serde_;
    SerdeObject<Value> value_serde_;
    typename Driver::OutputQueue* queue_;  // the driver's queue for topic_ (it keeps every queue while it lives)
};

namespace detail {
template <class D>
template <class K, class V>
TestInputTopic<K, V> TopologyTestDriverImpl<D>::createInputTopic(const std::string& topic, SerdeObject<detail::BoxedT<K>> key_serde,
                                                          SerdeObject<detail::BoxedT<V>> value_serde) {
    return TestInputTopic<K, V>(this, topic, std::move(key_serde), std::move(value_serde), wall_clock_ms_, 0);
}
template <class D>
template <class K, class V, class Rep, class Period, class Rep2, class Period2>
TestInputTopic<K, V> TopologyTestDriverImpl<D>::createInputTopic(const std::string& topic, SerdeObject<detail::BoxedT<K>> key_serde,
                                                          SerdeObject<detail::BoxedT<V>> value_serde,
                                                          std::chrono::duration<Rep, Period> start,
                                                          std::chrono::duration<Rep2, Period2> auto_advance) {
    return TestInputTopic<K, V>(this, topic, std::move(key_serde), std::move(value_serde),
                                std::chrono::duration_cast<std::chrono::milliseconds>(start).count(),
                                std::chrono::duration_cast<std::chrono::milliseconds>(auto_advance).count());
}
template <class D>
template <class K, class V>
TestOutputTopic<K, V> TopologyTestDriverImpl<D>::createOutputTopic(const std::string& topic, SerdeObject<detail::BoxedT<K>> key_serde,
                                                            SerdeObject<detail::BoxedT<V>> value_serde) {
    return TestOutputTopic<K, V>(this, topic, std::move(key_serde), std::move(value_serde));
}

}  // namespace detail

}  // namespace kstream_sim

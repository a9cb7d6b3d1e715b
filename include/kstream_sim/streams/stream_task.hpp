// The Streams engine at run time: StreamTask, its context, sources, sinks and punctuation.
//
// A StreamTask runs the processors of one or more sub-topologies for one
// partition, with its own state stores, stream time and punctuation schedules.
//
// A task knows nothing of who feeds it: a host (TopologyTestDriver today, a KafkaStreams instance on a
// Cluster later) hands it raw records (bytes, as a consumer would), gives it a wall clock, and receives
// what its sinks and changelogs produce (bytes, as a producer would). Between source and sink, records
// travel as boxed values, processor to processor, depth first, as in Kafka.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../core/config.hpp"
#include "../core/dependent.hpp"
#include "../core/hashing.hpp"
#include "state_stores.hpp"
#include "topology_builder.hpp"
#include "values.hpp"

namespace kstream_sim {

// Kafka's PunctuationType.
enum class PunctuationType { STREAM_TIME, WALL_CLOCK_TIME };
inline const char* toString(PunctuationType t) noexcept { return t == PunctuationType::STREAM_TIME ? "STREAM_TIME" : "WALL_CLOCK_TIME"; }

// What schedule() returns: cancel() stops the punctuation (also from inside the punctuator).
class Cancellable {
public:
    Cancellable() = default;
    explicit Cancellable(std::shared_ptr<bool> cancelled) : cancelled_(std::move(cancelled)) {}
    void cancel() {
        if (cancelled_) *cancelled_ = true;
    }

private:
    std::shared_ptr<bool> cancelled_;
};

// Kafka's TaskId: "<subtopology>_<partition>".
struct TaskId {
    int32_t subtopology = 0;
    int32_t partition = 0;
    std::string toString() const { return std::to_string(subtopology) + "_" + std::to_string(partition); }
    friend bool operator<(const TaskId& a, const TaskId& b) {
        return a.subtopology != b.subtopology ? a.subtopology < b.subtopology : a.partition < b.partition;
    }
    friend bool operator==(const TaskId& a, const TaskId& b) { return a.subtopology == b.subtopology && a.partition == b.partition; }
    friend std::ostream& operator<<(std::ostream& out, const TaskId& id) { return out << id.toString(); }
};

namespace detail {

// A record between processors: boxed key and value, timestamp, headers. Its boxes may borrow what an upstream
// node holds (Box::borrow), valid during the process() call that received it: a node that keeps a record keeps
// a copy (copies own their values), never the record itself or a move of it.
struct StreamRecord {
    Box key;
    Box value;
    int64_t timestamp = 0;
    Headers headers;
};

// A record a task produced (to a sink topic or a changelog), serialized. It only points at what its producer
// holds (valid during TaskHost::send, which copies what it keeps): no allocation per record on the way out.
struct ProducedRecord {
    const std::string* topic = nullptr;  // the sink's or the changelog's topic name (kept by its owner)
    // A slot of the producer (sink node or logging layer) for one fixed topic, where the host may keep its lookup
    // of that topic between records; nullptr when the topic varies (a topic name extractor).
    void** route = nullptr;
    std::optional<int32_t> partition;  // nullopt: the host's default partitioner decides
    ByteView key;                      // a null view is Java's null
    ByteView value;
    int64_t timestamp = 0;
    const Headers* headers = nullptr;
};

// What a task needs from whoever runs it.
class TaskHost {
public:
    virtual ~TaskHost() = default;
    virtual const std::string& applicationId() const = 0;
    virtual const Properties& appConfigs() const = 0;
    virtual int64_t wallClockMs() const = 0;
    virtual void send(const ProducedRecord& record) = 0;
    virtual int32_t partitionsFor(const std::string& topic) = 0;
    virtual CacheBudget* cacheBudget() = 0;
    virtual KeyValueBytesStore* globalStore(const std::string& name) = 0;
    virtual const StoreSpec* globalStoreSpec(const std::string& name) = 0;
    // Config defaults for Processor API sources and sinks without serdes (default.key.serde etc.).
    virtual SerdePtr defaultKeySerde() = 0;
    virtual SerdePtr defaultValueSerde() = 0;
    // default.timestamp.extractor; nullptr: FailOnInvalidTimestamp.
    virtual std::shared_ptr<TimestampExtractor> defaultTimestampExtractor() = 0;
};

// A running processor. DSL operators derive from it directly (typed lambdas, no per-record virtual
// Processor API layer); Processor API processors run inside an adapter (processor_api.hpp).
class ProcessorNode {
public:
    virtual ~ProcessorNode() = default;
    virtual void init(TaskContext& /*context*/) {}
    virtual void process(const StreamRecord& record) = 0;
    virtual void close() {}

    const std::string& name() const noexcept { return name_; }
    const std::vector<ProcessorNode*>& children() const noexcept { return children_; }
    const std::vector<std::string>& stores() const noexcept { return stores_; }

    // Hands the record to every child, depth first, in the order children were added.
    inline void forward(const StreamRecord& record);
    inline void forwardTo(const StreamRecord& record, const std::string& child);

    // Set by the task when it builds the node.
    void attach(std::string name, TaskContext* context, std::vector<std::string> stores) {
        name_ = std::move(name);
        context_ = context;
        stores_ = std::move(stores);
    }
    template <class D = void>  // a template only so that it is compiled when used
    void addChild(ProcessorNode* child) { children_.push_back(child); }
    TaskContext& context() const noexcept { return *context_; }

protected:
    TaskContext* context_ = nullptr;

private:
    std::string name_;
    std::vector<ProcessorNode*> children_;
    std::vector<std::string> stores_;
};

// Per-task context: the current node and record, stream time, stores and punctuation schedules. A class
// template only so that its members (its virtual functions, the containers it holds) are compiled when used
// (see "Include cost" in docs/performance.md); the type is TaskContext.
template <class D>
class TaskContextImpl final : public StoreContext {
public:
    TaskContextImpl(TaskId id, TaskHost& host) : id_(id), host_(host) {}

    TaskId taskId() const noexcept { return id_; }
    TaskHost& host() const noexcept { return host_; }
    const std::string& applicationId() const { return host_.applicationId(); }
    int64_t streamTime() const noexcept { return stream_time_; }
    int64_t wallClockMs() const { return host_.wallClockMs(); }
    ProcessorNode* currentNode() const noexcept { return current_; }
    void setCurrentNode(ProcessorNode* node) noexcept { current_ = node; }

    // Source position of the record being processed; topic "" and -1s inside a punctuation.
    const std::string& topic() const noexcept { return topic_ ? *topic_ : defaultValue<std::string>(); }
    int32_t partition() const noexcept { return partition_; }
    int64_t offset() const noexcept { return offset_; }
    bool hasRecordMetadata() const noexcept { return topic_ != nullptr; }
    int64_t timestamp() const noexcept { return timestamp_; }
    const Headers& headers() const noexcept { return headers_ ? *headers_ : empty_headers_; }

    // StoreContext
    std::string changelogTopic(const std::string& store) const override { return applicationId() + "-" + store + "-changelog"; }
    void logChange(const std::string& changelog_topic, void** route, const Bytes& key, ByteView value,
                   int64_t timestamp, const Headers& headers) override {
        ProducedRecord r;
        r.topic = &changelog_topic;
        r.route = route;
        r.partition = id_.partition;
        r.key = ByteView{key.data(), static_cast<int32_t>(key.size())};
        r.value = value;
        r.timestamp = timestamp;
        r.headers = &headers;
        host_.send(r);
    }
    const RecordContext& recordContext() const override {
        scratch_.set(timestamp_, offset_, partition_, topic_, headers_ ? *headers_ : empty_headers_);
        return scratch_;
    }

    // Stores of this task (not global ones).
    KeyValueBytesStore* localStore(const std::string& name) const {
        auto it = stores_.find(name);
        return it == stores_.end() ? nullptr : it->second.get();
    }
    const StoreSpec* localStoreSpec(const std::string& name) const {
        auto it = specs_.find(name);
        return it == specs_.end() ? nullptr : it->second;
    }
    // A store the current node may use: a global store, or a store connected to the node.
    KeyValueBytesStore* storeForCurrentNode(const std::string& name, const StoreSpec** spec) const {
        if (KeyValueBytesStore* g = host_.globalStore(name)) {
            if (spec) *spec = host_.globalStoreSpec(name);
            return g;
        }
        if (!current_) throw StreamsException("Accessing from an unknown node");
        const auto& connected = current_->stores();
        if (std::find(connected.begin(), connected.end(), name) == connected.end())
            throw StreamsException("Processor " + current_->name() + " has no access to StateStore " + name +
                                   " as the store is not connected to the processor. If you add stores manually via "
                                   "'.addStateStore()' make sure to connect the added store to the processor by providing "
                                   "the processor name to '.addStateStore()' or connect them via "
                                   "'.connectProcessorAndStateStores()'. DSL users need to provide the store name to "
                                   "'.process()', '.transform()', or '.transformValues()' to connect the store to the "
                                   "corresponding operator, or they can provide a StoreBuilder by implementing the stores() "
                                   "method on the Supplier itself. If you do not add stores manually, please file a bug "
                                   "report at https://issues.apache.org/jira/projects/KAFKA.");
        if (spec) *spec = localStoreSpec(name);
        return localStore(name);
    }

    Cancellable schedule(int64_t interval_ms, PunctuationType type, std::function<void(int64_t)> punctuator) {
        if (interval_ms < 1) throw IllegalArgumentException("The minimum supported scheduling interval is 1 millisecond.");
        Schedule s;
        s.node = current_;
        s.interval = interval_ms;
        s.punctuator = std::move(punctuator);
        s.cancelled = std::make_shared<bool>(false);
        s.sequence = next_sequence_++;
        Cancellable c(s.cancelled);
        if (type == PunctuationType::STREAM_TIME) {
            s.time = 0;  // aligned to 0: punctuates as soon as there is data
            stream_schedules_.push(std::move(s));
        } else {
            s.time = wallClockMs() + interval_ms;  // aligned to now: first after one interval
            wall_schedules_.push(std::move(s));
        }
        return c;
    }

private:
    template <class>
    friend class StreamTaskImpl;
    friend class ProcessorNode;

    struct Schedule {
        int64_t time = 0;
        int64_t interval = 0;
        uint64_t sequence = 0;
        ProcessorNode* node = nullptr;
        std::function<void(int64_t)> punctuator;
        std::shared_ptr<bool> cancelled;
    };
    struct Later {
        bool operator()(const Schedule& a, const Schedule& b) const noexcept {
            return a.time != b.time ? a.time > b.time : a.sequence > b.sequence;
        }
    };
    using ScheduleQueue = std::priority_queue<Schedule, std::vector<Schedule>, Later>;

    // Kafka's PunctuationQueue.maybePunctuate: every due schedule fires once with the current time; missed
    // intervals are skipped, never replayed.
    bool punctuate(ScheduleQueue& queue, int64_t now, PunctuationType type) {
        bool punctuated = false;
        while (!queue.empty() && queue.top().time <= now) {
            Schedule s = queue.top();
            queue.pop();
            if (*s.cancelled) continue;
            runPunctuator(s, now, type);
            if (!*s.cancelled) {
                int64_t next = s.time + s.interval;
                if (now >= next) next = s.time + ((now - s.time) / s.interval + 1) * s.interval;
                s.time = next;
                s.sequence = next_sequence_++;
                queue.push(std::move(s));
            }
            punctuated = true;
        }
        return punctuated;
    }
    void runPunctuator(const Schedule& s, int64_t now, PunctuationType /*type*/) {
        // A punctuation's record context: its time, no topic, partition and offset -1, no headers.
        const std::string* saved_topic = topic_;
        const int32_t saved_partition = partition_;
        const int64_t saved_offset = offset_, saved_ts = timestamp_;
        const Headers* saved_headers = headers_;
        ProcessorNode* saved_node = current_;
        topic_ = nullptr;
        partition_ = -1;
        offset_ = -1;
        timestamp_ = now;
        headers_ = nullptr;
        current_ = s.node;
        s.punctuator(now);
        topic_ = saved_topic;
        partition_ = saved_partition;
        offset_ = saved_offset;
        timestamp_ = saved_ts;
        headers_ = saved_headers;
        current_ = saved_node;
    }

    TaskId id_;
    TaskHost& host_;
    ProcessorNode* current_ = nullptr;
    const std::string* topic_ = nullptr;  // the task's copy of the source topic's name (nullptr: none)
    int32_t partition_ = -1;
    int64_t offset_ = -1;
    int64_t timestamp_ = 0;
    const Headers* headers_ = nullptr;
    Headers empty_headers_;
    mutable RecordContext scratch_;
    int64_t stream_time_ = -1;  // unknown until the first record
    std::map<std::string, std::unique_ptr<KeyValueBytesStore>> stores_;
    std::map<std::string, const StoreSpec*> specs_;
    ScheduleQueue stream_schedules_, wall_schedules_;
    uint64_t next_sequence_ = 0;
};

inline void ProcessorNode::forward(const StreamRecord& record) {
    TaskContext& ctx = *context_;
    const int64_t saved_ts = ctx.timestamp_;
    const Headers* saved_headers = ctx.headers_;
    ctx.timestamp_ = record.timestamp;
    ctx.headers_ = &record.headers;
    for (ProcessorNode* child : children_) {
        ctx.current_ = child;
        child->process(record);
    }
    ctx.current_ = this;
    ctx.timestamp_ = saved_ts;
    ctx.headers_ = saved_headers;
}

inline void ProcessorNode::forwardTo(const StreamRecord& record, const std::string& child_name) {
    for (ProcessorNode* child : children_) {
        if (child->name() != child_name) continue;
        TaskContext& ctx = *context_;
        const int64_t saved_ts = ctx.timestamp_;
        const Headers* saved_headers = ctx.headers_;
        ctx.timestamp_ = record.timestamp;
        ctx.headers_ = &record.headers;
        ctx.current_ = child;
        child->process(record);
        ctx.current_ = this;
        ctx.timestamp_ = saved_ts;
        ctx.headers_ = saved_headers;
        return;
    }
    throw StreamsException("Unknown downstream node: " + child_name +
                           " either does not exist or is not connected to this processor.");
}

// The source, the sink and the task are class templates only so that they are compiled when used (see
// "Include cost" in docs/performance.md); the names without Impl are the types.
template <class D = void>
class SourceNodeImpl;
template <class D = void>
class SinkNodeImpl;
template <class D = void>
class StreamTaskImpl;
using SourceNode = SourceNodeImpl<>;
using SinkNode = SinkNodeImpl<>;
using StreamTask = StreamTaskImpl<>;

// A source: deserializes the raw record with its serdes and extracts its timestamp; the task then forwards it.
template <class D>
class SourceNodeImpl final : public ProcessorNode {
public:
    SourceNodeImpl(SerdePtr key_serde, SerdePtr value_serde, std::shared_ptr<TimestampExtractor> extractor)
        : key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)), extractor_(std::move(extractor)) {}
    void process(const StreamRecord& record) override { forward(record); }
    // The record with its key and value deserialized (built in place: no box is moved).
    StreamRecord deserialize(ByteView key, ByteView value, const Headers& headers) {
        try {
            return StreamRecord{key_serde_->deserialize(key), value_serde_->deserialize(value), 0,
                                copyHeaders(headers)};
        } catch (const SerializationException& e) {
            throw StreamsException(std::string("Deserialization exception handler is set to fail upon a deserialization "
                                               "error. If you would rather have the streaming pipeline continue after a "
                                               "deserialization error, please set the default.deserialization.exception.handler "
                                               "appropriately. (") + e.what() + ")");
        }
    }
    // Sets r's timestamp from the raw record; false when the extracted timestamp is negative (Kafka drops the record).
    bool stamp(const std::string& topic, int32_t partition, int64_t offset, int64_t timestamp, const Headers& headers,
               StreamRecord& r) {
        if (!extractor_) {  // FailOnInvalidTimestamp, inline
            if (timestamp < 0) {
                const TimestampExtractor::Record rec(topic, partition, offset, timestamp, headers, r.key, r.value, -1);
                throw StreamsException(FailOnInvalidTimestamp::message(rec.toString()));
            }
            r.timestamp = timestamp;
            return true;
        }
        if (static_cast<size_t>(partition) >= partition_times_.size()) partition_times_.resize(static_cast<size_t>(partition) + 1, -1);
        int64_t& partition_time = partition_times_[static_cast<size_t>(partition)];
        const TimestampExtractor::Record rec(topic, partition, offset, timestamp, headers, r.key, r.value, context().wallClockMs());
        try {
            r.timestamp = extractor_->extract(rec, partition_time);
        } catch (const StreamsException&) {
            throw;
        } catch (const std::exception& e) {
            throw StreamsException("Fatal user code error in TimestampExtractor callback for record " + rec.toString() + ". (" +
                                   e.what() + ")");
        }
        if (r.timestamp < 0) return false;  // "Skipping record due to negative extracted timestamp."
        partition_time = std::max(partition_time, r.timestamp);
        return true;
    }

    std::shared_ptr<const Pattern> pattern;  // set when the source subscribes by pattern

private:
    SerdePtr key_serde_, value_serde_;
    std::shared_ptr<TimestampExtractor> extractor_;
    std::vector<int64_t> partition_times_;  // per partition: the largest valid extracted timestamp, -1 while unknown
};

// A sink: serializes and hands the record to the host (which partitions it unless a partitioner does).
template <class D>
class SinkNodeImpl final : public ProcessorNode {
public:
    SinkNodeImpl(const NodeDef& def, SerdePtr key_serde, SerdePtr value_serde, std::string decorated_topic)
        : def_(def), key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)), topic_(std::move(decorated_topic)) {}
    void process(const StreamRecord& record) override {
        ProducedRecord out;
        std::string extracted;
        if (def_.extractor) extracted = def_.extractor->extract(record, context());
        const std::string& topic = def_.extractor ? extracted : topic_;
        out.topic = &topic;
        if (!def_.extractor) out.route = &route_;
        if (record.timestamp < 0)
            throw StreamsException("Invalid (negative) timestamp of " + std::to_string(record.timestamp) +
                                   " for output record <" + std::string(record.key.typeName()) + ":" +
                                   record.value.typeName() + ">.");
        try {
            out.key = key_serde_->view(record.key, key_bytes_);
            out.value = value_serde_->view(record.value, value_bytes_);
        } catch (const ClassCastException& e) {
            throw StreamsException(std::string("ClassCastException while producing data to topic ") + topic +
                                   ". The key or value serde does not fit the record (" + e.what() +
                                   "). Change the serdes of the sink (Produced::with / addSink) to match the types.");
        }
        if (def_.partitioner) {
            const int32_t n = context().host().partitionsFor(topic);
            out.partition = def_.partitioner(topic, record, n);
        }
        out.timestamp = record.timestamp;
        out.headers = &record.headers;
        context().host().send(out);
    }

private:
    const NodeDef& def_;
    SerdePtr key_serde_, value_serde_;
    std::string topic_;
    void* route_ = nullptr;          // the host's lookup of topic_ (ProducedRecord::route)
    Bytes key_bytes_, value_bytes_;  // scratch: the serialized key and value of the record being sent
};

// ---- StreamTask -------------------------------------------------------------------------------------------------
template <class D>
class StreamTaskImpl {
    using SourceNode = SourceNodeImpl<D>;
    using SinkNode = SinkNodeImpl<D>;
    // Plain types named through D too: containers of them are then built only with this class.
    using KeyValueBytesStore = Dependent<detail::KeyValueBytesStore, D>;
    using ProcessorNode = Dependent<detail::ProcessorNode, D>;
    using InternalTopologyBuilder = InternalTopologyBuilderImpl<D>;

public:
    // Builds the nodes and stores of the given node groups (sub-topologies) for one partition.
    StreamTaskImpl(TaskId id, std::shared_ptr<const InternalTopologyBuilder> topology, const std::vector<std::string>& node_names,
               TaskHost& host)
        : topology_(std::move(topology)), context_(id, host) {
        const std::set<std::string> members(node_names.begin(), node_names.end());
        for (const auto& def : topology_->nodes()) {
            if (!members.count(def.name)) continue;
            std::unique_ptr<ProcessorNode> node;
            switch (def.kind) {
                case NodeDef::Kind::Source: {
                    auto src = std::make_unique<SourceNode>(def.key_serde ? def.key_serde : host.defaultKeySerde(),
                                                            def.value_serde ? def.value_serde : host.defaultValueSerde(),
                                                            def.timestamp_extractor ? def.timestamp_extractor : host.defaultTimestampExtractor());
                    for (const auto& t : def.topics) sources_[decorate(t)] = src.get();
                    if (def.pattern) {
                        src->pattern = def.pattern;
                        pattern_sources_.push_back(src.get());
                    }
                    node = std::move(src);
                    break;
                }
                case NodeDef::Kind::Sink:
                    node = std::make_unique<SinkNode>(def, def.key_serde ? def.key_serde : host.defaultKeySerde(),
                                                      def.value_serde ? def.value_serde : host.defaultValueSerde(),
                                                      decorate(def.topic));
                    break;
                case NodeDef::Kind::Processor: node = def.make(); break;
            }
            node->attach(def.name, &context_, def.stores);
            by_name_[def.name] = node.get();
            for (const auto& p : def.predecessors) by_name_.at(p)->addChild(node.get());
            for (const auto& s : def.stores) store_names_.insert(s);
            nodes_.push_back(std::move(node));
        }
        for (const auto& name : topology_->storeOrder()) {
            if (!store_names_.count(name)) continue;
            const StoreDef& def = topology_->stores().at(name);
            auto store = buildStore<D>(def.spec, host.cacheBudget());
            store->init(&context_);
            commit_order_.emplace_back(store.get(), flushOwner(name));
            context_.specs_[name] = &def.spec;
            context_.stores_[name] = std::move(store);
        }
    }
    StreamTaskImpl(const StreamTaskImpl&) = delete;
    StreamTaskImpl& operator=(const StreamTaskImpl&) = delete;

    TaskId id() const noexcept { return context_.taskId(); }
    TaskContext& context() noexcept { return context_; }
    int64_t streamTime() const noexcept { return context_.stream_time_; }
    bool consumes(const std::string& decorated_topic) const { return sources_.count(decorated_topic) != 0; }
    // Binds a topic to the source whose pattern matches it (Kafka: the subscription picks up a matching topic).
    bool subscribe(const std::string& topic) {
        for (SourceNode* src : pattern_sources_) {
            if (!src->pattern->matches(topic)) continue;
            sources_[topic] = src;
            return true;
        }
        return false;
    }
    std::vector<std::string> storeNames() const { return std::vector<std::string>(store_names_.begin(), store_names_.end()); }
    KeyValueBytesStore* store(const std::string& name) const { return context_.localStore(name); }
    const StoreSpec* storeSpec(const std::string& name) const { return context_.localStoreSpec(name); }

    // Initializes every processor (in topological order), as Kafka does when a task starts.
    void initialize() {
        for (auto& n : nodes_) {
            context_.current_ = n.get();
            n->init(context_);
        }
        context_.current_ = nullptr;
    }

    // Processes one raw record from a source topic (decorated name), depth first through the sub-topology.
    void process(const std::string& topic, int32_t partition, int64_t offset, int64_t timestamp, ByteView key, ByteView value,
                 const Headers& headers) {
        auto it = last_source_;  // most records come from the topic of the one before
        if (it == sources_.end() || it->first != topic) {
            it = sources_.find(topic);
            if (it == sources_.end()) throw IllegalArgumentException("Unknown topic: " + topic);
            last_source_ = it;
        }
        SourceNode* source = it->second;
        context_.current_ = source;
        StreamRecord r = source->deserialize(key, value, headers);
        if (!source->stamp(topic, partition, offset, timestamp, headers, r)) {
            context_.current_ = nullptr;
            return;
        }
        if (r.timestamp > context_.stream_time_) context_.stream_time_ = r.timestamp;
        context_.topic_ = &it->first;
        context_.partition_ = partition;
        context_.offset_ = offset;
        context_.timestamp_ = r.timestamp;
        context_.headers_ = &r.headers;
        source->forward(r);
        context_.current_ = nullptr;
        context_.headers_ = nullptr;
    }

    bool maybePunctuateStreamTime() {
        if (context_.stream_time_ < 0) return false;
        return context_.punctuate(context_.stream_schedules_, context_.stream_time_, PunctuationType::STREAM_TIME);
    }
    bool maybePunctuateSystemTime() {
        return context_.punctuate(context_.wall_schedules_, context_.wallClockMs(), PunctuationType::WALL_CLOCK_TIME);
    }

    // Kafka's commit: flushes every store (a cache flush forwards its dirty entries downstream).
    void commit() {
        for (const auto& [store, owner] : commit_order_) {
            context_.current_ = owner;
            store->flush();
        }
        context_.current_ = nullptr;
    }

    void close() {
        commit();
        for (auto& n : nodes_) {
            context_.current_ = n.get();
            n->close();
        }
        for (auto& [name, store] : context_.stores_) store->close();
        context_.current_ = nullptr;
    }

    std::string decorate(const std::string& topic) const {
        return topology_->isInternalTopic(topic) ? context_.applicationId() + "-" + topic : topic;
    }

private:
    // The processor a cache flush forwards from: the first processor connected to the store.
    ProcessorNode* flushOwner(const std::string& store) const {
        const auto& procs = topology_->stores().at(store).processors;
        for (const auto& p : procs) {
            auto it = by_name_.find(p);
            if (it != by_name_.end()) return it->second;
        }
        return nullptr;
    }

    std::shared_ptr<const InternalTopologyBuilder> topology_;
    TaskContext context_;
    std::vector<std::unique_ptr<ProcessorNode>> nodes_;
    std::map<std::string, ProcessorNode*> by_name_;
    std::map<std::string, SourceNode*> sources_;
    typename std::map<std::string, SourceNode*>::iterator last_source_ = sources_.end();  // the source used last
    std::vector<SourceNode*> pattern_sources_;
    std::set<std::string> store_names_;
    std::vector<std::pair<KeyValueBytesStore*, ProcessorNode*>> commit_order_;  // stores in the order added, with their flush owner
};

}  // namespace detail

}  // namespace kstream_sim

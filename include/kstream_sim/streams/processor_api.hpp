// The Processor API: Record, Processor, ProcessorContext, punctuation and the engine adapters.
//
// Kafka's org.apache.kafka.streams.processor.api: Record, Processor, ProcessorContext,
// FixedKeyRecord, FixedKeyProcessor, FixedKeyProcessorContext, and the adapters that run them in the engine.
//
// A processor is a class deriving from Processor<KIn, VIn, KOut, VOut>; a supplier is any callable returning
// std::unique_ptr to one (a fresh instance per task, as Kafka requires). ProcessorContext::forward() sends a
// Record downstream; schedule() registers a punctuator on STREAM_TIME or WALL_CLOCK_TIME; getStateStore<S>()
// returns a typed view (KeyValueStore<K, V> or TimestampedKeyValueStore<K, V>) of a connected store.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "../core/dependent.hpp"
#include "stream_task.hpp"

namespace kstream_sim {

// Kafka's Record<K, V>: immutable key, value, timestamp and headers; with*() return changed copies.
// Use std::optional<K> / std::optional<V> to send or see Java's null.
template <class K, class V>
class Record {
public:
    Record(K key, V value, int64_t timestamp, Headers headers = {})
        : key_(std::move(key)), value_(std::move(value)), timestamp_(timestamp), headers_(std::move(headers)) {
        if (timestamp < 0)
            throw StreamsException("Malformed Record: timestamp may not be negative. Got: " + std::to_string(timestamp));
    }
    template <class Rep, class Period>
    Record(K key, V value, std::chrono::duration<Rep, Period> timestamp, Headers headers = {})
        : Record(std::move(key), std::move(value), std::chrono::duration_cast<std::chrono::milliseconds>(timestamp).count(),
                 std::move(headers)) {}

    const K& key() const noexcept { return key_; }
    const V& value() const noexcept { return value_; }
    int64_t timestamp() const noexcept { return timestamp_; }
    const Headers& headers() const noexcept { return headers_; }
    Headers& headers() noexcept { return headers_; }

    template <class NK>
    Record<NK, V> withKey(NK key) const { return Record<NK, V>(std::move(key), value_, timestamp_, headers_); }
    template <class NV>
    Record<K, NV> withValue(NV value) const { return Record<K, NV>(key_, std::move(value), timestamp_, headers_); }
    Record withTimestamp(int64_t timestamp) const { return Record(key_, value_, timestamp, headers_); }
    Record withHeaders(Headers headers) const { return Record(key_, value_, timestamp_, std::move(headers)); }

private:
    K key_;
    V value_;
    int64_t timestamp_;
    Headers headers_;
};

// Kafka's FixedKeyRecord<K, V>: a record whose key a processValues() processor cannot change.
template <class K, class V>
class FixedKeyRecord {
public:
    FixedKeyRecord(K key, V value, int64_t timestamp, Headers headers)
        : key_(std::move(key)), value_(std::move(value)), timestamp_(timestamp), headers_(std::move(headers)) {}
    const K& key() const noexcept { return key_; }
    const V& value() const noexcept { return value_; }
    int64_t timestamp() const noexcept { return timestamp_; }
    const Headers& headers() const noexcept { return headers_; }
    Headers& headers() noexcept { return headers_; }
    template <class NV>
    FixedKeyRecord<K, NV> withValue(NV value) const { return FixedKeyRecord<K, NV>(key_, std::move(value), timestamp_, headers_); }
    FixedKeyRecord withTimestamp(int64_t timestamp) const { return FixedKeyRecord(key_, value_, timestamp, headers_); }
    FixedKeyRecord withHeaders(Headers headers) const { return FixedKeyRecord(key_, value_, timestamp_, std::move(headers)); }

private:
    K key_;
    V value_;
    int64_t timestamp_;
    Headers headers_;
};

// Kafka's processor.api.RecordMetadata (named so here because the producer's RecordMetadata exists too).
class ProcessorRecordMetadata {
public:
    ProcessorRecordMetadata(std::string topic, int32_t partition, int64_t offset)
        : topic_(std::move(topic)), partition_(partition), offset_(offset) {}
    const std::string& topic() const noexcept { return topic_; }
    int32_t partition() const noexcept { return partition_; }
    int64_t offset() const noexcept { return offset_; }

private:
    std::string topic_;
    int32_t partition_;
    int64_t offset_;
};

namespace detail {

// What ProcessorContext and FixedKeyProcessorContext share.
class ContextBase {
public:
    ContextBase(TaskContext* context, ProcessorNode* node) : context_(context), node_(node) {}

    const std::string& applicationId() const { return context_->applicationId(); }
    TaskId taskId() const { return context_->taskId(); }
    // The source topic, partition and offset of the record being processed; nullopt inside a punctuation.
    template <class D = void>  // a template (its type named through D) only so that it is compiled when used
    std::optional<Dependent<ProcessorRecordMetadata, D>> recordMetadata() const {
        if (!context_->hasRecordMetadata()) return std::nullopt;
        return ProcessorRecordMetadata(context_->topic(), context_->partition(), context_->offset());
    }
    // A typed view of a connected (or global) store: S is KeyValueStore<K, V> or TimestampedKeyValueStore<K, V>.
    template <class S>
    S getStateStore(const std::string& name) const {
        const StoreSpec* spec = nullptr;
        ProcessorNode* saved = context_->currentNode();
        context_->setCurrentNode(node_);
        KeyValueBytesStore* store = context_->storeForCurrentNode(name, &spec);
        context_->setCurrentNode(saved);
        if (!store) throw StreamsException("State store " + name + " is not registered with this task");
        return S(store, spec, context_);
    }
    // Registers a punctuator (a callable taking the punctuation time in ms).
    template <class Rep, class Period, class F>
    Cancellable schedule(std::chrono::duration<Rep, Period> interval, PunctuationType type, F&& punctuator) {
        ProcessorNode* saved = context_->currentNode();
        context_->setCurrentNode(node_);
        Cancellable c = context_->schedule(std::chrono::duration_cast<std::chrono::milliseconds>(interval).count(), type,
                                           [p = std::forward<F>(punctuator)](int64_t ts) mutable { p(ts); });
        context_->setCurrentNode(saved);
        return c;
    }
    // Kafka asks the runtime to commit soon; the test driver commits after every record anyway.
    void commit() {}
    const Properties& appConfigs() const { return context_->host().appConfigs(); }
    int64_t currentSystemTimeMs() const { return context_->wallClockMs(); }
    int64_t currentStreamTimeMs() const { return context_->streamTime(); }

protected:
    TaskContext* context_;
    ProcessorNode* node_;
};

}  // namespace detail

// Kafka's ProcessorContext<KForward, VForward>.
template <class KForward, class VForward>
class ProcessorContext : public detail::ContextBase {
public:
    using detail::ContextBase::ContextBase;

    // Sends a record to every child (or to one child by name).
    template <class K, class V>
    void forward(const Record<K, V>& record) {
        node_->forward(toStream(record));
    }
    template <class K, class V>
    void forward(const Record<K, V>& record, const std::string& child_name) {
        node_->forwardTo(toStream(record), child_name);
    }

private:
    template <class K, class V>
    static detail::StreamRecord toStream(const Record<K, V>& record) {
        static_assert(std::is_convertible<K, KForward>::value || std::is_same<detail::BoxedT<K>, detail::BoxedT<KForward>>::value,
                      "forward(): the record's key type does not match the processor's KOut");
        static_assert(std::is_convertible<V, VForward>::value || std::is_same<detail::BoxedT<V>, detail::BoxedT<VForward>>::value,
                      "forward(): the record's value type does not match the processor's VOut");
        detail::StreamRecord r;
        r.key = box<KForward>(record.key());
        r.value = box<VForward>(record.value());
        r.timestamp = record.timestamp();
        r.headers = record.headers();
        return r;
    }
    template <class T, class U>
    static detail::Box box(const U& v) {
        if constexpr (detail::IsOptional<U>::value) return detail::Box::of(v);
        else return detail::Box::of(static_cast<detail::BoxedT<T>>(v));
    }
};

// Kafka's FixedKeyProcessorContext<KForward, VForward>: forwards FixedKeyRecords (same key).
template <class KForward, class VForward>
class FixedKeyProcessorContext : public detail::ContextBase {
public:
    using detail::ContextBase::ContextBase;
    template <class V>
    void forward(const FixedKeyRecord<KForward, V>& record) {
        node_->forward(toStream(record));
    }
    template <class V>
    void forward(const FixedKeyRecord<KForward, V>& record, const std::string& child_name) {
        node_->forwardTo(toStream(record), child_name);
    }

private:
    template <class V>
    static detail::StreamRecord toStream(const FixedKeyRecord<KForward, V>& record) {
        detail::StreamRecord r;
        r.key = detail::Box::of(record.key());
        if constexpr (detail::IsOptional<V>::value) r.value = detail::Box::of(record.value());
        else r.value = detail::Box::of(static_cast<detail::BoxedT<VForward>>(record.value()));
        r.timestamp = record.timestamp();
        r.headers = record.headers();
        return r;
    }
};

// Kafka's Processor<KIn, VIn, KOut, VOut>.
template <class KIn, class VIn, class KOut, class VOut>
class Processor {
public:
    using KeyIn = KIn;
    using ValueIn = VIn;
    using KeyOut = KOut;
    using ValueOut = VOut;
    virtual ~Processor() = default;
    virtual void init(ProcessorContext<KOut, VOut>& /*context*/) {}
    virtual void process(const Record<KIn, VIn>& record) = 0;
    virtual void close() {}
};

// Kafka's FixedKeyProcessor<KIn, VIn, VOut> (for processValues()).
template <class KIn, class VIn, class VOut>
class FixedKeyProcessor {
public:
    using KeyIn = KIn;
    using ValueIn = VIn;
    using ValueOut = VOut;
    virtual ~FixedKeyProcessor() = default;
    virtual void init(FixedKeyProcessorContext<KIn, VOut>& /*context*/) {}
    virtual void process(const FixedKeyRecord<KIn, VIn>& record) = 0;
    virtual void close() {}
};

namespace detail {

// Runs a Processor API processor as an engine node: unboxes each record into a typed Record.
template <class P>
class ProcessorAdapter final : public ProcessorNode {
    using KIn = typename P::KeyIn;
    using VIn = typename P::ValueIn;
    using KOut = typename P::KeyOut;
    using VOut = typename P::ValueOut;

public:
    explicit ProcessorAdapter(std::unique_ptr<P> processor) : processor_(std::move(processor)) {}
    void init(TaskContext& context) override {
        typed_ = std::make_unique<ProcessorContext<KOut, VOut>>(&context, this);
        processor_->init(*typed_);
    }
    void process(const StreamRecord& r) override {
        processor_->process(Record<KIn, VIn>(unboxCopy<KIn>(r.key), unboxCopy<VIn>(r.value), r.timestamp, copyHeaders(r.headers)));
    }
    void close() override { processor_->close(); }

private:
    template <class T>
    static T unboxCopy(const Box& b) {
        return T(unbox<T>(b));
    }
    std::unique_ptr<P> processor_;
    std::unique_ptr<ProcessorContext<KOut, VOut>> typed_;
};

template <class P>
class FixedKeyProcessorAdapter final : public ProcessorNode {
    using KIn = typename P::KeyIn;
    using VIn = typename P::ValueIn;
    using VOut = typename P::ValueOut;

public:
    explicit FixedKeyProcessorAdapter(std::unique_ptr<P> processor) : processor_(std::move(processor)) {}
    void init(TaskContext& context) override {
        typed_ = std::make_unique<FixedKeyProcessorContext<KIn, VOut>>(&context, this);
        processor_->init(*typed_);
    }
    void process(const StreamRecord& r) override {
        processor_->process(FixedKeyRecord<KIn, VIn>(KIn(unbox<KIn>(r.key)), VIn(unbox<VIn>(r.value)), r.timestamp, copyHeaders(r.headers)));
    }
    void close() override { processor_->close(); }

private:
    std::unique_ptr<P> processor_;
    std::unique_ptr<FixedKeyProcessorContext<KIn, VOut>> typed_;
};

// The processor type a supplier (a callable returning std::unique_ptr<P>) makes.
template <class Supplier>
using SuppliedProcessor = typename std::decay_t<decltype(std::declval<Supplier&>()())>::element_type;

template <class Supplier>
std::function<std::unique_ptr<ProcessorNode>()> adapterFactory(Supplier supplier) {
    using P = SuppliedProcessor<Supplier>;
    return [supplier]() mutable -> std::unique_ptr<ProcessorNode> {
        std::unique_ptr<P> p = supplier();
        if (!p) throw StreamsException("A ProcessorSupplier returned null; it must return a new Processor instance on each call");
        return std::make_unique<ProcessorAdapter<P>>(std::move(p));
    };
}
template <class Supplier>
std::function<std::unique_ptr<ProcessorNode>()> fixedKeyAdapterFactory(Supplier supplier) {
    using P = SuppliedProcessor<Supplier>;
    return [supplier]() mutable -> std::unique_ptr<ProcessorNode> {
        std::unique_ptr<P> p = supplier();
        if (!p) throw StreamsException("A FixedKeyProcessorSupplier returned null; it must return a new instance on each call");
        return std::make_unique<FixedKeyProcessorAdapter<P>>(std::move(p));
    };
}

}  // namespace detail

}  // namespace kstream_sim

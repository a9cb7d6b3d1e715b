// The DSL's processors: what filter, mapValues, count, KTable sources and the rest do to each record.
//
// Each is an engine node working on boxed records; the typed lambdas of the DSL reach them already wrapped
// (unboxing with the stream's static types), so one node class serves every type. Stateful nodes keep
// bytes in their stores, serializing with the operator's serdes, and forward through the record cache when
// the store is cached (Kafka's TimestampedTupleForwarder / TimestampedCacheFlushListener).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "state_stores.hpp"
#include "stream_task.hpp"
#include "values.hpp"

namespace kstream_sim {
namespace detail {

// The nodes are class templates only so that their members are compiled when a program uses them (see "Include
// cost" in docs/performance.md); the names without Impl are the types, and the DSL makes them through a type
// that depends on its own parameters (Dependent<TableSourceNode, K>).

// Zig-zag varints in Bytes, as Kafka's ByteUtils.writeVarint/readVarint (an int: at most 5 bytes).
template <class D = void>
void appendVarint(Bytes& out, int32_t value) {
    const size_t at = out.size();
    out.resize(at + static_cast<size_t>(varintSize(value)));
    writeVarint(out.data() + at, value);
}
template <class D = void>
int32_t readVarint(const uint8_t* data, size_t size, size_t& pos) {
    int64_t value = 0;
    const uint8_t* next = readVarint(data + pos, data + size, value, 5);
    if (!next) throw SerializationException("Varint is too long");
    pos = static_cast<size_t>(next - data);
    return static_cast<int32_t>(value);
}

// Kafka's ChangedSerializer/ChangedDeserializer: a KTable update (new and old value) on a repartition topic.
// {old}{0}, {new}{1}, or {varint len(new)}{new}{old}{2}.
template <class D = void>
class ChangedSerdeImpl final : public ErasedSerde {
public:
    explicit ChangedSerdeImpl(SerdePtr inner) : inner_(std::move(inner)) {}
    void serialize(const Box& value, Bytes& out) const override {
        const Change& c = value.get<Change>();
        if (!c.newValue.isNull() && !c.oldValue.isNull()) {
            Bytes n, o;
            inner_->serialize(c.newValue, n);
            inner_->serialize(c.oldValue, o);
            appendVarint(out, static_cast<int32_t>(n.size()));
            out.insert(out.end(), n.begin(), n.end());
            out.insert(out.end(), o.begin(), o.end());
            out.push_back(2);
        } else if (!c.newValue.isNull()) {
            inner_->serialize(c.newValue, out);
            out.push_back(1);
        } else if (!c.oldValue.isNull()) {
            inner_->serialize(c.oldValue, out);
            out.push_back(0);
        } else {
            throw StreamsException("Both old and new values are null in ChangeSerializer, which is not allowed.");
        }
    }
    Box deserialize(const uint8_t* data, size_t size) const override {
        if (size == 0) throw StreamsException("Encountered an empty Change record in ChangedDeserializer.");
        const uint8_t flag = data[size - 1];
        Change c;
        switch (flag) {
            case 0: c.oldValue = inner_->deserialize(data, size - 1); break;
            case 1: c.newValue = inner_->deserialize(data, size - 1); break;
            case 2: {
                size_t pos = 0;
                const int32_t n = readVarint(data, size, pos);
                c.newValue = inner_->deserialize(data + pos, static_cast<size_t>(n));
                c.oldValue = inner_->deserialize(data + pos + n, size - 1 - pos - static_cast<size_t>(n));
                break;
            }
            default:
                throw StreamsException("Encountered unknown byte value `" + std::to_string(static_cast<int>(static_cast<int8_t>(flag))) +
                                       "` for encodingFlag in ChangedDeserializer.");
        }
        Box b;
        b.emplace<Change>(std::move(c));
        return b;
    }
    const std::type_info& type() const noexcept override { return typeid(Change); }
    const char* typeName() const noexcept override { return "Change"; }
    const void* typedSerde() const noexcept override { return nullptr; }

private:
    SerdePtr inner_;
};
using ChangedSerde = ChangedSerdeImpl<>;

// A stateless operator: a function of the record and the node (to forward with).
template <class D = void>
class FunctionNodeImpl final : public ProcessorNode {
public:
    using Fn = Dependent<std::function<void(const StreamRecord&, ProcessorNode&)>, D>;
    explicit FunctionNodeImpl(Fn fn) : fn_(std::move(fn)) {}
    void process(const StreamRecord& r) override { fn_(r, *this); }

private:
    Fn fn_;
};
using FunctionNode = FunctionNodeImpl<>;

// Forwards every record unchanged: merge, the repartition filter, branch children, a cogroup's merge.
template <class D = void>
class PassThroughNodeImpl final : public ProcessorNode {
public:
    void process(const StreamRecord& r) override { forward(r); }
};
using PassThroughNode = PassThroughNodeImpl<>;

// KStreamBranch: the first matching predicate's child gets the record; else the default child, if any.
template <class D = void>
class BranchNodeImpl final : public ProcessorNode {
public:
    struct Spec {
        std::vector<std::function<bool(const StreamRecord&)>> predicates;
        std::vector<std::string> children;
    };
    explicit BranchNodeImpl(std::shared_ptr<const Spec> spec) : spec_(std::move(spec)) {}
    void process(const StreamRecord& r) override {
        for (size_t i = 0; i < spec_->predicates.size(); ++i) {
            if (spec_->predicates[i](r)) return forwardTo(r, spec_->children[i]);
        }
        if (spec_->children.size() > spec_->predicates.size()) forwardTo(r, spec_->children.back());
    }

private:
    std::shared_ptr<const Spec> spec_;
};
using BranchNode = BranchNodeImpl<>;

// Flags a KTable operator learns after it was added: downstream asked for old values, or for a store.
struct TableNodeState {
    std::string store_name;     // the store this node would use (generated or given)
    bool materialized = false;  // store in use (Kafka's queryableName != null)
    bool send_old_values = false;
};

// A KTable operator's store access and forwarding, shared by source, filter, mapValues and aggregations.
template <class D = void>
class TableStoreNodeImpl : public ProcessorNode {
public:
    TableStoreNodeImpl(std::shared_ptr<TableNodeState> state, SerdePtr key_serde, SerdePtr value_serde)
        : state_(std::move(state)), key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)) {}

    void init(TaskContext& context) override {
        if (!state_->materialized) return;
        store_ = context.localStore(state_->store_name);
        if (!store_) throw IllegalStateException("kstream_sim: store " + state_->store_name + " is not in this task");
        // With a cache the cache's flush forwards (the listener); without, the operator forwards itself.
        caching_ = store_->setFlushListener(
            [this](const Bytes& key, const Bytes* new_value, const Bytes* old_value, const RecordContext& rc) {
                Change c;  // borrowed by the record: no allocation for it
                if (new_value) c.newValue = value_serde_->deserialize(rawValueOf(*new_value));
                if (old_value) c.oldValue = value_serde_->deserialize(rawValueOf(*old_value));
                forward(StreamRecord{key_serde_->deserialize(key.data(), key.size()), Box::borrow(c),
                                     new_value ? timestampOf(*new_value) : rc.timestamp(), copyHeaders(rc.headers())});
            },
            state_->send_old_values);
    }

protected:
    bool materialized() const noexcept { return store_ != nullptr; }
    // The key's bytes, in a buffer the node reuses (valid until the next call).
    const Bytes& keyBytes(const Box& key) {
        // A view of a string's or byte array's own bytes is copied with one assign; other types serialize here.
        const ByteView v = key_serde_->view(key, key_bytes_);
        if (v.data != key_bytes_.data()) assignBytes(key_bytes_, v.data, static_cast<size_t>(v.size));
        return key_bytes_;
    }
    // The stored value and its timestamp; a null box when absent.
    Box getValue(const Bytes& key, int64_t* timestamp = nullptr) const {
        const Bytes* stored = store_->get(key);
        if (!stored) return Box();
        if (timestamp) *timestamp = timestampOf(*stored);
        return value_serde_->deserialize(rawValueOf(*stored));
    }
    void putValue(const Bytes& key, const Box& value, int64_t timestamp) {
        if (value.isNull()) return store_->put(key, nullptr);
        // The timestamped store's encoding: the timestamp, then the value's bytes. Written over the buffer's bytes:
        // for values of one size (numbers) it is not resized per record.
        const ByteView raw = value_serde_->view(value, value_bytes_);
        const size_t n = 8 + static_cast<size_t>(raw.size);
        if (encoded_.size() != n) encoded_.resize(n);
        writeBigEndian(encoded_.data(), static_cast<uint64_t>(timestamp), 8);
        copyBytes(encoded_.data() + 8, raw.data, static_cast<size_t>(std::max(raw.size, 0)));
        store_->put(key, &encoded_);
    }
    // Kafka's TimestampedTupleForwarder: with a cache the flush forwards; without, forward now.
    void maybeForward(const Box& key, Box new_value, Box old_value, int64_t timestamp, const Headers& headers) {
        if (caching_) return;
        const Change c{std::move(new_value), state_->send_old_values ? std::move(old_value) : Box()};
        forward(StreamRecord{key.borrowed(), Box::borrow(c), timestamp, copyHeaders(headers)});
    }
    void forwardChange(const StreamRecord& r, Box new_value, Box old_value) {
        const Change c{std::move(new_value), std::move(old_value)};
        forward(StreamRecord{r.key.borrowed(), Box::borrow(c), r.timestamp, copyHeaders(r.headers)});
    }

    std::shared_ptr<TableNodeState> state_;
    SerdePtr key_serde_, value_serde_;
    KeyValueBytesStore* store_ = nullptr;
    bool caching_ = false;
    Bytes encoded_, value_bytes_, key_bytes_;  // scratch for putValue and keyBytes
};
using TableStoreNode = TableStoreNodeImpl<>;

// KTableSource (also toTable's KSTREAM-TOTABLE and a global table's processor).
template <class D = void>
class TableSourceNodeImpl final : public TableStoreNode {
public:
    using TableStoreNode::TableStoreNode;
    void process(const StreamRecord& r) override {
        if (r.key.isNull()) return;  // "Skipping record due to null key."
        if (materialized()) {
            const Bytes& key = keyBytes(r.key);
            Box old = getValue(key);
            putValue(key, r.value, r.timestamp);
            maybeForward(r.key, r.value, std::move(old), r.timestamp, r.headers);
        } else {
            forwardChange(r, r.value, Box());
        }
    }
};
using TableSourceNode = TableSourceNodeImpl<>;

// KTableFilter and KTableMapValues: a function of (key, value) applied to both new and old values.
template <class D = void>
class TableTransformNodeImpl final : public TableStoreNode {
public:
    // fn(key, value) -> new value (null box: filtered out). `filter`: a null result with no old value to
    // retract is not forwarded when old values are sent (Kafka's shortcut).
    using Fn = Dependent<std::function<Box(const Box& key, const Box& value)>, D>;
    TableTransformNodeImpl(std::shared_ptr<TableNodeState> state, SerdePtr key_serde, SerdePtr value_serde, Fn fn, bool filter)
        : TableStoreNode(std::move(state), std::move(key_serde), std::move(value_serde)), fn_(std::move(fn)), filter_(filter) {}
    void process(const StreamRecord& r) override {
        const Change& change = r.value.get<Change>();
        Box new_value = change.newValue.isNull() ? Box() : fn_(r.key, change.newValue);
        Box old_value = state_->send_old_values && !change.oldValue.isNull() ? fn_(r.key, change.oldValue) : Box();
        if (filter_ && state_->send_old_values && old_value.isNull() && new_value.isNull()) return;
        if (materialized()) {
            putValue(keyBytes(r.key), new_value, r.timestamp);
            maybeForward(r.key, std::move(new_value), std::move(old_value), r.timestamp, r.headers);
        } else {
            forwardChange(r, std::move(new_value), std::move(old_value));
        }
    }

private:
    Fn fn_;
    bool filter_;
};
using TableTransformNode = TableTransformNodeImpl<>;

// KStreamAggregate / KStreamReduce: per-key aggregate in a timestamped store; records with a null key or
// value are skipped. The result's timestamp is the max of the record's and the previous aggregate's.
template <class D = void>
class StreamAggregateNodeImpl final : public TableStoreNode {
public:
    struct Fns {
        std::function<Box()> initializer;                                      // aggregate only
        std::function<Box(const Box& key, const Box& value, const Box& agg)> aggregator;  // aggregate
        std::function<Box(const Box& agg, const Box& value)> reducer;          // reduce
    };
    StreamAggregateNodeImpl(std::shared_ptr<TableNodeState> state, SerdePtr key_serde, SerdePtr value_serde, Fns fns)
        : TableStoreNode(std::move(state), std::move(key_serde), std::move(value_serde)), fns_(std::move(fns)) {}
    void process(const StreamRecord& r) override {
        if (r.key.isNull() || r.value.isNull()) return;  // "Skipping record due to null key or value."
        const Bytes& key = keyBytes(r.key);
        int64_t old_ts = 0;
        Box old_agg = getValue(key, &old_ts);
        Box new_agg;
        int64_t ts = r.timestamp;
        if (fns_.reducer) {
            new_agg = old_agg.isNull() ? r.value : fns_.reducer(old_agg, r.value);
        } else {
            new_agg = fns_.aggregator(r.key, r.value, old_agg.isNull() ? fns_.initializer() : old_agg);
        }
        if (!old_agg.isNull()) ts = std::max(r.timestamp, old_ts);
        putValue(key, new_agg, ts);
        maybeForward(r.key, std::move(new_agg), std::move(old_agg), ts, r.headers);
    }

private:
    Fns fns_;
};
using StreamAggregateNode = StreamAggregateNodeImpl<>;

// KTableAggregate / KTableReduce: subtract the old value, then add the new one (KIP: subtractor first).
template <class D = void>
class TableAggregateNodeImpl final : public TableStoreNode {
public:
    struct Fns {
        std::function<Box()> initializer;                                                  // aggregate
        std::function<Box(const Box& key, const Box& value, const Box& agg)> adder;       // aggregate
        std::function<Box(const Box& key, const Box& value, const Box& agg)> subtractor;  // aggregate
        std::function<Box(const Box& agg, const Box& value)> add_reducer;                 // reduce
        std::function<Box(const Box& agg, const Box& value)> remove_reducer;              // reduce
    };
    TableAggregateNodeImpl(std::shared_ptr<TableNodeState> state, SerdePtr key_serde, SerdePtr value_serde, Fns fns)
        : TableStoreNode(std::move(state), std::move(key_serde), std::move(value_serde)), fns_(std::move(fns)) {}
    void process(const StreamRecord& r) override {
        if (r.key.isNull())
            throw StreamsException("Record key for KTable aggregate operator with state " + state_->store_name +
                                   " should not be null.");
        const Change& change = r.value.get<Change>();
        const Bytes& key = keyBytes(r.key);
        int64_t old_ts = 0;
        Box old_agg = getValue(key, &old_ts);
        const bool had_old = !old_agg.isNull();
        Box intermediate;
        int64_t ts = r.timestamp;
        if (!change.oldValue.isNull() && had_old) {
            intermediate = fns_.remove_reducer ? fns_.remove_reducer(old_agg, change.oldValue)
                                               : fns_.subtractor(r.key, change.oldValue, old_agg);
            ts = std::max(r.timestamp, old_ts);
        } else {
            intermediate = old_agg;
        }
        Box new_agg;
        if (!change.newValue.isNull()) {
            if (fns_.add_reducer) {
                if (intermediate.isNull()) {
                    new_agg = change.newValue;
                } else {
                    new_agg = fns_.add_reducer(intermediate, change.newValue);
                    ts = std::max(r.timestamp, old_ts);
                }
            } else {
                new_agg = fns_.adder(r.key, change.newValue, intermediate.isNull() ? fns_.initializer() : intermediate);
                if (had_old) ts = std::max(r.timestamp, old_ts);
            }
        } else {
            new_agg = intermediate;
        }
        putValue(key, new_agg, ts);
        maybeForward(r.key, std::move(new_agg), std::move(old_agg), ts, r.headers);
    }

private:
    Fns fns_;
};
using TableAggregateNode = TableAggregateNodeImpl<>;

// KTableRepartitionMap (KTABLE-SELECT): re-keys a table update; same new key for old and new → one record
// carrying both; otherwise the old value's retraction first, then the new value.
template <class D = void>
class TableRepartitionMapNodeImpl final : public ProcessorNode {
public:
    // mapper(key, value) -> (new key, new value) as two boxes.
    using Mapper = Dependent<std::function<std::pair<Box, Box>(const Box& key, const Box& value)>, D>;
    using KeyEquals = Dependent<std::function<bool(const Box&, const Box&)>, D>;
    TableRepartitionMapNodeImpl(Mapper mapper, KeyEquals equals) : mapper_(std::move(mapper)), equals_(std::move(equals)) {}
    void process(const StreamRecord& r) override {
        if (r.key.isNull()) throw StreamsException("Record key for the grouping KTable should not be null.");
        const Change& change = r.value.get<Change>();
        std::pair<Box, Box> new_pair, old_pair;
        const bool has_new = !change.newValue.isNull(), has_old = !change.oldValue.isNull();
        if (has_new) new_pair = mapper_(r.key, change.newValue);
        if (has_old) old_pair = mapper_(r.key, change.oldValue);
        const bool old_ok = has_old && !old_pair.first.isNull() && !old_pair.second.isNull();
        const bool new_ok = has_new && !new_pair.first.isNull() && !new_pair.second.isNull();
        if (old_ok && new_ok && equals_(old_pair.first, new_pair.first)) {
            emit(r, old_pair.first, Change{std::move(new_pair.second), std::move(old_pair.second)});
        } else {
            if (old_ok) emit(r, old_pair.first, Change{Box(), std::move(old_pair.second)});
            if (new_ok) emit(r, new_pair.first, Change{std::move(new_pair.second), Box()});
        }
    }

private:
    void emit(const StreamRecord& r, const Box& key, const Change& change) {
        forward(StreamRecord{key.borrowed(), Box::borrow(change), r.timestamp, copyHeaders(r.headers)});
    }
    Mapper mapper_;
    KeyEquals equals_;
};
using TableRepartitionMapNode = TableRepartitionMapNodeImpl<>;

}  // namespace detail
}  // namespace kstream_sim

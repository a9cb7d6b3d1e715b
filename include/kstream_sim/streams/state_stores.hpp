// State stores: key-value and timestamped stores of bytes, with caching and change logging.
//
// Key-value and timestamped key-value stores of bytes, with Kafka's layers (caching, change
// logging, in-memory), and the typed KeyValueStore / TimestampedKeyValueStore views users and processors see.
//
// As in Kafka, a store holds serialized bytes ordered by the unsigned bytes of the key (so all() and range()
// iterate in that order), a timestamped store prefixes each value with its 8-byte big-endian timestamp, and
// a logged store writes every change to its changelog topic `<application.id>-<store>-changelog`. A cached
// store keeps dirty entries until the task commits (or the cache runs out of `statestore.cache.max.bytes`),
// then writes them through and forwards them downstream, newest write per key only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../broker/record.hpp"
#include "../core/hashing.hpp"
#include "values.hpp"

namespace kstream_sim {

// Kafka's StateStore: every store has a name and a lifecycle.
class StateStore {
public:
    virtual ~StateStore() = default;
    virtual const std::string& name() const = 0;
    virtual bool persistent() const = 0;
    virtual bool isOpen() const = 0;
    virtual void flush() = 0;
    virtual void close() = 0;
};

// ValueAndTimestamp<V>: what a timestamped store holds per key.
template <class V>
class ValueAndTimestamp {
public:
    ValueAndTimestamp(V value, int64_t timestamp) : value_(std::move(value)), timestamp_(timestamp) {}
    static ValueAndTimestamp make(V value, int64_t timestamp) { return ValueAndTimestamp(std::move(value), timestamp); }
    const V& value() const noexcept { return value_; }
    int64_t timestamp() const noexcept { return timestamp_; }
    friend bool operator==(const ValueAndTimestamp& a, const ValueAndTimestamp& b) {
        return a.value_ == b.value_ && a.timestamp_ == b.timestamp_;
    }
    friend std::ostream& operator<<(std::ostream& out, const ValueAndTimestamp& v) {
        detail::printValue(out, v.value_);
        return out << "@" << v.timestamp_;
    }

private:
    V value_;
    int64_t timestamp_;
};

namespace detail {

// Where a record came from: its timestamp, headers and source position. Forwarded records, cache entries
// and punctuations carry one (a punctuation has topic "" and partition/offset -1, as in Kafka).
struct RecordContext {
    int64_t timestamp = 0;
    int64_t offset = -1;
    int32_t partition = -1;
    std::string topic;
    Headers headers;
};

// Timestamped value encoding: 8-byte big-endian timestamp, then the value's bytes.
inline Bytes encodeTimestamped(int64_t timestamp, const Bytes* value) {
    Bytes out;
    if (!value) return out;
    out.reserve(8 + value->size());
    appendBigEndian(out, static_cast<uint64_t>(timestamp), 8);
    out.insert(out.end(), value->begin(), value->end());
    return out;
}
inline int64_t timestampOf(const Bytes& encoded) {
    return encoded.size() < 8 ? -1 : static_cast<int64_t>(readBigEndian(encoded.data(), 8));
}
inline ByteView rawValueOf(const Bytes& encoded) {
    if (encoded.size() < 8) return ByteView{};
    return ByteView{encoded.data() + 8, static_cast<int32_t>(encoded.size() - 8)};
}

// What a store needs from the task it lives in: the changelog writer and the current record context.
class StoreContext {
public:
    virtual ~StoreContext() = default;
    // The changelog topic of a store (`<application.id>-<store>-changelog`), asked once by the logging layer.
    virtual std::string changelogTopic(const std::string& store) const = 0;
    virtual void logChange(const std::string& changelog_topic, const Bytes& key, const Bytes* value, int64_t timestamp,
                           const Headers& headers) = 0;
    virtual const RecordContext& recordContext() const = 0;
    // While a cache flushes an entry, the entry's own context is current (nested: a stack).
    virtual void pushRecordContext(const RecordContext& context) = 0;
    virtual void popRecordContext() = 0;
};

// A key-value store of bytes. get() returns nullptr for an absent key; put() with nullptr deletes.
class KeyValueBytesStore : public StateStore {
public:
    using Entries = std::vector<std::pair<Bytes, Bytes>>;
    virtual void init(StoreContext* /*context*/) {}
    virtual const Bytes* get(const Bytes& key) = 0;
    virtual void put(const Bytes& key, const Bytes* value) = 0;
    // Entries with from <= key <= to (nullptr: unbounded), in key order or reversed.
    virtual Entries range(const Bytes* from, const Bytes* to, bool reverse) = 0;
    virtual int64_t approximateNumEntries() = 0;

    // A caching layer's listener for the entries its flush writes through: (key, new, old, the write's record
    // context). Only a caching store (the outermost layer) takes one and returns true.
    using FlushListener = std::function<void(const Bytes& key, const Bytes* new_value, const Bytes* old_value,
                                             const RecordContext& context)>;
    virtual bool setFlushListener(FlushListener /*listener*/, bool /*send_old_values*/) { return false; }
};

// Hashes a key's bytes for the stores' hash maps (murmur2; no observable order depends on it: range() sorts).
// Deliberately not noexcept: libstdc++ then keeps each node's hash, so a lookup compares hashes before bytes.
struct BytesHash {
    size_t operator()(const Bytes& b) const { return static_cast<uint32_t>(murmur2(b.data(), b.size())); }
};

// BytesHash as a type that depends on D: a store's hash map is then instantiated only with the store.
template <class D>
struct BytesHashFor : BytesHash {};

// The stores are class templates only so that they are compiled when used (see "Include cost" in
// docs/performance.md); the names without Impl are the types.
template <class D = void>
class InMemoryKeyValueBytesStoreImpl;
template <class D = void>
class ChangeLoggingKeyValueBytesStoreImpl;
template <class D = void>
class CachingKeyValueBytesStoreImpl;
using InMemoryKeyValueBytesStore = InMemoryKeyValueBytesStoreImpl<>;
using ChangeLoggingKeyValueBytesStore = ChangeLoggingKeyValueBytesStoreImpl<>;
using CachingKeyValueBytesStore = CachingKeyValueBytesStoreImpl<>;

// Kafka's InMemoryKeyValueStore (a TreeMap of bytes): a hash map here, sorted by the unsigned key bytes when a
// range is read, so point reads and writes cost a hash instead of a tree walk of byte comparisons.
template <class D>
class InMemoryKeyValueBytesStoreImpl final : public KeyValueBytesStore {
public:
    InMemoryKeyValueBytesStoreImpl(std::string name, bool persistent) : name_(std::move(name)), persistent_(persistent) {}
    const std::string& name() const override { return name_; }
    bool persistent() const override { return persistent_; }
    bool isOpen() const override { return open_; }
    void flush() override {}
    void close() override { open_ = false; }

    const Bytes* get(const Bytes& key) override {
        if (last_ && last_->first == key) return &last_->second;
        auto it = map_.find(key);
        if (it == map_.end()) return nullptr;
        last_ = &*it;
        return &it->second;
    }
    // A write after a read of the same key (a cache flush, an aggregation) reuses the read's lookup.
    void put(const Bytes& key, const Bytes* value) override {
        if (!value) {
            last_ = nullptr;
            map_.erase(key);
        } else if (last_ && last_->first == key) {
            last_->second.assign(value->begin(), value->end());
        } else {
            last_ = &*map_.insert_or_assign(key, *value).first;
        }
    }
    Entries range(const Bytes* from, const Bytes* to, bool reverse) override {
        Entries out;
        if (from && to && *to < *from) return out;
        for (const auto& [key, value] : map_)
            if ((!from || !(key < *from)) && (!to || !(*to < key))) out.emplace_back(key, value);
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        if (reverse) std::reverse(out.begin(), out.end());
        return out;
    }
    int64_t approximateNumEntries() override { return static_cast<int64_t>(map_.size()); }

private:
    std::string name_;
    bool persistent_;
    bool open_ = true;
    std::unordered_map<Bytes, Bytes, BytesHashFor<D>> map_;  // keys compare (in range()) as unsigned bytes, like Kafka's Bytes
    typename std::unordered_map<Bytes, Bytes, BytesHashFor<D>>::value_type* last_ = nullptr;  // the entry looked up last (node pointers survive rehashing)
};

// A layer around another store; forwards everything by default.
class WrappedKeyValueBytesStore : public KeyValueBytesStore {
public:
    explicit WrappedKeyValueBytesStore(std::unique_ptr<KeyValueBytesStore> inner) : inner_(std::move(inner)) {}
    const std::string& name() const override { return inner_->name(); }
    bool persistent() const override { return inner_->persistent(); }
    bool isOpen() const override { return inner_->isOpen(); }
    void flush() override { inner_->flush(); }
    void close() override { inner_->close(); }
    void init(StoreContext* context) override { inner_->init(context); }
    const Bytes* get(const Bytes& key) override { return inner_->get(key); }
    void put(const Bytes& key, const Bytes* value) override { inner_->put(key, value); }
    Entries range(const Bytes* from, const Bytes* to, bool reverse) override { return inner_->range(from, to, reverse); }
    int64_t approximateNumEntries() override { return inner_->approximateNumEntries(); }
    KeyValueBytesStore& inner() noexcept { return *inner_; }

protected:
    std::unique_ptr<KeyValueBytesStore> inner_;
};

// Kafka's ChangeLoggingKeyValueBytesStore: every write also goes to the changelog topic. For a timestamped
// store the changelog record carries the plain value, with the value's timestamp as record timestamp.
template <class D>
class ChangeLoggingKeyValueBytesStoreImpl final : public WrappedKeyValueBytesStore {
public:
    ChangeLoggingKeyValueBytesStoreImpl(std::unique_ptr<KeyValueBytesStore> inner, bool timestamped)
        : WrappedKeyValueBytesStore(std::move(inner)), timestamped_(timestamped) {}
    void init(StoreContext* context) override {
        context_ = context;
        if (context_) topic_ = context_->changelogTopic(name());
        inner_->init(context);
    }
    void put(const Bytes& key, const Bytes* value) override {
        inner_->put(key, value);
        if (!context_) return;
        const RecordContext& rc = context_->recordContext();
        if (!value) {
            context_->logChange(topic_, key, nullptr, rc.timestamp, rc.headers);
        } else if (timestamped_) {
            raw_.assign(value->begin() + std::min<size_t>(8, value->size()), value->end());
            context_->logChange(topic_, key, &raw_, timestampOf(*value), rc.headers);
        } else {
            context_->logChange(topic_, key, value, rc.timestamp, rc.headers);
        }
    }

private:
    bool timestamped_;
    StoreContext* context_ = nullptr;
    std::string topic_;
    Bytes raw_;  // scratch: a timestamped value without its timestamp
};

// The budget all caches of one host share (Kafka's ThreadCache): statestore.cache.max.bytes.
struct CacheBudget {
    int64_t max_bytes = 10 * 1024 * 1024;
    int64_t used_bytes = 0;
};

// Kafka's CachingKeyValueStore: writes stay in the cache (dirty) until flush() or eviction, which write
// them to the layers below and call the flush listener with (key, new, old, the write's record context).
template <class D>
class CachingKeyValueBytesStoreImpl final : public WrappedKeyValueBytesStore {
public:
    CachingKeyValueBytesStoreImpl(std::unique_ptr<KeyValueBytesStore> inner, CacheBudget* budget)
        : WrappedKeyValueBytesStore(std::move(inner)), budget_(budget) {}
    ~CachingKeyValueBytesStoreImpl() override {
        if (budget_) budget_->used_bytes -= used_bytes_;
    }

    void init(StoreContext* context) override {
        context_ = context;
        inner_->init(context);
    }
    bool setFlushListener(FlushListener listener, bool send_old_values) override {
        listener_ = std::move(listener);
        send_old_values_ = send_old_values;
        return true;
    }

    const Bytes* get(const Bytes& key) override {
        if (Node* n = lookup(key)) {
            touch(*n);
            return n->second.value ? &*n->second.value : nullptr;
        }
        return inner_->get(key);
    }
    void put(const Bytes& key, const Bytes* value) override {
        const RecordContext& rc = context_ ? context_->recordContext() : empty_;
        Node* n = lookup(key);
        if (!n) {
            n = &*entries_.emplace(key, Entry{}).first;
            n->second.lru = lru_.insert(lru_.end(), n);
            last_ = n;
        } else {
            account(-n->second.size);
            touch(*n);
            if (n->second.dirty) spare_.splice(spare_.end(), dirty_, n->second.dirty_pos);
        }
        Entry& e = n->second;
        if (!value) e.value.reset();
        else if (e.value) e.value->assign(value->begin(), value->end());  // reuses the entry's buffer
        else e.value.emplace(*value);
        e.context = rc;
        e.dirty = true;
        e.dirty_pos = appendDirty(n);
        e.size = entrySize(key, e);
        account(e.size);
        evictWhileOverBudget();
    }
    Entries range(const Bytes* from, const Bytes* to, bool reverse) override {
        // Merge the dirty cache over the store: what a reader sees is the newest write.
        std::map<Bytes, std::optional<Bytes>> merged;
        for (auto& kv : inner_->range(from, to, false)) merged.emplace(std::move(kv.first), std::move(kv.second));
        for (const auto& [key, e] : entries_) {
            if ((from && key < *from) || (to && *to < key)) continue;
            merged[key] = e.value;
        }
        Entries out;
        for (auto& [k, v] : merged)
            if (v) out.emplace_back(k, *v);
        if (reverse) std::reverse(out.begin(), out.end());
        return out;
    }
    int64_t approximateNumEntries() override { return inner_->approximateNumEntries() + static_cast<int64_t>(dirty_.size()); }

    // Writes every dirty entry through, in the order of their last write, and forwards it.
    void flush() override {
        while (!dirty_.empty()) flushEntry(dirty_.front());
        inner_->flush();
    }
    void close() override {
        flush();
        inner_->close();
    }

private:
    struct Entry;
    using Node = std::pair<const Bytes, Entry>;
    struct Entry {
        std::optional<Bytes> value;
        RecordContext context;
        bool dirty = false;
        int64_t size = 0;
        typename std::list<Node*>::iterator lru;
        typename std::list<Node*>::iterator dirty_pos;
    };
    using Map = std::unordered_map<Bytes, Entry, BytesHashFor<D>>;  // node-based: the lists' node pointers stay valid

    // The entry for key, if cached. An aggregation reads a key and then writes it: the last entry looked up is
    // checked first, which saves the second hash lookup.
    Node* lookup(const Bytes& key) {
        if (last_ && last_->first == key) return last_;
        auto it = entries_.find(key);
        if (it == entries_.end()) return nullptr;
        return last_ = &*it;
    }
    // Appends to the dirty list, reusing a spare list node (no allocation per write once warm).
    typename std::list<Node*>::iterator appendDirty(Node* n) {
        if (spare_.empty()) return dirty_.insert(dirty_.end(), n);
        dirty_.splice(dirty_.end(), spare_, spare_.begin());
        auto it = std::prev(dirty_.end());
        *it = n;
        return it;
    }

    // NamedCache's node size: key, three references, the dirty flag and the record context.
    static int64_t entrySize(const Bytes& key, const Entry& e) {
        int64_t size = static_cast<int64_t>(key.size()) + 24 + 1 + 8 + 8 + 4 + static_cast<int64_t>(e.context.topic.size());
        if (e.value) size += static_cast<int64_t>(e.value->size());
        for (const auto& h : e.context.headers) size += static_cast<int64_t>(h.key().size()) + (h.value() ? static_cast<int64_t>(h.value()->size()) : 0);
        return size;
    }
    void account(int64_t delta) {
        used_bytes_ += delta;
        if (budget_) budget_->used_bytes += delta;
    }
    void touch(Node& n) {
        if (n.second.lru != std::prev(lru_.end())) lru_.splice(lru_.end(), lru_, n.second.lru);  // a read then a write: once
    }

    void flushEntry(Node* n) {
        const Bytes& key = n->first;
        Entry& e = n->second;
        spare_.splice(spare_.end(), dirty_, e.dirty_pos);
        e.dirty = false;
        const Bytes* new_value = e.value ? &*e.value : nullptr;
        const Bytes* old = inner_->get(key);
        // Neither in the store nor in the cache: nothing to write and nothing to forward (Kafka's shortcut).
        if (!new_value && !old) return;
        // The old value is copied only when it is forwarded (the write below overwrites it).
        std::optional<Bytes> old_value;
        if (old && listener_ && send_old_values_) old_value = *old;
        // The write through (and its changelog record) happens in the entry's context; the forwarded record
        // then carries its own timestamp and headers downstream.
        if (context_) context_->pushRecordContext(e.context);
        inner_->put(key, new_value);
        if (context_) context_->popRecordContext();
        if (listener_) listener_(key, new_value, old_value ? &*old_value : nullptr, e.context);
    }
    void evictWhileOverBudget() {
        if (!budget_) return;
        while (budget_->used_bytes > budget_->max_bytes && !lru_.empty()) {
            const Bytes key = lru_.front()->first;  // a copy: flushing forwards, and downstream code may touch this store
            if (lru_.front()->second.dirty) flushEntry(lru_.front());
            auto it = entries_.find(key);
            if (it == entries_.end()) continue;
            account(-it->second.size);
            lru_.erase(it->second.lru);
            if (last_ == &*it) last_ = nullptr;
            entries_.erase(it);
        }
    }

    CacheBudget* budget_;
    StoreContext* context_ = nullptr;
    FlushListener listener_;
    bool send_old_values_ = false;
    Map entries_;
    Node* last_ = nullptr;      // the entry looked up last
    std::list<Node*> lru_;      // least recently used first
    std::list<Node*> dirty_;    // oldest write first
    std::list<Node*> spare_;    // unused list nodes for dirty_
    int64_t used_bytes_ = 0;
    RecordContext empty_;
};

// Everything a host needs to build one store: Kafka's StoreBuilder, type-erased.
struct StoreSpec {
    std::string name;
    bool timestamped = false;
    bool persistent = false;
    bool logging = true;
    bool caching = false;
    std::map<std::string, std::string> changelog_config;
    SerdePtr key_serde;    // the serdes the store's typed views use (may be null: default for the view's type)
    SerdePtr value_serde;
};

// Builds a store's layers: caching (if on) over change logging (if on) over the in-memory map.
template <class D = void>
std::unique_ptr<KeyValueBytesStore> buildStore(const StoreSpec& spec, CacheBudget* budget) {
    std::unique_ptr<KeyValueBytesStore> store = std::make_unique<InMemoryKeyValueBytesStoreImpl<D>>(spec.name, spec.persistent);
    if (spec.logging) store = std::make_unique<ChangeLoggingKeyValueBytesStoreImpl<D>>(std::move(store), spec.timestamped);
    if (spec.caching) store = std::make_unique<CachingKeyValueBytesStoreImpl<D>>(std::move(store), budget);
    return store;
}

template <class T>
Bytes serializeKey(const SerdePtr& serde, const T& key) {
    Bytes out;
    serde->serialize(Box::of(key), out);
    return out;
}

}  // namespace detail

// A snapshot iterator over store entries: Kafka's KeyValueIterator (hasNext/next/peekNextKey/close), also
// usable in a range-for. Entries are those present when it was created.
template <class K, class V>
class KeyValueIterator {
public:
    explicit KeyValueIterator(std::vector<KeyValue<K, V>> entries) : entries_(std::move(entries)) {}
    bool hasNext() const noexcept { return pos_ < entries_.size(); }
    KeyValue<K, V> next() {
        if (!hasNext()) throw IllegalStateException("NoSuchElementException: the iterator has no more entries");
        return entries_[pos_++];
    }
    const K& peekNextKey() const {
        if (!hasNext()) throw IllegalStateException("NoSuchElementException: the iterator has no more entries");
        return entries_[pos_].key;
    }
    void close() noexcept { pos_ = entries_.size(); }
    auto begin() const { return entries_.begin() + static_cast<std::ptrdiff_t>(pos_); }
    auto end() const { return entries_.end(); }
    std::vector<KeyValue<K, V>> toList() const { return std::vector<KeyValue<K, V>>(begin(), end()); }

private:
    std::vector<KeyValue<K, V>> entries_;
    size_t pos_ = 0;
};

namespace detail {

// The shared part of the typed views: the bytes store and the serdes for K and V.
template <class K, class V>
class TypedStoreBase {
public:
    using Key = BoxedT<K>;
    using Value = BoxedT<V>;

    TypedStoreBase() = default;
    TypedStoreBase(KeyValueBytesStore* store, const StoreSpec* spec, StoreContext* context)
        : store_(store), context_(context), timestamped_(spec && spec->timestamped) {
        key_serde_ = spec && spec->key_serde && spec->key_serde->type() == typeid(Key) ? spec->key_serde : erasedSerde<Key>();
        value_serde_ = spec && spec->value_serde && spec->value_serde->type() == typeid(Value) ? spec->value_serde : erasedSerde<Value>();
    }

    const std::string& name() const { return check()->name(); }
    bool persistent() const { return check()->persistent(); }
    bool isOpen() const { return store_ && store_->isOpen(); }
    void flush() { check()->flush(); }
    int64_t approximateNumEntries() const { return check()->approximateNumEntries(); }
    explicit operator bool() const noexcept { return store_ != nullptr; }

protected:
    KeyValueBytesStore* check() const {
        if (!store_) throw InvalidStateStoreException("This store view is not attached to a store");
        if (!store_->isOpen()) throw InvalidStateStoreException("Store " + store_->name() + " is currently closed.");
        return store_;
    }
    Bytes keyBytes(const Key& key) const {
        Bytes out;
        key_serde_->serialize(Box::of(key), out);
        return out;
    }
    Key keyOf(const Bytes& bytes) const { return key_serde_->deserialize(bytes.data(), bytes.size()).template get<Key>(); }
    Value valueOf(ByteView bytes) const { return value_serde_->deserialize(bytes).template get<Value>(); }
    // The stored bytes for a value (with timestamp prefix when the store is timestamped).
    Bytes encode(const Value& value, int64_t timestamp) const {
        Bytes raw;
        value_serde_->serialize(Box::of(value), raw);
        return timestamped_ ? encodeTimestamped(timestamp, &raw) : raw;
    }
    ByteView rawOf(const Bytes& stored) const {
        return timestamped_ ? rawValueOf(stored) : ByteView{stored.data(), static_cast<int32_t>(stored.size())};
    }
    int64_t timestampOfStored(const Bytes& stored) const {
        return timestamped_ ? timestampOf(stored) : (context_ ? context_->recordContext().timestamp : -1);
    }
    int64_t currentTimestamp() const { return context_ ? context_->recordContext().timestamp : -1; }

    KeyValueBytesStore* store_ = nullptr;
    StoreContext* context_ = nullptr;
    bool timestamped_ = false;
    SerdePtr key_serde_;
    SerdePtr value_serde_;
};

}  // namespace detail

// Kafka's KeyValueStore<K, V>, as a typed view of a store (a handle: copies share the store). get() returns
// nullopt for an absent key (Java's null). Kafka's delete() is delete_() here: delete is a C++ keyword.
// On a timestamped store (every DSL store is one) this view reads values without their timestamps, as
// Kafka's TopologyTestDriver.getKeyValueStore() does, and writes them with the current record's timestamp.
template <class K, class V>
class KeyValueStore : public detail::TypedStoreBase<K, V> {
    using Base = detail::TypedStoreBase<K, V>;

public:
    using typename Base::Key;
    using typename Base::Value;
    using Base::Base;

    std::optional<Value> get(const Key& key) const {
        const Bytes* stored = this->check()->get(this->keyBytes(key));
        if (!stored) return std::nullopt;
        return this->valueOf(this->rawOf(*stored));
    }
    void put(const Key& key, const Value& value) {
        const Bytes encoded = this->encode(value, this->currentTimestamp());
        this->check()->put(this->keyBytes(key), &encoded);
    }
    // put(key, nullopt) deletes, as put(key, null) does in Kafka.
    void put(const Key& key, const std::optional<Value>& value) {
        if (value) put(key, *value);
        else this->check()->put(this->keyBytes(key), nullptr);
    }
    std::optional<Value> putIfAbsent(const Key& key, const Value& value) {
        auto existing = get(key);
        if (!existing) put(key, value);
        return existing;
    }
    void putAll(const std::vector<KeyValue<Key, Value>>& entries) {
        for (const auto& kv : entries) put(kv.key, kv.value);
    }
    std::optional<Value> delete_(const Key& key) {
        auto old = get(key);
        this->check()->put(this->keyBytes(key), nullptr);
        return old;
    }
    KeyValueIterator<Key, Value> range(const Key& from, const Key& to) const { return scan(&from, &to, false); }
    KeyValueIterator<Key, Value> reverseRange(const Key& from, const Key& to) const { return scan(&from, &to, true); }
    KeyValueIterator<Key, Value> all() const { return scan(nullptr, nullptr, false); }
    KeyValueIterator<Key, Value> reverseAll() const { return scan(nullptr, nullptr, true); }
    // Keys whose serialized bytes start with the serialized prefix (Kafka's prefixScan).
    KeyValueIterator<Key, Value> prefixScan(const Key& prefix) const {
        const Bytes p = this->keyBytes(prefix);
        std::vector<KeyValue<Key, Value>> out;
        for (const auto& [k, v] : this->check()->range(&p, nullptr, false)) {
            if (k.size() < p.size() || !std::equal(p.begin(), p.end(), k.begin())) break;
            out.emplace_back(this->keyOf(k), this->valueOf(this->rawOf(v)));
        }
        return KeyValueIterator<Key, Value>(std::move(out));
    }

private:
    KeyValueIterator<Key, Value> scan(const Key* from, const Key* to, bool reverse) const {
        std::optional<Bytes> f, t;
        if (from) f = this->keyBytes(*from);
        if (to) t = this->keyBytes(*to);
        std::vector<KeyValue<Key, Value>> out;
        for (const auto& [k, v] : this->check()->range(f ? &*f : nullptr, t ? &*t : nullptr, reverse))
            out.emplace_back(this->keyOf(k), this->valueOf(this->rawOf(v)));
        return KeyValueIterator<Key, Value>(std::move(out));
    }
};

// Kafka's TimestampedKeyValueStore<K, V>: values with the timestamp of the record that wrote them.
template <class K, class V>
class TimestampedKeyValueStore : public detail::TypedStoreBase<K, V> {
    using Base = detail::TypedStoreBase<K, V>;

public:
    using typename Base::Key;
    using typename Base::Value;
    using Base::Base;

    std::optional<ValueAndTimestamp<Value>> get(const Key& key) const {
        const Bytes* stored = this->check()->get(this->keyBytes(key));
        if (!stored) return std::nullopt;
        return ValueAndTimestamp<Value>(this->valueOf(this->rawOf(*stored)), this->timestampOfStored(*stored));
    }
    void put(const Key& key, const ValueAndTimestamp<Value>& value) {
        const Bytes encoded = this->encode(value.value(), value.timestamp());
        this->check()->put(this->keyBytes(key), &encoded);
    }
    void put(const Key& key, const std::optional<ValueAndTimestamp<Value>>& value) {
        if (value) put(key, *value);
        else this->check()->put(this->keyBytes(key), nullptr);
    }
    std::optional<ValueAndTimestamp<Value>> putIfAbsent(const Key& key, const ValueAndTimestamp<Value>& value) {
        auto existing = get(key);
        if (!existing) put(key, value);
        return existing;
    }
    std::optional<ValueAndTimestamp<Value>> delete_(const Key& key) {
        auto old = get(key);
        this->check()->put(this->keyBytes(key), nullptr);
        return old;
    }
    KeyValueIterator<Key, ValueAndTimestamp<Value>> all() const { return scan(nullptr, nullptr, false); }
    KeyValueIterator<Key, ValueAndTimestamp<Value>> reverseAll() const { return scan(nullptr, nullptr, true); }
    KeyValueIterator<Key, ValueAndTimestamp<Value>> range(const Key& from, const Key& to) const { return scan(&from, &to, false); }

private:
    KeyValueIterator<Key, ValueAndTimestamp<Value>> scan(const Key* from, const Key* to, bool reverse) const {
        std::optional<Bytes> f, t;
        if (from) f = this->keyBytes(*from);
        if (to) t = this->keyBytes(*to);
        std::vector<KeyValue<Key, ValueAndTimestamp<Value>>> out;
        for (const auto& [k, v] : this->check()->range(f ? &*f : nullptr, t ? &*t : nullptr, reverse))
            out.emplace_back(this->keyOf(k), ValueAndTimestamp<Value>(this->valueOf(this->rawOf(v)), this->timestampOfStored(v)));
        return KeyValueIterator<Key, ValueAndTimestamp<Value>>(std::move(out));
    }
};

// Kafka's KeyValueBytesStoreSupplier, reduced to what matters here: a name and in-memory vs "persistent".
class KeyValueBytesStoreSupplier {
public:
    KeyValueBytesStoreSupplier(std::string name, bool persistent) : name_(std::move(name)), persistent_(persistent) {}
    const std::string& name() const noexcept { return name_; }
    bool persistent() const noexcept { return persistent_; }

private:
    std::string name_;
    bool persistent_;
};

// Kafka's StoreBuilder for key-value stores: name, serdes, timestamps, logging and caching switches.
class StoreBuilder {
public:
    explicit StoreBuilder(detail::StoreSpec spec) : spec_(std::move(spec)) {}
    const std::string& name() const noexcept { return spec_.name; }
    StoreBuilder& withCachingEnabled() { spec_.caching = true; return *this; }
    StoreBuilder& withCachingDisabled() { spec_.caching = false; return *this; }
    StoreBuilder& withLoggingEnabled(std::map<std::string, std::string> config) {
        spec_.logging = true;
        spec_.changelog_config = std::move(config);
        return *this;
    }
    StoreBuilder& withLoggingDisabled() { spec_.logging = false; return *this; }
    bool loggingEnabled() const noexcept { return spec_.logging; }
    const detail::StoreSpec& spec() const noexcept { return spec_; }

private:
    detail::StoreSpec spec_;
};

// Kafka's Stores factory. Every store is in memory here; a "persistent" store reports persistent() == true
// (Kafka would use RocksDB) and behaves the same.
namespace Stores {
inline KeyValueBytesStoreSupplier inMemoryKeyValueStore(const std::string& name) { return {name, false}; }
inline KeyValueBytesStoreSupplier persistentKeyValueStore(const std::string& name) { return {name, true}; }
inline KeyValueBytesStoreSupplier persistentTimestampedKeyValueStore(const std::string& name) { return {name, true}; }

template <class K, class V>
StoreBuilder keyValueStoreBuilder(const KeyValueBytesStoreSupplier& supplier, SerdeObject<K> key_serde = {},
                                  SerdeObject<V> value_serde = {}) {
    detail::StoreSpec spec;
    spec.name = supplier.name();
    spec.persistent = supplier.persistent();
    spec.key_serde = std::make_shared<detail::ErasedSerdeImpl<K>>(std::move(key_serde));
    spec.value_serde = std::make_shared<detail::ErasedSerdeImpl<V>>(std::move(value_serde));
    return StoreBuilder(std::move(spec));
}
template <class K, class V>
StoreBuilder timestampedKeyValueStoreBuilder(const KeyValueBytesStoreSupplier& supplier, SerdeObject<K> key_serde = {},
                                             SerdeObject<V> value_serde = {}) {
    StoreBuilder b = keyValueStoreBuilder<K, V>(supplier, std::move(key_serde), std::move(value_serde));
    detail::StoreSpec spec = b.spec();
    spec.timestamped = true;
    return StoreBuilder(std::move(spec));
}
}  // namespace Stores

}  // namespace kstream_sim

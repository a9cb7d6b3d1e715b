// State stores: key-value and timestamped stores of bytes, with caching and change logging.
//
// Key-value and timestamped key-value stores of bytes, with Kafka's layers (caching, change
// logging, in-memory; a cached store keeps its cache and its store in one table), and the typed KeyValueStore /
// TimestampedKeyValueStore views users and processors see.
//
// As in Kafka, a store holds serialized bytes ordered by the unsigned bytes of the key (so all() and range()
// iterate in that order), a timestamped store prefixes each value with its 8-byte big-endian timestamp, and
// a logged store writes every change to its changelog topic `<application.id>-<store>-changelog`. A cached
// store keeps dirty entries until the task commits (or the cache runs out of `statestore.cache.max.bytes`),
// then writes them through and forwards them downstream, newest write per key only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
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
// Copies headers, skipping the work when both lists are empty (most records have no headers, and a copy of an
// empty list still costs a few dozen instructions; these copies happen several times per record). A template
// only so that it is compiled when used (see "Include cost" in docs/performance.md).
template <class H>
void assignHeaders(H& to, const H& from) {
    if (!from.empty() || !to.empty()) to = from;
}
template <class H>
H copyHeaders(const H& from) {
    return from.empty() ? H() : from;
}
}  // namespace detail

// Kafka's RecordContext: where the record being processed came from (topic, partition, offset), its timestamp
// and headers; what a TopicNameExtractor is given. Forwarded records, cache entries and punctuations carry one
// (a punctuation: topic "", partition and offset -1, as in Kafka).
class RecordContext {
public:
    const std::string& topic() const noexcept { return topic_ ? *topic_ : detail::defaultValue<std::string>(); }
    int32_t partition() const noexcept { return partition_; }
    int64_t offset() const noexcept { return offset_; }
    int64_t timestamp() const noexcept { return timestamp_; }
    const Headers& headers() const noexcept { return headers_; }

    // Sets every field. `topic` must outlive the context (a task points at its own copy of its source topics'
    // names, so a context costs no string copy); nullptr: no topic. (Member templates only so that they are
    // compiled when used.)
    template <class D = void>
    void set(int64_t timestamp, int64_t offset, int32_t partition, const std::string* topic, const Headers& headers) {
        timestamp_ = timestamp;
        offset_ = offset;
        partition_ = partition;
        topic_ = topic;
        detail::assignHeaders(headers_, headers);
    }
    template <class D = void>
    void assign(const RecordContext& other) {
        set(other.timestamp_, other.offset_, other.partition_, other.topic_, other.headers_);
    }

private:
    int64_t timestamp_ = 0;
    int64_t offset_ = -1;
    int32_t partition_ = -1;
    const std::string* topic_ = nullptr;
    Headers headers_;
};

namespace detail {

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
    // `route`: the logging layer's slot where the host may keep its lookup of the topic (ProducedRecord::route).
    virtual std::string changelogTopic(const std::string& store) const = 0;
    virtual void logChange(const std::string& changelog_topic, void** route, const Bytes& key, ByteView value,
                           int64_t timestamp, const Headers& headers) = 0;
    virtual const RecordContext& recordContext() const = 0;
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

// The stores' hash table: key bytes -> Mapped, open addressing with linear probing. A lookup reads one slot
// (the key's 32-bit murmur2 hash and the entry's position), then the entry, whose key it compares only when the
// hashes match; a node-based std::unordered_map reads a bucket, the node before, the node and the key, each a
// likely cache miss once the store outgrows the CPU cache. Entries live in a std::deque: pointers to them stay
// valid while the table grows, and an erased entry's place is reused. forEach() visits entries in an order that
// depends on the hashes: callers that show an order sort what they return (range(), as Kafka's is by key bytes).
template <class Mapped>
struct BytesHashTableEntry {
    Bytes key;
    Mapped mapped{};
    uint32_t hash = 0;
    uint32_t id = 0;  // position in the table's entries
    uint8_t head[16] = {};  // the key's first bytes: a short key compares without reading the key's own buffer

    bool matches(const Bytes& k) const {
        if (k.size() != key.size()) return false;
        const size_t n = std::min(k.size(), sizeof head);
        if (!equalShortBytes(head, k.data(), n)) return false;
        return k.size() == n || std::memcmp(key.data() + n, k.data() + n, k.size() - n) == 0;
    }
};
template <class Mapped>
class BytesHashTable {
public:
    using Entry = BytesHashTableEntry<Mapped>;

    size_t size() const noexcept { return count_; }
    Entry* find(const Bytes& key) {
        if (count_ == 0) return nullptr;
        const size_t i = slotOf(key, hashOf(key));
        return slots_[i].id == kEmpty ? nullptr : &entries_[slots_[i].id];
    }
    // The entry for key, added with a default Mapped when absent; `added` says which.
    Entry& insert(const Bytes& key, bool* added = nullptr) {
        if (2 * (count_ + 1) > slots_.size()) grow();  // at most half full: short probe sequences
        const uint32_t h = hashOf(key);
        const size_t i = slotOf(key, h);
        if (added) *added = slots_[i].id == kEmpty;
        if (slots_[i].id != kEmpty) return entries_[slots_[i].id];
        uint32_t id;
        if (free_.empty()) {
            id = static_cast<uint32_t>(entries_.size());
            entries_.emplace_back();
        } else {
            id = free_.back();
            free_.pop_back();
        }
        Entry& e = entries_[id];
        e.key = key;
        if (!key.empty()) std::memcpy(e.head, key.data(), std::min(key.size(), sizeof e.head));
        e.hash = h;
        e.id = id;
        slots_[i] = Slot{h, id};
        ++count_;
        return e;
    }
    // Removes an entry (pointers to it then refer to a free place that a later insert reuses).
    void erase(Entry& e) {
        size_t i = e.hash & mask_;
        while (slots_[i].id != e.id) i = (i + 1) & mask_;
        // Backward-shift deletion: move later entries of the probe sequence up, so no tombstones are needed.
        for (size_t j = (i + 1) & mask_; slots_[j].id != kEmpty; j = (j + 1) & mask_) {
            const size_t home = slots_[j].hash & mask_;
            const bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);  // home in (i, j]
            if (stays) continue;
            slots_[i] = slots_[j];
            i = j;
        }
        slots_[i].id = kEmpty;
        e.key.clear();
        e.mapped = Mapped{};
        free_.push_back(e.id);
        --count_;
    }
    template <class F>
    void forEach(F&& f) {
        for (const Slot& s : slots_)
            if (s.id != kEmpty) f(entries_[s.id]);
    }

private:
    struct Slot {
        uint32_t hash;
        uint32_t id;
    };
    static constexpr uint32_t kEmpty = 0xffffffffu;
    static uint32_t hashOf(const Bytes& key) { return static_cast<uint32_t>(murmur2(key.data(), key.size())); }
    // The slot holding key, or the empty slot where it would go.
    size_t slotOf(const Bytes& key, uint32_t h) const {
        size_t i = h & mask_;
        while (slots_[i].id != kEmpty && !(slots_[i].hash == h && entries_[slots_[i].id].matches(key))) i = (i + 1) & mask_;
        return i;
    }
    void grow() {
        std::vector<Slot> old(std::max<size_t>(16, 2 * slots_.size()), Slot{0, kEmpty});
        old.swap(slots_);
        mask_ = slots_.size() - 1;
        for (const Slot& s : old) {
            if (s.id == kEmpty) continue;
            size_t i = s.hash & mask_;
            while (slots_[i].id != kEmpty) i = (i + 1) & mask_;
            slots_[i] = s;
        }
    }

    std::vector<Slot> slots_;  // a power of two in size
    size_t mask_ = 0;
    size_t count_ = 0;
    std::deque<Entry> entries_;
    std::vector<uint32_t> free_;  // places of erased entries
};

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

// Kafka's InMemoryKeyValueStore (a TreeMap of bytes): a hash table here, sorted by the unsigned key bytes when a
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
        Entry* e = lookup(key);
        return e ? &e->mapped : nullptr;
    }
    // A write after a read of the same key (a cache flush, an aggregation) reuses the read's lookup.
    void put(const Bytes& key, const Bytes* value) override {
        Entry* e = lookup(key);
        if (!value) {
            if (e) map_.erase(*e);
            last_ = nullptr;
            return;
        }
        if (!e) last_ = e = &map_.insert(key);
        assignBytes(e->mapped, value->data(), value->size());
    }
    Entries range(const Bytes* from, const Bytes* to, bool reverse) override {
        Entries out;
        if (from && to && *to < *from) return out;
        map_.forEach([&](const Entry& e) {
            if ((!from || !(e.key < *from)) && (!to || !(*to < e.key))) out.emplace_back(e.key, e.mapped);
        });
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        if (reverse) std::reverse(out.begin(), out.end());
        return out;
    }
    int64_t approximateNumEntries() override { return static_cast<int64_t>(map_.size()); }

private:
    using Entry = BytesHashTableEntry<Dependent<Bytes, D>>;
    Entry* lookup(const Bytes& key) {
        if (last_ && last_->matches(key)) return last_;
        Entry* e = map_.find(key);
        if (e) last_ = e;
        return e;
    }

    std::string name_;
    bool persistent_;
    bool open_ = true;
    BytesHashTable<Dependent<Bytes, D>> map_;  // keys compare (in range()) as unsigned bytes, like Kafka's Bytes
    Entry* last_ = nullptr;  // the entry looked up last
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

// Kafka's ChangeLoggingKeyValueBytesStore's part: writes a store's changes to its changelog topic
// (`<application.id>-<store>-changelog`), in a given record context. For a timestamped store the changelog record
// carries the plain value, with the value's timestamp as record timestamp; a delete is a tombstone with the
// context's timestamp.
template <class D = void>
class ChangeLogWriter {
public:
    explicit ChangeLogWriter(bool timestamped) : timestamped_(timestamped) {}
    void init(StoreContext* context, const std::string& store) {
        context_ = context;
        if (context_) topic_ = context_->changelogTopic(store);
    }
    void write(const Bytes& key, const Bytes* value, const RecordContext& rc) {
        if (!context_) return;
        if (!value) {
            context_->logChange(topic_, &route_, key, ByteView{}, rc.timestamp(), rc.headers());
        } else if (timestamped_) {
            context_->logChange(topic_, &route_, key, rawValueOf(*value), timestampOf(*value), rc.headers());
        } else {
            context_->logChange(topic_, &route_, key, ByteView{value->data(), static_cast<int32_t>(value->size())},
                                rc.timestamp(), rc.headers());
        }
    }
    StoreContext* context() const noexcept { return context_; }

private:
    bool timestamped_;
    StoreContext* context_ = nullptr;
    std::string topic_;
    void* route_ = nullptr;  // the host's lookup of topic_
};

// Kafka's ChangeLoggingKeyValueBytesStore: every write also goes to the changelog topic, in the context of the
// record being processed.
template <class D>
class ChangeLoggingKeyValueBytesStoreImpl final : public WrappedKeyValueBytesStore {
public:
    ChangeLoggingKeyValueBytesStoreImpl(std::unique_ptr<KeyValueBytesStore> inner, bool timestamped)
        : WrappedKeyValueBytesStore(std::move(inner)), log_(timestamped) {}
    void init(StoreContext* context) override {
        log_.init(context, name());
        inner_->init(context);
    }
    void put(const Bytes& key, const Bytes* value) override {
        inner_->put(key, value);
        if (log_.context()) log_.write(key, value, log_.context()->recordContext());
    }

private:
    ChangeLogWriter<D> log_;
};

// The budget all caches of one host share (Kafka's ThreadCache): statestore.cache.max.bytes.
struct CacheBudget {
    int64_t max_bytes = 10 * 1024 * 1024;
    int64_t used_bytes = 0;
};

// Table entries in the order they were last marked (the least recently used first, or the oldest write first),
// without a linked list, whose unlinking reads two other entries (cache misses in a large cache): mark() appends
// (stamp, entry) and gives the entry that stamp; a record is live while its entry still holds its stamp (a later
// mark, or unmark(), which sets it to 0, makes it stale). Stale records are skipped at the front, and dropped in
// bulk when they outnumber the live ones; the records are a vector read from `head_`, so a warm order allocates
// nothing. Stamp::of(node) is the node's stamp field.
template <class Node, class Stamp>
class MarkOrder {
public:
    static bool marked(Node& n) noexcept { return Stamp::of(n) != 0; }
    static void unmark(Node& n) noexcept { Stamp::of(n) = 0; }
    // `live`: how many entries are marked now (to decide when to drop stale records in bulk).
    void mark(Node& n, size_t live) {
        Stamp::of(n) = ++clock_;
        if (records_.size() - head_ > 2 * live + 64) compact();
        records_.push_back(Record{clock_, &n});
    }
    // Marks n unless it is the entry marked last (a read and then a write of one key: one record).
    void touch(Node& n, size_t live) {
        if (Stamp::of(n) != clock_) mark(n, live);
    }
    // The first marked entry, nullptr if none.
    Node* first() {
        while (head_ < records_.size() && Stamp::of(*records_[head_].node) != records_[head_].stamp) ++head_;
        if (head_ < records_.size()) return records_[head_].node;
        records_.clear();
        head_ = 0;
        return nullptr;
    }

private:
    struct Record {
        uint64_t stamp;
        Node* node;  // entries' memory outlives their records
    };
    void compact() {
        size_t kept = 0;
        for (size_t i = head_; i < records_.size(); ++i)
            if (Stamp::of(*records_[i].node) == records_[i].stamp) records_[kept++] = records_[i];
        records_.resize(kept);
        head_ = 0;
    }
    std::vector<Record> records_;
    size_t head_ = 0;  // records before it were dropped
    uint64_t clock_ = 0;
};

// Kafka's CachingKeyValueStore over ChangeLoggingKeyValueBytesStore (when logged) over InMemoryKeyValueStore, in
// one hash table: each key's entry holds the stored value and the cache's state for the key (cached or not, dirty
// or clean, the pending write and its record context). Writes stay in the cache (dirty) until flush() or eviction,
// which write them to the store and its changelog and call the flush listener with (key, new, old, the write's
// record context). Kafka keeps two maps, the cache's and the store's, and copies each value from one to the other
// when it flushes; here a flush is one lookup, and the pending bytes take the stored bytes' place (which become
// the old value). Reads, writes, flush order, evictions (by statestore.cache.max.bytes, least recently used
// first) and changelog records are the layers'.
template <class D>
class CachingKeyValueBytesStoreImpl final : public KeyValueBytesStore {
public:
    CachingKeyValueBytesStoreImpl(std::string name, bool persistent, bool logging, bool timestamped, CacheBudget* budget)
        : name_(std::move(name)), persistent_(persistent), logging_(logging), log_(timestamped), budget_(budget) {}
    ~CachingKeyValueBytesStoreImpl() override {
        if (budget_) budget_->used_bytes -= used_bytes_;
    }
    const std::string& name() const override { return name_; }
    bool persistent() const override { return persistent_; }
    bool isOpen() const override { return open_; }

    void init(StoreContext* context) override {
        context_ = context;
        if (logging_) log_.init(context, name_);
    }
    bool setFlushListener(FlushListener listener, bool send_old_values) override {
        listener_ = std::move(listener);
        send_old_values_ = send_old_values;
        return true;
    }

    // A cached key reads the cache (its pending write if dirty); any other key reads the store.
    const Bytes* get(const Bytes& key) override {
        Node* n = lookup(key);
        if (!n) return nullptr;
        if (Uses::marked(*n)) {
            uses_.touch(*n, cached_);
            if (Dirty::marked(*n)) return n->mapped.pending_put ? &n->mapped.pending : nullptr;
        }
        return storedValue(*n);
    }
    void put(const Bytes& key, const Bytes* value) override {
        Node* n = lookup(key);
        if (!n) last_ = n = &table_.insert(key);
        Entry& e = n->mapped;
        if (Uses::marked(*n)) {
            account(-e.size);
            uses_.touch(*n, cached_);
        } else {
            uses_.mark(*n, ++cached_);
        }
        if (!Dirty::marked(*n)) ++dirty_count_;
        dirty_.mark(*n, dirty_count_);  // a rewrite of a dirty key moves it to the end
        e.pending_put = value != nullptr;
        if (value) assignBytes(e.pending, value->data(), value->size());  // reuses the entry's buffer
        e.context.assign(context_ ? context_->recordContext() : empty_);
        e.size = entrySize(key, e);
        account(e.size);
        evictWhileOverBudget();
    }
    Entries range(const Bytes* from, const Bytes* to, bool reverse) override {
        Entries out;
        if (from && to && *to < *from) return out;
        table_.forEach([&](Node& n) {
            if ((from && n.key < *from) || (to && *to < n.key)) return;
            if (const Bytes* v = visibleValue(n)) out.emplace_back(n.key, *v);
        });
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        if (reverse) std::reverse(out.begin(), out.end());
        return out;
    }
    int64_t approximateNumEntries() override { return static_cast<int64_t>(stored_ + dirty_count_); }

    // Writes every dirty entry through, in the order of their last write, and forwards it.
    void flush() override {
        while (Node* n = dirty_.first()) flushEntry(*n);
    }
    void close() override {
        flush();
        open_ = false;
    }

private:
    struct Entry {
        Bytes stored;           // the store's value, when in_store
        Bytes pending;          // a dirty entry's write, when pending_put (a dirty entry without one is a delete)
        RecordContext context;  // the context of the entry's last write
        int64_t size = 0;       // what the cache counts for the entry (NamedCache's node size)
        uint64_t last_use = 0;  // its stamp in uses_ (0: not cached)
        uint64_t dirty = 0;     // its stamp in dirty_ (0: clean)
        bool in_store = false;
        bool pending_put = false;
    };
    using Node = BytesHashTableEntry<Entry>;  // the table's entry: key, Entry, and the table's bookkeeping
    struct UseStamp {
        static uint64_t& of(Node& n) noexcept { return n.mapped.last_use; }
    };
    struct DirtyStamp {
        static uint64_t& of(Node& n) noexcept { return n.mapped.dirty; }
    };
    using Uses = MarkOrder<Node, UseStamp>;
    using Dirty = MarkOrder<Node, DirtyStamp>;

    // The entry for key, if any. An aggregation reads a key and then writes it: the last entry looked up is checked
    // first, which saves the second hash lookup.
    Node* lookup(const Bytes& key) {
        if (last_ && last_->matches(key)) return last_;
        Node* n = table_.find(key);
        if (n) last_ = n;
        return n;
    }
    static const Bytes* storedValue(Node& n) { return n.mapped.in_store ? &n.mapped.stored : nullptr; }
    // What a reader sees: the cached value (a dirty entry's pending write) or else the stored one.
    static const Bytes* visibleValue(Node& n) {
        if (Dirty::marked(n)) return n.mapped.pending_put ? &n.mapped.pending : nullptr;
        return storedValue(n);
    }

    // NamedCache's node size: key, three references, the dirty flag and the record context.
    static int64_t entrySize(const Bytes& key, const Entry& e) {
        int64_t size = static_cast<int64_t>(key.size()) + 24 + 1 + 8 + 8 + 4 + static_cast<int64_t>(e.context.topic().size());
        if (e.dirty ? e.pending_put : e.in_store) size += static_cast<int64_t>(e.dirty ? e.pending.size() : e.stored.size());
        for (const auto& h : e.context.headers()) size += static_cast<int64_t>(h.key().size()) + (h.value() ? static_cast<int64_t>(h.value()->size()) : 0);
        return size;
    }
    void account(int64_t delta) {
        used_bytes_ += delta;
        if (budget_) budget_->used_bytes += delta;
    }

    void flushEntry(Node& n) {
        Entry& e = n.mapped;
        Dirty::unmark(n);
        --dirty_count_;
        const bool had_old = e.in_store;
        // Kafka's putAndMaybeForward: a delete of a key the store does not hold writes and forwards nothing when the
        // cache has a listener (a DSL store); without one (a Processor API store) every entry is written through.
        if (listener_ && !e.pending_put && !had_old) return;
        if (e.pending_put) {
            e.stored.swap(e.pending);  // the old bytes, if any, are now in e.pending
            if (!had_old) ++stored_;
        } else if (had_old) {
            --stored_;  // the old bytes stay in e.stored until the listener has seen them
        }
        e.in_store = e.pending_put;
        const Bytes* new_value = e.pending_put ? &e.stored : nullptr;
        // The changelog record is written in the entry's context; the forwarded record then carries its own
        // timestamp and headers downstream.
        if (logging_) log_.write(n.key, new_value, e.context);
        if (!listener_) return;
        const Bytes* old_value = had_old && send_old_values_ ? (e.pending_put ? &e.pending : &e.stored) : nullptr;
        listener_(n.key, new_value, old_value, e.context);
    }
    void evictWhileOverBudget() {
        if (!budget_) return;
        while (budget_->used_bytes > budget_->max_bytes) {
            Node* oldest = uses_.first();
            if (!oldest) break;
            const Bytes key = oldest->key;  // a copy: flushing forwards, and downstream code may touch this store
            if (Dirty::marked(*oldest)) flushEntry(*oldest);
            Node* n = table_.find(key);
            if (!n || !Uses::marked(*n)) continue;
            account(-n->mapped.size);
            Uses::unmark(*n);
            --cached_;
            if (n->mapped.in_store) continue;
            if (last_ == n) last_ = nullptr;
            table_.erase(*n);
        }
    }

    std::string name_;
    bool persistent_;
    bool logging_;
    bool open_ = true;
    ChangeLogWriter<D> log_;
    CacheBudget* budget_;
    StoreContext* context_ = nullptr;
    FlushListener listener_;
    bool send_old_values_ = false;
    BytesHashTable<Entry> table_;  // keys compare (in range()) as unsigned bytes, like Kafka's Bytes
    Node* last_ = nullptr;         // the entry looked up last
    Uses uses_;                    // cached entries, least recently used first
    Dirty dirty_;                  // dirty entries, oldest write first
    size_t cached_ = 0;            // entries in the cache
    size_t dirty_count_ = 0;       // dirty entries
    size_t stored_ = 0;            // entries in the store
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
    if (spec.caching)
        return std::make_unique<CachingKeyValueBytesStoreImpl<D>>(spec.name, spec.persistent, spec.logging, spec.timestamped, budget);
    std::unique_ptr<KeyValueBytesStore> store = std::make_unique<InMemoryKeyValueBytesStoreImpl<D>>(spec.name, spec.persistent);
    if (spec.logging) store = std::make_unique<ChangeLoggingKeyValueBytesStoreImpl<D>>(std::move(store), spec.timestamped);
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
        return timestamped_ ? timestampOf(stored) : (context_ ? context_->recordContext().timestamp() : -1);
    }
    int64_t currentTimestamp() const { return context_ ? context_->recordContext().timestamp() : -1; }

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

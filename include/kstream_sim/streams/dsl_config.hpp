// The DSL's option objects: Named, Consumed, Produced, Grouped, Materialized and friends.
//
// Named, Consumed, Produced, Grouped, Materialized, Repartitioned, Printed,
// Branched, with Kafka's static factories (Materialized::as("store"), Produced::with(keySerde, valueSerde)).
//
// They are not templates: a serde given here is checked against the stream's types when the operator is
// built, and a mismatch is reported then ("The key serde handles int64_t but the key type here is ...").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "state_stores.hpp"
#include "stream_task.hpp"
#include "values.hpp"

namespace kstream_sim {

// Kafka's Named: the name of the processor an operator creates.
class Named {
public:
    Named() = default;
    static Named as(std::string name) {
        Named n;
        n.name_ = std::move(name);
        return n;
    }
    Named withName(std::string name) const { return as(std::move(name)); }
    const std::optional<std::string>& name() const noexcept { return name_; }

private:
    std::optional<std::string> name_;
};

// Kafka's Topology.AutoOffsetReset / AutoOffsetResetStrategy (accepted; the test driver reads every record).
enum class AutoOffsetReset { EARLIEST, LATEST, NONE };

class Consumed {
public:
    Consumed() = default;
    static Consumed with(AnySerde key_serde, AnySerde value_serde) {
        Consumed c;
        c.key_ = std::move(key_serde);
        c.value_ = std::move(value_serde);
        return c;
    }
    static Consumed as(std::string processor_name) {
        Consumed c;
        c.name_ = std::move(processor_name);
        return c;
    }
    // A TimestampExtractor (an object deriving from it, or a callable (record, partitionTime) -> timestamp).
    template <class E, std::enable_if_t<!std::is_convertible<E, AnySerde>::value, int> = 0>
    static Consumed with(E extractor) {
        return Consumed().withTimestampExtractor(std::move(extractor));
    }
    Consumed withKeySerde(AnySerde s) const { Consumed c = *this; c.key_ = std::move(s); return c; }
    Consumed withValueSerde(AnySerde s) const { Consumed c = *this; c.value_ = std::move(s); return c; }
    Consumed withName(std::string n) const { Consumed c = *this; c.name_ = std::move(n); return c; }
    Consumed withOffsetResetPolicy(AutoOffsetReset r) const { Consumed c = *this; c.reset_ = r; return c; }
    template <class E>
    Consumed withTimestampExtractor(E extractor) const {
        Consumed c = *this;
        c.extractor_ = detail::makeTimestampExtractor(std::move(extractor));
        return c;
    }

    const AnySerde& keySerde() const noexcept { return key_; }
    const AnySerde& valueSerde() const noexcept { return value_; }
    const std::optional<std::string>& name() const noexcept { return name_; }
    const std::shared_ptr<TimestampExtractor>& timestampExtractor() const noexcept { return extractor_; }

private:
    AnySerde key_, value_;
    std::optional<std::string> name_;
    std::optional<AutoOffsetReset> reset_;
    std::shared_ptr<TimestampExtractor> extractor_;
};

// Kafka's StreamPartitioner<K, V>: the partition for a record, or nullopt for the default partitioner.
template <class K, class V>
using StreamPartitioner = std::function<std::optional<int32_t>(const std::string& topic, const K& key, const V& value,
                                                               int32_t num_partitions)>;

namespace detail {
template <class K, class V>
ErasedPartitioner erasePartitioner(StreamPartitioner<K, V> p) {
    return [p = std::move(p)](const std::string& topic, const StreamRecord& r, int32_t n) {
        return p(topic, unbox<K>(r.key), unbox<V>(r.value), n);
    };
}
}  // namespace detail

class Produced {
public:
    Produced() = default;
    static Produced with(AnySerde key_serde, AnySerde value_serde) {
        Produced p;
        p.key_ = std::move(key_serde);
        p.value_ = std::move(value_serde);
        return p;
    }
    static Produced as(std::string processor_name) {
        Produced p;
        p.name_ = std::move(processor_name);
        return p;
    }
    template <class K, class V>
    static Produced streamPartitioner(StreamPartitioner<K, V> partitioner) {
        return Produced().withStreamPartitioner<K, V>(std::move(partitioner));
    }
    Produced withKeySerde(AnySerde s) const { Produced p = *this; p.key_ = std::move(s); return p; }
    Produced withValueSerde(AnySerde s) const { Produced p = *this; p.value_ = std::move(s); return p; }
    Produced withName(std::string n) const { Produced p = *this; p.name_ = std::move(n); return p; }
    template <class K, class V>
    Produced withStreamPartitioner(StreamPartitioner<K, V> partitioner) const {
        Produced p = *this;
        p.partitioner_ = detail::erasePartitioner<K, V>(std::move(partitioner));
        return p;
    }

    const AnySerde& keySerde() const noexcept { return key_; }
    const AnySerde& valueSerde() const noexcept { return value_; }
    const std::optional<std::string>& name() const noexcept { return name_; }
    const detail::ErasedPartitioner& partitioner() const noexcept { return partitioner_; }

private:
    AnySerde key_, value_;
    std::optional<std::string> name_;
    detail::ErasedPartitioner partitioner_;
};

class Grouped {
public:
    Grouped() = default;
    static Grouped with(AnySerde key_serde, AnySerde value_serde) {
        Grouped g;
        g.key_ = std::move(key_serde);
        g.value_ = std::move(value_serde);
        return g;
    }
    static Grouped as(std::string name) {
        Grouped g;
        g.name_ = std::move(name);
        return g;
    }
    static Grouped with(std::string name, AnySerde key_serde, AnySerde value_serde) {
        Grouped g = with(std::move(key_serde), std::move(value_serde));
        g.name_ = std::move(name);
        return g;
    }
    Grouped withKeySerde(AnySerde s) const { Grouped g = *this; g.key_ = std::move(s); return g; }
    Grouped withValueSerde(AnySerde s) const { Grouped g = *this; g.value_ = std::move(s); return g; }
    Grouped withName(std::string n) const { Grouped g = *this; g.name_ = std::move(n); return g; }

    const AnySerde& keySerde() const noexcept { return key_; }
    const AnySerde& valueSerde() const noexcept { return value_; }
    const std::optional<std::string>& name() const noexcept { return name_; }

private:
    AnySerde key_, value_;
    std::optional<std::string> name_;
};

// Kafka's Materialized: store name (queryable when given), serdes, caching and logging switches.
class Materialized {
public:
    Materialized() = default;
    static Materialized as(std::string store_name) {
        Materialized m;
        m.store_name_ = std::move(store_name);
        return m;
    }
    static Materialized as(const KeyValueBytesStoreSupplier& supplier) {
        Materialized m = as(supplier.name());
        m.persistent_ = supplier.persistent();
        return m;
    }
    static Materialized with(AnySerde key_serde, AnySerde value_serde) {
        Materialized m;
        m.key_ = std::move(key_serde);
        m.value_ = std::move(value_serde);
        return m;
    }
    Materialized withKeySerde(AnySerde s) const { Materialized m = *this; m.key_ = std::move(s); return m; }
    Materialized withValueSerde(AnySerde s) const { Materialized m = *this; m.value_ = std::move(s); return m; }
    Materialized withCachingEnabled() const { Materialized m = *this; m.caching_ = true; return m; }
    Materialized withCachingDisabled() const { Materialized m = *this; m.caching_ = false; return m; }
    Materialized withLoggingEnabled(std::map<std::string, std::string> config = {}) const {
        Materialized m = *this;
        m.logging_ = true;
        m.changelog_config_ = std::move(config);
        return m;
    }
    Materialized withLoggingDisabled() const { Materialized m = *this; m.logging_ = false; return m; }

    const std::optional<std::string>& storeName() const noexcept { return store_name_; }
    const AnySerde& keySerde() const noexcept { return key_; }
    const AnySerde& valueSerde() const noexcept { return value_; }
    bool cachingEnabled() const noexcept { return caching_; }
    bool loggingEnabled() const noexcept { return logging_; }
    bool persistent() const noexcept { return persistent_; }
    const std::map<std::string, std::string>& changelogConfig() const noexcept { return changelog_config_; }

private:
    std::optional<std::string> store_name_;
    AnySerde key_, value_;
    bool caching_ = true;
    bool logging_ = true;
    bool persistent_ = true;  // Kafka's DSL default store is RocksDB (persistent); ours is in memory either way
    std::map<std::string, std::string> changelog_config_;
};

class Repartitioned {
public:
    Repartitioned() = default;
    static Repartitioned as(std::string name) { Repartitioned r; r.name_ = std::move(name); return r; }
    static Repartitioned with(AnySerde key_serde, AnySerde value_serde) {
        Repartitioned r;
        r.key_ = std::move(key_serde);
        r.value_ = std::move(value_serde);
        return r;
    }
    static Repartitioned numberOfPartitions(int32_t n) { Repartitioned r; r.partitions_ = n; return r; }
    template <class K, class V>
    static Repartitioned streamPartitioner(StreamPartitioner<K, V> p) {
        return Repartitioned().withStreamPartitioner<K, V>(std::move(p));
    }
    Repartitioned withName(std::string n) const { Repartitioned r = *this; r.name_ = std::move(n); return r; }
    Repartitioned withKeySerde(AnySerde s) const { Repartitioned r = *this; r.key_ = std::move(s); return r; }
    Repartitioned withValueSerde(AnySerde s) const { Repartitioned r = *this; r.value_ = std::move(s); return r; }
    Repartitioned withNumberOfPartitions(int32_t n) const { Repartitioned r = *this; r.partitions_ = n; return r; }
    template <class K, class V>
    Repartitioned withStreamPartitioner(StreamPartitioner<K, V> p) const {
        Repartitioned r = *this;
        r.partitioner_ = detail::erasePartitioner<K, V>(std::move(p));
        return r;
    }
    const std::optional<std::string>& name() const noexcept { return name_; }
    const AnySerde& keySerde() const noexcept { return key_; }
    const AnySerde& valueSerde() const noexcept { return value_; }
    const std::optional<int32_t>& partitions() const noexcept { return partitions_; }
    const detail::ErasedPartitioner& partitioner() const noexcept { return partitioner_; }

private:
    std::optional<std::string> name_;
    AnySerde key_, value_;
    std::optional<int32_t> partitions_;
    detail::ErasedPartitioner partitioner_;
};

// Kafka's Printed: print() to standard output (or any std::ostream) with a label.
class Printed {
public:
    static Printed toSysOut() { return Printed(); }
    static Printed toStream(std::ostream& out) { Printed p; p.out_ = &out; return p; }
    Printed withLabel(std::string label) const { Printed p = *this; p.label_ = std::move(label); return p; }
    const std::optional<std::string>& label() const noexcept { return label_; }
    std::ostream* stream() const noexcept { return out_; }

private:
    std::optional<std::string> label_;
    std::ostream* out_ = nullptr;  // nullptr: std::cout
};

// Kafka's Branched: a branch's name suffix (split().branch(predicate, Branched::as("x"))).
class Branched {
public:
    static Branched as(std::string name) { Branched b; b.name_ = std::move(name); return b; }
    Branched withName(std::string name) const { return as(std::move(name)); }
    const std::optional<std::string>& name() const noexcept { return name_; }

private:
    std::optional<std::string> name_;
};

}  // namespace kstream_sim

// The Streams DSL: StreamsBuilder, KStream, KTable, grouped streams and tables, GlobalKTable.
//
// StreamsBuilder, KStream, KTable, KGroupedStream, KGroupedTable, GlobalKTable and
// BranchedKStream, with Kafka's operator names, processor names and index rules.
//
//   StreamsBuilder builder;
//   builder.stream<std::string, std::string>("orders")
//       .filter([](const std::string&, const std::string& item) { return item != "cancelled"; })
//       .groupByKey()
//       .count(Materialized::as("orders-per-customer"))
//       .toStream()
//       .to("order-counts");
//   Topology topology = builder.build();
//
// Lambdas take (key, value) — or just (value) where Kafka offers a ValueMapper — as const references of
// the stream's types; a std::optional<V> value type lets them see Java's null (tombstones). Each call
// adds its processor to the topology at once, named as Kafka names it (KSTREAM-FILTER-0000000001, ...).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/dependent.hpp"
#include "dsl_config.hpp"
#include "dsl_nodes.hpp"
#include "processor_api.hpp"
#include "topology.hpp"

namespace kstream_sim {

// KeyValue deduction from string literals: KeyValue("a", 1) is a KeyValue<std::string, int>.
template <class V>
KeyValue(const char*, V) -> KeyValue<std::string, V>;
template <class K>
KeyValue(K, const char*) -> KeyValue<K, std::string>;
KeyValue(const char*, const char*)->KeyValue<std::string, std::string>;

template <class K, class V>
class KStream;
template <class K, class V>
class KTable;
template <class K, class V>
class KGroupedStream;
template <class K, class V>
class KGroupedTable;
template <class K, class V>
class BranchedKStream;
template <class K, class V>
class GlobalKTable;
template <class K, class VOut>
class CogroupedKStream;
class StreamsBuilder;

namespace detail {

// One StreamsBuilder's state: the topology and Kafka's single name index (InternalStreamsBuilder.index).
struct BuilderState {
    std::shared_ptr<InternalTopologyBuilder> topology;  // made by StreamsBuilder's constructor
    int32_t index = 0;

    // The topology, named through a type of the calling template (Dep), so that the caller's code builds the
    // builder's class only when it is used (see "Include cost" in docs/performance.md).
    template <class Dep>
    Dependent<InternalTopologyBuilder, Dep>& builder() const { return *topology.get(); }

    static std::string pad(int32_t n) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%010d", n);
        return buf;
    }
    std::string newProcessorName(const std::string& prefix) { return prefix + pad(index++); }
    std::string newStoreName(const std::string& prefix) { return prefix + "STATE-STORE-" + pad(index++); }
    // Kafka's NamedInternal.orElseGenerateWithPrefix / suffixWithOrElseGet: a given name still burns an index
    // (topology compatibility), so later generated names do not depend on whether earlier operators were named.
    std::string nameOr(const std::optional<std::string>& name, const std::string& prefix) {
        std::string generated = newProcessorName(prefix);
        return name ? *name : generated;
    }
    std::string nameOr(const Named& named, const std::string& prefix) { return nameOr(named.name(), prefix); }
    std::string suffixedNameOr(const std::optional<std::string>& name, const std::string& suffix, const std::string& prefix) {
        std::string generated = newProcessorName(prefix);
        return name ? *name + suffix : generated;
    }
};

// Argument type a lambda receives for a stream type T: const T& (or std::optional<X> by value).
template <class T>
using ArgT = std::conditional_t<IsOptional<T>::value, T, const T&>;

// Calls a ValueMapper or a ValueMapperWithKey, whichever f is.
template <class K, class V, class F>
decltype(auto) callValueFn(F& f, const Box& key, const Box& value) {
    if constexpr (std::is_invocable<F&, ArgT<K>, ArgT<V>>::value) return f(unbox<K>(key), unbox<V>(value));
    else return f(unbox<V>(value));
}
template <class K, class V, class F>
using ValueFnResult = std::decay_t<decltype(callValueFn<K, V>(std::declval<F&>(), std::declval<const Box&>(), std::declval<const Box&>()))>;

template <class KV>
struct KeyValueTypes;
template <class K, class V>
struct KeyValueTypes<KeyValue<K, V>> {
    using Key = K;
    using Value = V;
};

// Whether `name` matches the regular expression KSTREAM.*-[0-9]{10} (a generated name, as Kafka checks it),
// without <regex>: "KSTREAM", then any characters but line terminators, then "-" and ten digits.
template <class D = void>
bool isGeneratedStreamName(const std::string& name) {
    const size_t n = name.size();
    if (n < 18 || name.compare(0, 7, "KSTREAM") != 0 || name[n - 11] != '-') return false;
    for (size_t i = n - 10; i < n; ++i)
        if (name[i] < '0' || name[i] > '9') return false;
    for (size_t i = 7; i < n - 11; ++i)
        if (name[i] == '\n' || name[i] == '\r') return false;
    return true;
}

// The aggregate type of an Aggregator (key, value, aggregate) -> aggregate: its third parameter, decayed. Works
// for lambdas with declared parameter types; a generic lambda needs the type spelled out (cogroup<VOut>(...)).
template <class T>
struct Identity {
    using type = T;
};
template <class F>
struct AggregateTypeOf : AggregateTypeOf<decltype(&F::operator())> {};
template <class C, class R, class A1, class A2, class A3>
struct AggregateTypeOf<R (C::*)(A1, A2, A3) const> {
    using type = BoxedT<std::decay_t<A3>>;
};
template <class C, class R, class A1, class A2, class A3>
struct AggregateTypeOf<R (C::*)(A1, A2, A3)> {
    using type = BoxedT<std::decay_t<A3>>;
};
template <class R, class A1, class A2, class A3>
struct AggregateTypeOf<R (*)(A1, A2, A3)> {
    using type = BoxedT<std::decay_t<A3>>;
};

}  // namespace detail

// ---- KStream ----------------------------------------------------------------------------------------------------
template <class K, class V>
class KStream {
public:
    using KeyType = K;
    using ValueType = V;

    KStream(std::shared_ptr<detail::BuilderState> builder, std::string name, detail::SerdePtr key_serde,
            detail::SerdePtr value_serde, bool repartition_required)
        : b_(std::move(builder)), name_(std::move(name)), key_serde_(std::move(key_serde)),
          value_serde_(std::move(value_serde)), repartition_required_(repartition_required) {}

    const std::string& nodeName() const noexcept { return name_; }

    template <class P>
    KStream filter(P predicate, const Named& named = {}) const {
        return filterImpl(std::move(predicate), named, false);
    }
    template <class P>
    KStream filterNot(P predicate, const Named& named = {}) const {
        return filterImpl(std::move(predicate), named, true);
    }

    // mapper(key, value) returns KeyValue<KR, VR>; marks the stream for repartitioning.
    template <class F>
    auto map(F mapper, const Named& named = {}) const {
        using KV = std::decay_t<std::invoke_result_t<F&, detail::ArgT<K>, detail::ArgT<V>>>;
        using KR = typename detail::KeyValueTypes<KV>::Key;
        using VR = typename detail::KeyValueTypes<KV>::Value;
        const std::string name = b_->nameOr(named, "KSTREAM-MAP-");
        addStateless(name, [mapper](const detail::StreamRecord& r, detail::ProcessorNode& n) mutable {
            KV kv = mapper(detail::unbox<K>(r.key), detail::unbox<V>(r.value));
            detail::StreamRecord out{detail::Box::of(std::move(kv.key)), detail::Box::of(std::move(kv.value)), r.timestamp, detail::copyHeaders(r.headers)};
            n.forward(out);
        });
        return KStream<KR, VR>(b_, name, nullptr, nullptr, true);
    }

    // mapper(value) or mapper(key, value) returns the new value.
    template <class F>
    auto mapValues(F mapper, const Named& named = {}) const {
        using VR = detail::ValueFnResult<K, V, F>;
        const std::string name = b_->nameOr(named, "KSTREAM-MAPVALUES-");
        addStateless(name, [mapper](const detail::StreamRecord& r, detail::ProcessorNode& n) mutable {
            detail::StreamRecord out{r.key.borrowed(), detail::Box::of(detail::callValueFn<K, V>(mapper, r.key, r.value)), r.timestamp, detail::copyHeaders(r.headers)};
            n.forward(out);
        });
        return KStream<K, VR>(b_, name, key_serde_, nullptr, repartition_required_);
    }

    // mapper(key, value) returns an iterable of KeyValue<KR, VR>; each output keeps the input's timestamp.
    template <class F>
    auto flatMap(F mapper, const Named& named = {}) const {
        using Result = std::decay_t<std::invoke_result_t<F&, detail::ArgT<K>, detail::ArgT<V>>>;
        using KV = std::decay_t<typename Result::value_type>;
        using KR = typename detail::KeyValueTypes<KV>::Key;
        using VR = typename detail::KeyValueTypes<KV>::Value;
        const std::string name = b_->nameOr(named, "KSTREAM-FLATMAP-");
        addStateless(name, [mapper](const detail::StreamRecord& r, detail::ProcessorNode& n) mutable {
            for (auto& kv : mapper(detail::unbox<K>(r.key), detail::unbox<V>(r.value))) {
                detail::StreamRecord out{detail::Box::of(std::move(kv.key)), detail::Box::of(std::move(kv.value)), r.timestamp, detail::copyHeaders(r.headers)};
                n.forward(out);
            }
        });
        return KStream<KR, VR>(b_, name, nullptr, nullptr, true);
    }

    // mapper(value) or mapper(key, value) returns an iterable of new values.
    template <class F>
    auto flatMapValues(F mapper, const Named& named = {}) const {
        using Result = detail::ValueFnResult<K, V, F>;
        using VR = std::decay_t<typename Result::value_type>;
        const std::string name = b_->nameOr(named, "KSTREAM-FLATMAPVALUES-");
        addStateless(name, [mapper](const detail::StreamRecord& r, detail::ProcessorNode& n) mutable {
            for (auto& v : detail::callValueFn<K, V>(mapper, r.key, r.value)) {
                detail::StreamRecord out{r.key.borrowed(), detail::Box::of(std::move(v)), r.timestamp, detail::copyHeaders(r.headers)};
                n.forward(out);
            }
        });
        return KStream<K, VR>(b_, name, key_serde_, nullptr, repartition_required_);
    }

    // mapper(key, value) returns the new key; marks the stream for repartitioning.
    template <class F>
    auto selectKey(F mapper, const Named& named = {}) const {
        using KR = std::decay_t<std::invoke_result_t<F&, detail::ArgT<K>, detail::ArgT<V>>>;
        const std::string name = b_->nameOr(named, "KSTREAM-KEY-SELECT-");
        addStateless(name, [mapper](const detail::StreamRecord& r, detail::ProcessorNode& n) mutable {
            detail::StreamRecord out{detail::Box::of(mapper(detail::unbox<K>(r.key), detail::unbox<V>(r.value))), r.value, r.timestamp, detail::copyHeaders(r.headers)};
            n.forward(out);
        });
        return KStream<KR, V>(b_, name, nullptr, value_serde_, true);
    }

    template <class F>
    KStream peek(F action, const Named& named = {}) const {
        const std::string name = b_->nameOr(named, "KSTREAM-PEEK-");
        addStateless(name, [action](const detail::StreamRecord& r, detail::ProcessorNode& n) mutable {
            action(detail::unbox<K>(r.key), detail::unbox<V>(r.value));
            n.forward(r);
        });
        return KStream(b_, name, key_serde_, value_serde_, repartition_required_);
    }

    template <class F>
    void foreach(F action, const Named& named = {}) const {
        const std::string name = b_->nameOr(named, "KSTREAM-FOREACH-");
        addStateless(name, [action](const detail::StreamRecord& r, detail::ProcessorNode&) mutable {
            action(detail::unbox<K>(r.key), detail::unbox<V>(r.value));
        });
    }

    // Prints "[label]: key, value" per record (label: the processor's name unless given).
    void print(const Printed& printed = Printed::toSysOut(), const Named& named = {}) const {
        const std::string name = b_->nameOr(named, "KSTREAM-PRINTER-");
        const std::string label = printed.label() ? *printed.label() : name;
        std::ostream* out = printed.stream();
        addStateless(name, [label, out](const detail::StreamRecord& r, detail::ProcessorNode&) {
            std::ostream& os = out ? *out : std::cout;
            os << "[" << label << "]: ";
            detail::printValue(os, detail::unbox<K>(r.key));
            os << ", ";
            detail::printValue(os, detail::unbox<V>(r.value));
            os << "\n";
        });
    }

    KStream merge(const KStream& other, const Named& named = {}) const {
        const std::string name = b_->nameOr(named, "KSTREAM-MERGE-");
        b_->builder<K>().addProcessor(
            name, [] { return std::make_unique<detail::Dependent<detail::PassThroughNode, K>>(); },
            {name_, other.name_});
        return KStream(b_, name, nullptr, nullptr, repartition_required_ || other.repartition_required_);
    }

    BranchedKStream<K, V> split(const Named& named = {}) const;

    // Sends every record through a repartition topic `<name>-repartition` (Kafka's repartition()).
    KStream repartition(const Repartitioned& repartitioned = {}) const {
        const std::string name = repartitioned.name() ? *repartitioned.name() : b_->newProcessorName("KSTREAM-REPARTITION-");
        auto ks = detail::serdeFor<K>(repartitioned.keySerde().erased() ? repartitioned.keySerde().erased() : key_serde_, "key");
        auto vs = detail::serdeFor<V>(repartitioned.valueSerde().erased() ? repartitioned.valueSerde().erased() : value_serde_, "value");
        const std::string source = createRepartitionedSource(name, ks, vs, repartitioned.partitioner(), repartitioned.partitions());
        return KStream(b_, source, ks, vs, false);
    }

    void to(const std::string& topic, const Produced& produced = {}) const {
        const std::string name = b_->nameOr(produced.name(), "KSTREAM-SINK-");
        b_->builder<K>().addSink(name, topic, nullptr, sinkKeySerde(produced), sinkValueSerde(produced), produced.partitioner(), {name_});
    }
    // extractor(key, value) -> topic name, or extractor(key, value, RecordContext) as Kafka's TopicNameExtractor.
    template <class F, std::enable_if_t<!std::is_convertible<F, std::string>::value, int> = 0>
    void to(F extractor, const Produced& produced = {}, const std::string& description = "TopicNameExtractor") const {
        const std::string name = b_->nameOr(produced.name(), "KSTREAM-SINK-");
        auto e = std::make_shared<detail::Dependent<detail::ErasedTopicNameExtractor, K>>();
        e->description = description;
        e->extract = [extractor](const detail::StreamRecord& r, const detail::TaskContext& ctx) mutable -> std::string {
            if constexpr (std::is_invocable<F&, detail::ArgT<K>, detail::ArgT<V>, const RecordContext&>::value)
                return extractor(detail::unbox<K>(r.key), detail::unbox<V>(r.value), ctx.recordContext());
            else
                return extractor(detail::unbox<K>(r.key), detail::unbox<V>(r.value));
        };
        b_->builder<K>().addSink(name, std::string(), e, sinkKeySerde(produced), sinkValueSerde(produced), produced.partitioner(), {name_});
    }

    // Processor API: supplier returns std::unique_ptr<P>, P deriving from Processor<K, V, KOut, VOut>.
    template <class Supplier, class... Stores>
    auto process(Supplier supplier, const Stores&... stores) const {
        return processImpl(std::move(supplier), Named(), {std::string(stores)...});
    }
    template <class Supplier, class... Stores>
    auto process(Supplier supplier, const Named& named, const Stores&... stores) const {
        return processImpl(std::move(supplier), named, {std::string(stores)...});
    }
    // Processor API with a fixed key: P derives from FixedKeyProcessor<K, V, VOut>.
    template <class Supplier, class... Stores>
    auto processValues(Supplier supplier, const Stores&... stores) const {
        return processValuesImpl(std::move(supplier), Named(), {std::string(stores)...});
    }
    template <class Supplier, class... Stores>
    auto processValues(Supplier supplier, const Named& named, const Stores&... stores) const {
        return processValuesImpl(std::move(supplier), named, {std::string(stores)...});
    }

    KGroupedStream<K, V> groupByKey(const Grouped& grouped = {}) const;
    // selector(key, value) returns the new key.
    template <class F>
    auto groupBy(F selector, const Grouped& grouped = {}) const;

    KTable<K, V> toTable(const Named& named = {}, const Materialized& materialized = {}) const;
    KTable<K, V> toTable(const Materialized& materialized) const { return toTable(Named(), materialized); }

    // Internal: what the builder needs to continue the chain.
    const std::shared_ptr<detail::BuilderState>& builderState() const noexcept { return b_; }
    const detail::SerdePtr& keySerde() const noexcept { return key_serde_; }
    const detail::SerdePtr& valueSerde() const noexcept { return value_serde_; }
    bool repartitionRequired() const noexcept { return repartition_required_; }

    // Kafka's createRepartitionedSource: sink, (pass-through) filter and source around `<prefix>-repartition`.
    // Returns the source node's name.
    std::string createRepartitionedSource(const std::string& prefix, const detail::SerdePtr& ks, const detail::SerdePtr& vs,
                                          const detail::ErasedPartitioner& partitioner,
                                          std::optional<int32_t> partitions = std::nullopt) const {
        const std::string suffix = "-repartition";
        const std::string topic = prefix.size() >= suffix.size() && prefix.compare(prefix.size() - suffix.size(), suffix.size(), suffix) == 0
                                      ? prefix
                                      : prefix + suffix;
        std::string sink = b_->newProcessorName("KSTREAM-SINK-");
        std::string filter = b_->newProcessorName("KSTREAM-FILTER-");
        std::string source = b_->newProcessorName("KSTREAM-SOURCE-");
        if (!detail::isGeneratedStreamName(prefix)) {
            sink = topic + "-sink";
            filter = topic + "-filter";
            source = topic + "-source";
        }
        auto& t = b_->builder<K>();
        t.addInternalTopic(topic, partitions);
        t.addProcessor(filter, [] { return std::make_unique<detail::Dependent<detail::PassThroughNode, K>>(); }, {name_});
        t.addSink(sink, topic, nullptr, ks, vs, partitioner, {filter});
        t.addSource(source, {topic}, ks, vs);
        return source;
    }

private:
    template <class P>
    KStream filterImpl(P predicate, const Named& named, bool negate) const {
        const std::string name = b_->nameOr(named, "KSTREAM-FILTER-");
        addStateless(name, [predicate, negate](const detail::StreamRecord& r, detail::ProcessorNode& n) mutable {
            if (static_cast<bool>(predicate(detail::unbox<K>(r.key), detail::unbox<V>(r.value))) != negate) n.forward(r);
        });
        return KStream(b_, name, key_serde_, value_serde_, repartition_required_);
    }

    template <class Fn>
    void addStateless(const std::string& name, Fn fn) const {
        b_->builder<K>().addProcessor(name, [fn]() -> std::unique_ptr<detail::ProcessorNode> {
            return std::make_unique<detail::FunctionNode>(fn);
        }, {name_});
    }

    detail::SerdePtr sinkKeySerde(const Produced& p) const {
        return detail::serdeFor<K>(p.keySerde().erased() ? p.keySerde().erased() : key_serde_, "key");
    }
    detail::SerdePtr sinkValueSerde(const Produced& p) const {
        return detail::serdeFor<V>(p.valueSerde().erased() ? p.valueSerde().erased() : value_serde_, "value");
    }

    template <class Supplier>
    auto processImpl(Supplier supplier, const Named& named, const std::vector<std::string>& stores) const {
        using P = detail::SuppliedProcessor<Supplier>;
        static_assert(std::is_same<detail::BoxedT<typename P::KeyIn>, detail::BoxedT<K>>::value,
                      "process(): the processor's KIn must be the stream's key type");
        static_assert(std::is_same<detail::BoxedT<typename P::ValueIn>, detail::BoxedT<V>>::value,
                      "process(): the processor's VIn must be the stream's value type");
        const std::string name = named.name() ? *named.name() : b_->newProcessorName("KSTREAM-PROCESSOR-");  // no burn, as Kafka
        b_->builder<K>().addProcessor(name, detail::adapterFactory(std::move(supplier)), {name_});
        for (const auto& s : stores) b_->builder<K>().connectProcessorAndStateStore(name, s);
        return KStream<typename P::KeyOut, typename P::ValueOut>(b_, name, nullptr, nullptr, true);
    }
    template <class Supplier>
    auto processValuesImpl(Supplier supplier, const Named& named, const std::vector<std::string>& stores) const {
        using P = detail::SuppliedProcessor<Supplier>;
        static_assert(std::is_same<detail::BoxedT<typename P::KeyIn>, detail::BoxedT<K>>::value,
                      "processValues(): the processor's KIn must be the stream's key type");
        const std::string name = named.name() ? *named.name() : b_->newProcessorName("KSTREAM-PROCESSVALUES-");  // no burn, as Kafka
        b_->builder<K>().addProcessor(name, detail::fixedKeyAdapterFactory(std::move(supplier)), {name_});
        for (const auto& s : stores) b_->builder<K>().connectProcessorAndStateStore(name, s);
        return KStream<K, typename P::ValueOut>(b_, name, key_serde_, nullptr, repartition_required_);
    }

    std::shared_ptr<detail::BuilderState> b_;
    std::string name_;
    detail::SerdePtr key_serde_, value_serde_;
    bool repartition_required_;
};

// ---- BranchedKStream --------------------------------------------------------------------------------------------
template <class K, class V>
class BranchedKStream {
public:
    BranchedKStream(KStream<K, V> source, const Named& named)
        : source_(std::move(source)), spec_(std::make_shared<Spec>()) {
        auto& b = *source_.builderState();
        splitter_ = b.nameOr(named, "KSTREAM-BRANCH-");
        auto spec = spec_;
        b.template builder<K>().addProcessor(splitter_, [spec] { return std::make_unique<detail::Dependent<detail::BranchNode, K>>(spec); }, {source_.nodeName()});
    }
    template <class P>
    BranchedKStream& branch(P predicate, const Branched& branched = {}) {
        spec_->predicates.push_back([predicate](const detail::StreamRecord& r) mutable {
            return static_cast<bool>(predicate(detail::unbox<K>(r.key), detail::unbox<V>(r.value)));
        });
        createBranch(branched, static_cast<int>(spec_->predicates.size()));
        return *this;
    }
    std::map<std::string, KStream<K, V>> defaultBranch(const Branched& branched = {}) {
        createBranch(branched, 0);
        return branches_;
    }
    std::map<std::string, KStream<K, V>> noDefaultBranch() { return branches_; }

private:
    void createBranch(const Branched& branched, int index) {
        auto& b = *source_.builderState();
        const std::string child = splitter_ + (branched.name() ? *branched.name() : std::to_string(index));
        spec_->children.push_back(child);
        b.newProcessorName(child);  // burns an index, as Kafka does
        b.template builder<K>().addProcessor(child, [] { return std::make_unique<detail::Dependent<detail::PassThroughNode, K>>(); }, {splitter_});
        branches_.emplace(child, KStream<K, V>(source_.builderState(), child, source_.keySerde(), source_.valueSerde(),
                                               source_.repartitionRequired()));
    }

    KStream<K, V> source_;
    using Spec = detail::Dependent<detail::BranchNode::Spec, K>;  // through K: built only when used
    std::shared_ptr<Spec> spec_;
    std::string splitter_;
    std::map<std::string, KStream<K, V>> branches_;
};

template <class K, class V>
BranchedKStream<K, V> KStream<K, V>::split(const Named& named) const {
    return BranchedKStream<K, V>(*this, named);
}

// ---- KTable -----------------------------------------------------------------------------------------------------
namespace detail {

// What a KTable handle knows about the node behind it.
struct TableInfo {
    std::shared_ptr<TableNodeState> state;
    // Asks this node (and, through it, its parents) to send old values; force: materialize if needed. Returns
    // false, changing nothing, when that needs an unmaterialized table source and force is false (Kafka's
    // KTableImpl.enableSendingOldValues).
    std::function<bool(bool force)> enable_sending_old_values;
};

// Adds the timestamped store for a table node when it becomes materialized.
template <class D = void>
void materializeTable(BuilderState& b, const std::string& node, TableNodeState& state, StoreSpec spec) {
    if (state.materialized) return;
    state.materialized = true;
    spec.name = state.store_name;
    spec.timestamped = true;
    b.builder<D>().addStateStore(spec, {node});
}

template <class D = void>
StoreSpec storeSpecFrom(const Materialized& m, SerdePtr key_serde, SerdePtr value_serde) {
    StoreSpec spec;
    spec.name = m.storeName() ? *m.storeName() : std::string();
    spec.timestamped = true;
    spec.persistent = m.persistent();
    spec.logging = m.loggingEnabled();
    spec.caching = m.cachingEnabled();
    spec.changelog_config = m.changelogConfig();
    spec.key_serde = std::move(key_serde);
    spec.value_serde = std::move(value_serde);
    return spec;
}

}  // namespace detail

template <class K, class V>
class KTable {
    // Named through K so that std::optional<Materialized> and std::optional<StoreSpec> are built only in programs
    // that use tables (docs/performance.md, "Include cost").
    using Materialized = detail::Dependent<kstream_sim::Materialized, K>;
    using StoreSpec = detail::Dependent<detail::StoreSpec, K>;

public:
    KTable(std::shared_ptr<detail::BuilderState> builder, std::string name, detail::SerdePtr key_serde,
           detail::SerdePtr value_serde, detail::TableInfo info)
        : b_(std::move(builder)), name_(std::move(name)), key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)),
          info_(std::move(info)) {}

    const std::string& nodeName() const noexcept { return name_; }
    // The store name when the table is materialized under a name users can query; "" otherwise.
    std::string queryableStoreName() const { return queryable_ ? info_.state->store_name : std::string(); }

    template <class P>
    KTable filter(P predicate, const Named& named = {}, const std::optional<Materialized>& materialized = std::nullopt) const {
        return filterImpl(std::move(predicate), named, materialized, false);
    }
    template <class P>
    KTable filter(P predicate, const Materialized& materialized) const { return filterImpl(std::move(predicate), Named(), materialized, false); }
    template <class P>
    KTable filterNot(P predicate, const Named& named = {}, const std::optional<Materialized>& materialized = std::nullopt) const {
        return filterImpl(std::move(predicate), named, materialized, true);
    }

    template <class F>
    auto mapValues(F mapper, const Named& named = {}, const std::optional<Materialized>& materialized = std::nullopt) const {
        using VR = detail::ValueFnResult<K, V, F>;
        const std::string name = b_->nameOr(named, "KTABLE-MAPVALUES-");
        auto fn = [mapper](const detail::Box& k, const detail::Box& v) mutable {
            return detail::Box::of(detail::callValueFn<K, V>(mapper, k, v));
        };
        return transformTable<VR>(name, fn, false, materialized, nullptr);
    }
    template <class F>
    auto mapValues(F mapper, const Materialized& materialized) const { return mapValues(std::move(mapper), Named(), materialized); }

    // The table's changes as a stream: the new value of each update (a tombstone's is null).
    KStream<K, V> toStream(const Named& named = {}) const {
        const std::string name = b_->nameOr(named, "KTABLE-TOSTREAM-");
        b_->builder<K>().addProcessor(name, [] {
            return std::make_unique<detail::Dependent<detail::FunctionNode, K>>([](const detail::StreamRecord& r, detail::ProcessorNode& n) {
                detail::StreamRecord out{r.key.borrowed(), r.value.get<detail::Change>().newValue.borrowed(), r.timestamp, detail::copyHeaders(r.headers)};
                n.forward(out);
            });
        }, {name_});
        return KStream<K, V>(b_, name, key_serde_, value_serde_, false);
    }

    // selector(key, value) returns KeyValue<KR, VR>: the new grouping key and the value to aggregate.
    template <class F>
    auto groupBy(F selector, const Grouped& grouped = {}) const;

    const std::shared_ptr<detail::BuilderState>& builderState() const noexcept { return b_; }
    const detail::SerdePtr& keySerde() const noexcept { return key_serde_; }
    const detail::SerdePtr& valueSerde() const noexcept { return value_serde_; }
    const detail::TableInfo& info() const noexcept { return info_; }
    void setQueryable(bool q) { queryable_ = q; }

private:
    template <class P>
    KTable filterImpl(P predicate, const Named& named, const std::optional<Materialized>& materialized, bool negate) const {
        const std::string name = b_->nameOr(named, "KTABLE-FILTER-");
        auto fn = [predicate, negate](const detail::Box& k, const detail::Box& v) mutable {
            const bool keep = static_cast<bool>(predicate(detail::unbox<K>(k), detail::unbox<V>(v))) != negate;
            return keep ? v : detail::Box();
        };
        return transformTable<V>(name, fn, true, materialized, value_serde_);
    }

    template <class VR, class Fn>
    KTable<K, VR> transformTable(const std::string& name, Fn fn, bool filter, const std::optional<Materialized>& materialized,
                                 detail::SerdePtr default_value_serde) const {
        auto state = std::make_shared<detail::Dependent<detail::TableNodeState, K>>();
        detail::SerdePtr ks = key_serde_, vs = default_value_serde;
        std::optional<StoreSpec> spec;
        if (materialized) {
            ks = detail::serdeFor<K>(materialized->keySerde().erased() ? materialized->keySerde().erased() : key_serde_, "key");
            vs = detail::serdeFor<VR>(materialized->valueSerde().erased() ? materialized->valueSerde().erased() : vs, "value");
            state->store_name = materialized->storeName() ? *materialized->storeName() : b_->newStoreName(filter ? "KTABLE-FILTER-" : "KTABLE-MAPVALUES-");
            spec = detail::storeSpecFrom(*materialized, ks, vs);
        }
        const detail::SerdePtr store_ks = detail::serdeFor<K>(ks, "key"), store_vs = detail::serdeFor<VR>(vs, "value");
        b_->builder<K>().addProcessor(name, [state, store_ks, store_vs, fn, filter]() -> std::unique_ptr<detail::ProcessorNode> {
            return std::make_unique<detail::Dependent<detail::TableTransformNode, K>>(state, store_ks, store_vs, fn, filter);
        }, {name_});
        if (spec) detail::materializeTable(*b_, name, *state, *spec);
        auto parent = info_;
        detail::TableInfo info{state, [state, parent](bool force) {
            // Kafka: a materialized filter/mapValues sends old values itself; otherwise its parent must.
            if (!state->materialized && !parent.enable_sending_old_values(force)) return false;
            state->send_old_values = true;
            return true;
        }};
        // Kafka's KTableFilter constructor: if the parent is already materialized, old values are sent so that an
        // update filtered out both before and after is not forwarded as an unnecessary tombstone (KAFKA-10077).
        if (filter && parent.enable_sending_old_values(false)) state->send_old_values = true;
        KTable<K, VR> out(b_, name, ks, spec ? vs : nullptr, info);
        out.setQueryable(materialized && materialized->storeName().has_value());
        return out;
    }

    std::shared_ptr<detail::BuilderState> b_;
    std::string name_;
    detail::SerdePtr key_serde_, value_serde_;
    detail::TableInfo info_;
    bool queryable_ = false;
};

// ---- GlobalKTable -----------------------------------------------------------------------------------------------
template <class K, class V>
class GlobalKTable {
public:
    GlobalKTable(std::string store_name, bool queryable) : store_name_(std::move(store_name)), queryable_(queryable) {}
    std::string queryableStoreName() const { return queryable_ ? store_name_ : std::string(); }
    const std::string& storeName() const noexcept { return store_name_; }

private:
    std::string store_name_;
    bool queryable_;
};

// ---- Aggregations -----------------------------------------------------------------------------------------------
namespace detail {

// Builds a stream aggregation (KGroupedStream count/reduce/aggregate), repartitioning first if needed.
template <class K, class V, class VR>
KTable<K, VR> buildStreamAggregate(const KStream<K, V>& stream, const std::optional<std::string>& grouped_name,
                                   const SerdePtr& grouped_key_serde, const SerdePtr& grouped_value_serde,
                                   const Materialized& materialized, const Named& named, const std::string& prefix,
                                   SerdePtr default_agg_serde, StreamAggregateNode::Fns fns) {
    auto& b = *stream.builderState();
    auto state = std::make_shared<Dependent<TableNodeState, K>>();
    state->store_name = materialized.storeName() ? *materialized.storeName() : b.newStoreName(prefix);
    const std::string name = b.nameOr(named, prefix);
    const SerdePtr ks = serdeFor<K>(materialized.keySerde().erased() ? materialized.keySerde().erased()
                                                                     : (grouped_key_serde ? grouped_key_serde : stream.keySerde()), "key");
    const SerdePtr vs = serdeFor<VR>(materialized.valueSerde().erased() ? materialized.valueSerde().erased() : default_agg_serde, "value");
    std::string parent = stream.nodeName();
    if (stream.repartitionRequired()) {
        const SerdePtr rvs = serdeFor<V>(grouped_value_serde ? grouped_value_serde : stream.valueSerde(), "value");
        parent = stream.createRepartitionedSource(grouped_name ? *grouped_name : state->store_name, ks, rvs, nullptr);
    }
    b.template builder<K>().addProcessor(name, [state, ks, vs, fns]() -> std::unique_ptr<ProcessorNode> {
        return std::make_unique<Dependent<StreamAggregateNode, K>>(state, ks, vs, fns);
    }, {parent});
    materializeTable(b, name, *state, storeSpecFrom(materialized, ks, vs));
    TableInfo info{state, [state](bool) { state->send_old_values = true; return true; }};
    KTable<K, VR> table(stream.builderState(), name, ks, vs, info);
    table.setQueryable(materialized.storeName().has_value());
    return table;
}

}  // namespace detail

template <class K, class V>
class KGroupedStream {
public:
    KGroupedStream(KStream<K, V> stream, Grouped grouped) : stream_(std::move(stream)), grouped_(std::move(grouped)) {}

    KTable<K, int64_t> count(const Named& named = {}) const { return countImpl(named, Materialized(), false); }
    KTable<K, int64_t> count(const Materialized& materialized) const { return countImpl(Named(), materialized, true); }
    KTable<K, int64_t> count(const Named& named, const Materialized& materialized) const { return countImpl(named, materialized, true); }

    // reducer(aggregate, value) -> new aggregate; the first value of a key is its first aggregate.
    template <class F>
    KTable<K, V> reduce(F reducer, const Named& named = {}, const Materialized& materialized = {}) const {
        detail::StreamAggregateNode::Fns fns;
        fns.reducer = [reducer](const detail::Box& agg, const detail::Box& v) mutable {
            return detail::Box::of(reducer(detail::unbox<V>(agg), detail::unbox<V>(v)));
        };
        const auto& b = stream_.builderState();
        (void)b;
        return detail::buildStreamAggregate<K, V, V>(stream_, grouped_.name(), grouped_.keySerde().erased(), grouped_.valueSerde().erased(),
                                                     materialized, named, "KSTREAM-REDUCE-",
                                                     grouped_.valueSerde().erased() ? grouped_.valueSerde().erased() : stream_.valueSerde(), fns);
    }
    template <class F>
    KTable<K, V> reduce(F reducer, const Materialized& materialized) const { return reduce(std::move(reducer), Named(), materialized); }

    // initializer() -> first aggregate; aggregator(key, value, aggregate) -> new aggregate.
    template <class I, class A>
    auto aggregate(I initializer, A aggregator, const Named& named = {}, const Materialized& materialized = {}) const {
        using VR = std::decay_t<std::invoke_result_t<I&>>;
        detail::StreamAggregateNode::Fns fns;
        fns.initializer = [initializer]() mutable { return detail::Box::of(initializer()); };
        fns.aggregator = [aggregator](const detail::Box& k, const detail::Box& v, const detail::Box& agg) mutable {
            return detail::Box::of(aggregator(detail::unbox<K>(k), detail::unbox<V>(v), detail::unbox<VR>(agg)));
        };
        return detail::buildStreamAggregate<K, V, VR>(stream_, grouped_.name(), grouped_.keySerde().erased(), grouped_.valueSerde().erased(),
                                                      materialized, named, "KSTREAM-AGGREGATE-", nullptr, fns);
    }
    template <class I, class A>
    auto aggregate(I initializer, A aggregator, const Materialized& materialized) const {
        return aggregate(std::move(initializer), std::move(aggregator), Named(), materialized);
    }

    // Starts a cogrouped aggregation (Kafka's KGroupedStream.cogroup): aggregator(key, value, aggregate) ->
    // aggregate. VOut is the aggregator's third parameter type; spell it out for a generic lambda.
    template <class VOut = void, class A>
    auto cogroup(A aggregator) const {
        using VR = std::conditional_t<std::is_void<VOut>::value, typename detail::AggregateTypeOf<A>, detail::Identity<VOut>>;
        return CogroupedKStream<K, typename VR::type>(stream_.builderState()).cogroup(*this, std::move(aggregator));
    }

    // Internal: what a cogrouped aggregation needs.
    const KStream<K, V>& stream() const noexcept { return stream_; }
    const Grouped& grouped() const noexcept { return grouped_; }

private:
    KTable<K, int64_t> countImpl(const Named& named, const Materialized& materialized, bool with_materialized) const {
        // Kafka burns one index here when count(Materialized) has no store name (topology compatibility).
        if (with_materialized && !materialized.storeName()) stream_.builderState()->newStoreName("KSTREAM-AGGREGATE-");
        detail::StreamAggregateNode::Fns fns;
        fns.initializer = [] { return detail::Box::of(int64_t{0}); };
        fns.aggregator = [](const detail::Box&, const detail::Box&, const detail::Box& agg) {
            return detail::Box::of(agg.get<int64_t>() + 1);
        };
        return detail::buildStreamAggregate<K, V, int64_t>(stream_, grouped_.name(), grouped_.keySerde().erased(), grouped_.valueSerde().erased(),
                                                           materialized, named, "KSTREAM-AGGREGATE-", detail::erasedSerde<int64_t>(), fns);
    }

    KStream<K, V> stream_;
    Grouped grouped_;
};

// ---- CogroupedKStream ----------------------------------------------------------------------------------------
// Kafka's CogroupedKStream: several grouped streams (same key type, any value types) aggregated into one
// table. Each stream gets its own aggregate processor (COGROUPKSTREAM-AGGREGATE-n, or <name>-cogroup-agg-i),
// all sharing one store; a pass-through merge processor (COGROUPKSTREAM-MERGE-n, or <name>-cogroup-merge)
// is the resulting table's node.
template <class K, class VOut>
class CogroupedKStream {
public:
    explicit CogroupedKStream(std::shared_ptr<detail::BuilderState> b) : b_(std::move(b)) {}

    // Adds a grouped stream with its aggregator(key, value, aggregate) -> aggregate.
    template <class VIn, class A>
    CogroupedKStream& cogroup(const KGroupedStream<K, VIn>& grouped, A aggregator) {
        const KStream<K, VIn>& s = grouped.stream();
        Input in;
        in.node = s.nodeName();
        in.repartition_required = s.repartitionRequired();
        in.repartition_name = grouped.grouped().name();
        in.key_serde = detail::serdeFor<K>(s.keySerde(), "key");
        in.create_repartition = [s, vs = detail::serdeFor<VIn>(s.valueSerde(), "value")](const std::string& prefix, const detail::SerdePtr& ks) {
            return s.createRepartitionedSource(prefix, ks, vs, nullptr);
        };
        in.aggregator = [aggregator](const detail::Box& k, const detail::Box& v, const detail::Box& agg) mutable {
            return detail::Box::of(aggregator(detail::unbox<K>(k), detail::unbox<VIn>(v), detail::unbox<VOut>(agg)));
        };
        inputs_.push_back(std::move(in));
        return *this;
    }

    // initializer() -> the first aggregate of a key.
    template <class I>
    KTable<K, VOut> aggregate(I initializer, const Named& named = {}, const Materialized& materialized = {}) const {
        return build(std::function<detail::Box()>([initializer]() mutable { return detail::Box::of(initializer()); }), named,
                     materialized);
    }
    template <class I>
    KTable<K, VOut> aggregate(I initializer, const Materialized& materialized) const {
        return aggregate(std::move(initializer), Named(), materialized);
    }

private:
    struct Input {
        std::string node;
        bool repartition_required = false;
        std::optional<std::string> repartition_name;
        detail::SerdePtr key_serde;
        std::function<std::string(const std::string& prefix, const detail::SerdePtr& key_serde)> create_repartition;
        std::function<detail::Box(const detail::Box&, const detail::Box&, const detail::Box&)> aggregator;
    };

    // Kafka's CogroupedStreamAggregateBuilder: the store name, the repartition topics (each burns three
    // indices), one aggregate processor per input (the first one adds the store), then the merge processor.
    template <class D = void>
    KTable<K, VOut> build(std::function<detail::Box()> initializer, const Named& named, const Materialized& materialized) const {
        auto& b = *b_;
        auto state = std::make_shared<detail::Dependent<detail::TableNodeState, D>>();
        state->store_name = materialized.storeName() ? *materialized.storeName() : b.newStoreName("COGROUPKSTREAM-AGGREGATE-");
        const detail::SerdePtr ks = detail::serdeFor<K>(materialized.keySerde().erased() ? materialized.keySerde().erased() : inputs_.front().key_serde, "key");
        const detail::SerdePtr vs = detail::serdeFor<VOut>(materialized.valueSerde().erased(), "value");
        std::vector<std::string> parents, copartitioned;
        for (const auto& in : inputs_) {
            parents.push_back(in.repartition_required
                                  ? in.create_repartition(in.repartition_name ? *in.repartition_name : state->store_name, in.key_serde)
                                  : in.node);
            // As Kafka: the grouped streams' own source nodes, also for an input that is repartitioned.
            for (const auto& source : b.builder<K>().sourceNodesOf(in.node)) copartitioned.push_back(source);
        }
        b.builder<K>().copartitionSources(copartitioned);
        std::vector<std::string> aggregates;
        for (size_t i = 0; i < inputs_.size(); ++i) {
            const std::string name = b.suffixedNameOr(named.name(), "-cogroup-agg-" + std::to_string(i), "COGROUPKSTREAM-AGGREGATE-");
            detail::StreamAggregateNode::Fns fns;
            fns.initializer = initializer;
            fns.aggregator = inputs_[i].aggregator;
            b.builder<K>().addProcessor(name, [state, ks, vs, fns]() -> std::unique_ptr<detail::ProcessorNode> {
                return std::make_unique<detail::Dependent<detail::StreamAggregateNode, K>>(state, ks, vs, fns);
            }, {parents[i]});
            if (i == 0) detail::materializeTable(b, name, *state, detail::storeSpecFrom(materialized, ks, vs));
            else b.builder<K>().connectProcessorAndStateStore(name, state->store_name);
            aggregates.push_back(name);
        }
        const std::string merge = b.suffixedNameOr(named.name(), "-cogroup-merge", "COGROUPKSTREAM-MERGE-");
        b.builder<K>().addProcessor(merge, [] { return std::make_unique<detail::Dependent<detail::PassThroughNode, K>>(); }, aggregates);
        detail::TableInfo info{state, [state](bool) { state->send_old_values = true; return true; }};
        KTable<K, VOut> table(b_, merge, ks, vs, info);
        table.setQueryable(materialized.storeName().has_value());
        return table;
    }

    std::shared_ptr<detail::BuilderState> b_;
    std::vector<Input> inputs_;
};

template <class K, class V>
KGroupedStream<K, V> KStream<K, V>::groupByKey(const Grouped& grouped) const {
    KStream<K, V> s(b_, name_, grouped.keySerde().erased() ? detail::serdeFor<K>(grouped.keySerde().erased(), "key") : key_serde_,
                    grouped.valueSerde().erased() ? detail::serdeFor<V>(grouped.valueSerde().erased(), "value") : value_serde_,
                    repartition_required_);
    return KGroupedStream<K, V>(s, grouped);
}

template <class K, class V>
template <class F>
auto KStream<K, V>::groupBy(F selector, const Grouped& grouped) const {
    using KR = std::decay_t<std::invoke_result_t<F&, detail::ArgT<K>, detail::ArgT<V>>>;
    const std::string name = b_->nameOr(grouped.name(), "KSTREAM-KEY-SELECT-");
    addStateless(name, [selector](const detail::StreamRecord& r, detail::ProcessorNode& n) mutable {
        detail::StreamRecord out{detail::Box::of(selector(detail::unbox<K>(r.key), detail::unbox<V>(r.value))), r.value, r.timestamp, detail::copyHeaders(r.headers)};
        n.forward(out);
    });
    KStream<KR, V> s(b_, name, grouped.keySerde().erased() ? detail::serdeFor<KR>(grouped.keySerde().erased(), "key") : nullptr,
                     grouped.valueSerde().erased() ? detail::serdeFor<V>(grouped.valueSerde().erased(), "value") : value_serde_, true);
    return KGroupedStream<KR, V>(s, grouped);
}

template <class K, class V>
KTable<K, V> KStream<K, V>::toTable(const Named& named, const Materialized& materialized) const {
    const std::string name = b_->nameOr(named, "KSTREAM-TOTABLE-");
    auto state = std::make_shared<detail::Dependent<detail::TableNodeState, K>>();
    state->store_name = materialized.storeName() ? *materialized.storeName() : b_->newStoreName("KSTREAM-TOTABLE-");
    const auto ks = detail::serdeFor<K>(materialized.keySerde().erased() ? materialized.keySerde().erased() : key_serde_, "key");
    const auto vs = detail::serdeFor<V>(materialized.valueSerde().erased() ? materialized.valueSerde().erased() : value_serde_, "value");
    std::string parent = name_;
    if (repartition_required_) parent = createRepartitionedSource(name, ks, vs, nullptr);
    b_->builder<K>().addProcessor(name, [state, ks, vs]() -> std::unique_ptr<detail::ProcessorNode> {
        return std::make_unique<detail::Dependent<detail::TableSourceNode, K>>(state, ks, vs);
    }, {parent});
    const detail::StoreSpec spec = detail::storeSpecFrom(materialized, ks, vs);
    if (materialized.storeName()) detail::materializeTable(*b_, name, *state, spec);
    auto b = b_;
    detail::TableInfo info{state, [b, name, state, spec](bool force) {
        if (!force && !state->materialized) return false;
        detail::materializeTable(*b, name, *state, spec);
        state->send_old_values = true;
        return true;
    }};
    KTable<K, V> table(b_, name, ks, vs, info);
    table.setQueryable(materialized.storeName().has_value());
    return table;
}

template <class K, class V>
class KGroupedTable {
public:
    KGroupedTable(std::shared_ptr<detail::BuilderState> b, std::string select_name, Grouped grouped, detail::SerdePtr key_serde,
                  detail::SerdePtr value_serde)
        : b_(std::move(b)), select_(std::move(select_name)), grouped_(std::move(grouped)), key_serde_(std::move(key_serde)),
          value_serde_(std::move(value_serde)) {}

    KTable<K, int64_t> count(const Named& named = {}, const Materialized& materialized = {}) const {
        detail::TableAggregateNode::Fns fns;
        fns.initializer = [] { return detail::Box::of(int64_t{0}); };
        fns.adder = [](const detail::Box&, const detail::Box&, const detail::Box& agg) { return detail::Box::of(agg.get<int64_t>() + 1); };
        fns.subtractor = [](const detail::Box&, const detail::Box&, const detail::Box& agg) { return detail::Box::of(agg.get<int64_t>() - 1); };
        return build<int64_t>(named, materialized, "KTABLE-AGGREGATE-", detail::erasedSerde<int64_t>(), fns);
    }
    KTable<K, int64_t> count(const Materialized& materialized) const { return count(Named(), materialized); }

    // adder(aggregate, new value), subtractor(aggregate, old value).
    template <class A, class S>
    KTable<K, V> reduce(A adder, S subtractor, const Named& named = {}, const Materialized& materialized = {}) const {
        detail::TableAggregateNode::Fns fns;
        fns.add_reducer = [adder](const detail::Box& agg, const detail::Box& v) mutable {
            return detail::Box::of(adder(detail::unbox<V>(agg), detail::unbox<V>(v)));
        };
        fns.remove_reducer = [subtractor](const detail::Box& agg, const detail::Box& v) mutable {
            return detail::Box::of(subtractor(detail::unbox<V>(agg), detail::unbox<V>(v)));
        };
        return build<V>(named, materialized, "KTABLE-REDUCE-", value_serde_, fns);
    }
    template <class A, class S>
    KTable<K, V> reduce(A adder, S subtractor, const Materialized& materialized) const {
        return reduce(std::move(adder), std::move(subtractor), Named(), materialized);
    }

    // initializer() -> aggregate; adder(key, new value, aggregate); subtractor(key, old value, aggregate).
    template <class I, class A, class S>
    auto aggregate(I initializer, A adder, S subtractor, const Named& named = {}, const Materialized& materialized = {}) const {
        using VR = std::decay_t<std::invoke_result_t<I&>>;
        detail::TableAggregateNode::Fns fns;
        fns.initializer = [initializer]() mutable { return detail::Box::of(initializer()); };
        fns.adder = [adder](const detail::Box& k, const detail::Box& v, const detail::Box& agg) mutable {
            return detail::Box::of(adder(detail::unbox<K>(k), detail::unbox<V>(v), detail::unbox<VR>(agg)));
        };
        fns.subtractor = [subtractor](const detail::Box& k, const detail::Box& v, const detail::Box& agg) mutable {
            return detail::Box::of(subtractor(detail::unbox<K>(k), detail::unbox<V>(v), detail::unbox<VR>(agg)));
        };
        return build<VR>(named, materialized, "KTABLE-AGGREGATE-", nullptr, fns);
    }
    template <class I, class A, class S>
    auto aggregate(I initializer, A adder, S subtractor, const Materialized& materialized) const {
        return aggregate(std::move(initializer), std::move(adder), std::move(subtractor), Named(), materialized);
    }

private:
    // Kafka's KGroupedTableImpl.doAggregate: store name, then sink and source of the repartition topic
    // `<grouped name or store name>-repartition` (no filter node), then the aggregate processor.
    template <class VR>
    KTable<K, VR> build(const Named& named, const Materialized& materialized, const std::string& func_prefix,
                        detail::SerdePtr default_agg_serde, detail::TableAggregateNode::Fns fns) const {
        auto state = std::make_shared<detail::Dependent<detail::TableNodeState, K>>();
        state->store_name = materialized.storeName() ? *materialized.storeName() : b_->newStoreName("KTABLE-AGGREGATE-");
        const std::string sink = b_->suffixedNameOr(named.name(), "-sink", "KSTREAM-SINK-");
        const std::string source = b_->suffixedNameOr(named.name(), "-source", "KSTREAM-SOURCE-");
        const std::string func = b_->nameOr(named, func_prefix);
        const std::string topic = (grouped_.name() ? *grouped_.name() : state->store_name) + "-repartition";
        const auto ks = detail::serdeFor<K>(materialized.keySerde().erased() ? materialized.keySerde().erased() : key_serde_, "key");
        const auto vs = detail::serdeFor<VR>(materialized.valueSerde().erased() ? materialized.valueSerde().erased() : default_agg_serde, "value");
        const auto changed = std::make_shared<detail::Dependent<detail::ChangedSerde, K>>(detail::serdeFor<V>(value_serde_, "value"));
        auto& t = b_->builder<K>();
        t.addInternalTopic(topic);
        t.addSink(sink, topic, nullptr, ks, changed, nullptr, {select_});
        t.addSource(source, {topic}, ks, changed);
        t.addProcessor(func, [state, ks, vs, fns]() -> std::unique_ptr<detail::ProcessorNode> {
            return std::make_unique<detail::Dependent<detail::TableAggregateNode, K>>(state, ks, vs, fns);
        }, {source});
        detail::materializeTable(*b_, func, *state, detail::storeSpecFrom(materialized, ks, vs));
        detail::TableInfo info{state, [state](bool) { state->send_old_values = true; return true; }};
        KTable<K, VR> table(b_, func, ks, vs, info);
        table.setQueryable(materialized.storeName().has_value());
        return table;
    }

    std::shared_ptr<detail::BuilderState> b_;
    std::string select_;
    Grouped grouped_;
    detail::SerdePtr key_serde_, value_serde_;
};

template <class K, class V>
template <class F>
auto KTable<K, V>::groupBy(F selector, const Grouped& grouped) const {
    using KV = std::decay_t<std::invoke_result_t<F&, detail::ArgT<K>, detail::ArgT<V>>>;
    using KR = typename detail::KeyValueTypes<KV>::Key;
    using VR = typename detail::KeyValueTypes<KV>::Value;
    const std::string name = b_->nameOr(grouped.name(), "KTABLE-SELECT-");
    info_.enable_sending_old_values(true);
    auto mapper = [selector](const detail::Box& k, const detail::Box& v) mutable {
        KV kv = selector(detail::unbox<K>(k), detail::unbox<V>(v));
        return std::make_pair(detail::Box::of(std::move(kv.key)), detail::Box::of(std::move(kv.value)));
    };
    auto equals = [](const detail::Box& a, const detail::Box& b) {
        return a.get<detail::BoxedT<KR>>() == b.get<detail::BoxedT<KR>>();
    };
    b_->builder<K>().addProcessor(name, [mapper, equals]() -> std::unique_ptr<detail::ProcessorNode> {
        return std::make_unique<detail::Dependent<detail::TableRepartitionMapNode, K>>(mapper, equals);
    }, {name_});
    auto ks = grouped.keySerde().erased() ? detail::serdeFor<KR>(grouped.keySerde().erased(), "key") : detail::erasedSerde<KR>();
    auto vs = grouped.valueSerde().erased() ? detail::serdeFor<VR>(grouped.valueSerde().erased(), "value") : detail::erasedSerde<VR>();
    return KGroupedTable<KR, VR>(b_, name, grouped, ks, vs);
}

// ---- StreamsBuilder ---------------------------------------------------------------------------------------------
class StreamsBuilder {
public:
    // (The constructor and addStateStore() are templates only so that they are compiled when used: see "Include
    // cost" in docs/performance.md.)
    template <class D = void>
    StreamsBuilder() : b_(std::make_shared<detail::BuilderState>()) {
        b_->topology = std::make_shared<detail::InternalTopologyBuilderImpl<D>>();
    }

    // A stream of topic's records, deserialized as K and V (Serde<K>/Serde<V>, or Consumed's serdes).
    template <class K, class V>
    KStream<K, V> stream(const std::string& topic, const Consumed& consumed = {}) {
        return stream<K, V>(std::vector<std::string>{topic}, consumed);
    }
    template <class K, class V>
    KStream<K, V> stream(const std::vector<std::string>& topics, const Consumed& consumed = {}) {
        return streamImpl<K, V>(topics, nullptr, consumed);
    }
    // `stream<K, V>({"a", "b"})`, as Java's `stream(List.of("a", "b"))`: without this overload the braces could
    // also make a std::string or a Pattern, and the call would be ambiguous.
    template <class K, class V>
    KStream<K, V> stream(std::initializer_list<std::string> topics, const Consumed& consumed = {}) {
        return streamImpl<K, V>(std::vector<std::string>(topics), nullptr, consumed);
    }
    // A stream of every topic whose whole name matches the pattern (Java's Pattern; see core/pattern.hpp).
    template <class K, class V>
    KStream<K, V> stream(const Pattern& pattern, const Consumed& consumed = {}) {
        return streamImpl<K, V>({}, std::make_shared<const detail::Dependent<Pattern, K>>(pattern), consumed);
    }

    // A table of topic's latest value per key (a null value deletes the key).
    template <class K, class V>
    KTable<K, V> table(const std::string& topic, const Consumed& consumed = {}, const Materialized& materialized = {}) {
        auto state = std::make_shared<detail::Dependent<detail::TableNodeState, K>>();
        state->store_name = materialized.storeName() ? *materialized.storeName() : b_->newStoreName(topic + "-");
        const std::string source = b_->suffixedNameOr(consumed.name(), "-source", "KSTREAM-SOURCE-");
        const std::string name = b_->nameOr(consumed.name(), "KTABLE-SOURCE-");
        auto ks = detail::serdeFor<K>(materialized.keySerde().erased() ? materialized.keySerde().erased() : consumed.keySerde().erased(), "key");
        auto vs = detail::serdeFor<V>(materialized.valueSerde().erased() ? materialized.valueSerde().erased() : consumed.valueSerde().erased(), "value");
        b_->builder<K>().addSource(source, {topic}, ks, vs);
        b_->builder<K>().mutableNode(source)->timestamp_extractor = consumed.timestampExtractor();
        b_->builder<K>().addProcessor(name, [state, ks, vs]() -> std::unique_ptr<detail::ProcessorNode> {
            return std::make_unique<detail::Dependent<detail::TableSourceNode, K>>(state, ks, vs);
        }, {source});
        const detail::StoreSpec spec = detail::storeSpecFrom(materialized, ks, vs);
        if (materialized.storeName()) detail::materializeTable(*b_, name, *state, spec);
        auto b = b_;
        detail::TableInfo info{state, [b, name, state, spec](bool force) {
            if (!force && !state->materialized) return false;
            detail::materializeTable(*b, name, *state, spec);
            state->send_old_values = true;
            return true;
        }};
        KTable<K, V> t(b_, name, ks, vs, info);
        t.setQueryable(materialized.storeName().has_value());
        return t;
    }
    template <class K, class V>
    KTable<K, V> table(const std::string& topic, const Materialized& materialized) {
        return table<K, V>(topic, Consumed(), materialized);
    }

    // A table every task holds in full (a global store, read from all partitions of topic).
    template <class K, class V>
    GlobalKTable<K, V> globalTable(const std::string& topic, const Consumed& consumed = {}, const Materialized& materialized = {}) {
        const std::string store = materialized.storeName() ? *materialized.storeName() : b_->newStoreName(topic + "-");
        const std::string source = b_->suffixedNameOr(consumed.name(), "-source", "KSTREAM-SOURCE-");
        const std::string name = b_->nameOr(consumed.name(), "KTABLE-SOURCE-");
        auto ks = detail::serdeFor<K>(materialized.keySerde().erased() ? materialized.keySerde().erased() : consumed.keySerde().erased(), "key");
        auto vs = detail::serdeFor<V>(materialized.valueSerde().erased() ? materialized.valueSerde().erased() : consumed.valueSerde().erased(), "value");
        detail::StoreSpec spec = detail::storeSpecFrom(materialized.withLoggingDisabled(), ks, vs);
        spec.name = store;
        auto state = std::make_shared<detail::Dependent<detail::TableNodeState, K>>();
        state->store_name = store;
        state->materialized = true;
        b_->builder<K>().addGlobalStore(spec, source, topic, ks, vs, name, [state, ks, vs]() -> std::unique_ptr<detail::ProcessorNode> {
            return std::make_unique<detail::Dependent<detail::TableSourceNode, K>>(state, ks, vs);
        });
        b_->builder<K>().mutableNode(source)->timestamp_extractor = consumed.timestampExtractor();
        return GlobalKTable<K, V>(store, materialized.storeName().has_value());
    }
    template <class K, class V>
    GlobalKTable<K, V> globalTable(const std::string& topic, const Materialized& materialized) {
        return globalTable<K, V>(topic, Consumed(), materialized);
    }

    // Adds a store for Processor API operators (connect it by naming it in process()).
    template <class D = void>
    StreamsBuilder& addStateStore(const StoreBuilder& store) {
        b_->builder<D>().addStateStore(store.spec(), {});
        return *this;
    }

    // The topology built so far (the builder keeps building into the same topology). (Templates only so that they
    // are compiled when used.)
    template <class D = void>
    Topology build() {
        b_->builder<D>().validateCopartition();
        return Topology(b_->topology);
    }
    template <class D = void>
    Topology build(const Properties& /*props*/) { return build<D>(); }

private:
    template <class K, class V>
    KStream<K, V> streamImpl(const std::vector<std::string>& topics, std::shared_ptr<const Pattern> pattern, const Consumed& consumed) {
        const std::string name = b_->nameOr(consumed.name(), "KSTREAM-SOURCE-");
        auto ks = detail::serdeFor<K>(consumed.keySerde().erased(), "key");
        auto vs = detail::serdeFor<V>(consumed.valueSerde().erased(), "value");
        b_->builder<K>().addSource(name, topics, ks, vs, std::move(pattern));
        b_->builder<K>().mutableNode(name)->timestamp_extractor = consumed.timestampExtractor();
        return KStream<K, V>(b_, name, ks, vs, false);
    }

    std::shared_ptr<detail::BuilderState> b_;
};

}  // namespace kstream_sim

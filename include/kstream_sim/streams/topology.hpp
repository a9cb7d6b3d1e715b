// Topology: Kafka's Topology class for the Processor API, and describe().
//
// Kafka's Topology class, for building a processor graph by hand (the Processor API) and for
// describe(). StreamsBuilder::build() returns one too.
//
//   Topology t;
//   t.addSource("Source", "input")
//    .addProcessor("Process", [] { return std::make_unique<MyProcessor>(); }, "Source")
//    .addStateStore(Stores::keyValueStoreBuilder<std::string, int64_t>(Stores::inMemoryKeyValueStore("counts")), "Process")
//    .addSink("Sink", "output", "Process");
//
// A source or sink given no serdes uses default.key.serde / default.value.serde from the configuration, as
// in Kafka; typed serdes (Serdes::String(), ...) can be passed instead.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "processor_api.hpp"
#include "topology_builder.hpp"

namespace kstream_sim {

class Topology {
public:
    // (The constructor and describe() are templates only so that they are compiled when used: see "Include
    // cost" in docs/performance.md.)
    template <class D = void>
    Topology() : builder_(std::make_shared<detail::InternalTopologyBuilderImpl<D>>()) {}
    explicit Topology(std::shared_ptr<detail::InternalTopologyBuilder> builder) : builder_(std::move(builder)) {}

    template <class... Topics>
    Topology& addSource(const std::string& name, const std::string& topic, const Topics&... topics) {
        builder<Topics...>().addSource(name, {topic, std::string(topics)...}, nullptr, nullptr);
        return *this;
    }
    template <class... Topics>
    Topology& addSource(const std::string& name, const AnySerde& key_serde, const AnySerde& value_serde, const std::string& topic,
                        const Topics&... topics) {
        builder<Topics...>().addSource(name, {topic, std::string(topics)...}, key_serde.erased(), value_serde.erased());
        return *this;
    }

    // A source of every topic whose whole name matches the pattern.
    template <class D = void>
    Topology& addSource(const std::string& name, const detail::PatternImpl<D>& pattern) {
        builder<D>().addSource(name, {}, nullptr, nullptr, std::make_shared<const detail::PatternImpl<D>>(pattern));
        return *this;
    }
    template <class D = void>
    Topology& addSource(const std::string& name, const AnySerde& key_serde, const AnySerde& value_serde, const detail::PatternImpl<D>& pattern) {
        builder<D>().addSource(name, {}, key_serde.erased(), value_serde.erased(), std::make_shared<const detail::PatternImpl<D>>(pattern));
        return *this;
    }

    // supplier: a callable returning std::unique_ptr<P> for a P deriving from Processor<KIn, VIn, KOut, VOut>.
    template <class Supplier, class... Parents>
    Topology& addProcessor(const std::string& name, Supplier supplier, const std::string& parent, const Parents&... parents) {
        builder<Supplier>().addProcessor(name, detail::adapterFactory(std::move(supplier)), {parent, std::string(parents)...});
        return *this;
    }

    template <class... Parents>
    Topology& addSink(const std::string& name, const std::string& topic, const std::string& parent, const Parents&... parents) {
        builder<Parents...>().addSink(name, topic, nullptr, nullptr, nullptr, nullptr, {parent, std::string(parents)...});
        return *this;
    }
    template <class... Parents>
    Topology& addSink(const std::string& name, const std::string& topic, const AnySerde& key_serde, const AnySerde& value_serde,
                      const std::string& parent, const Parents&... parents) {
        builder<Parents...>().addSink(name, topic, nullptr, key_serde.erased(), value_serde.erased(), nullptr,
                          {parent, std::string(parents)...});
        return *this;
    }

    template <class... Processors>
    Topology& addStateStore(const StoreBuilder& store, const Processors&... processors) {
        builder<Processors...>().addStateStore(store.spec(), {std::string(processors)...});
        return *this;
    }
    template <class... Stores>
    Topology& connectProcessorAndStateStores(const std::string& processor, const Stores&... stores) {
        if (sizeof...(Stores) == 0) throw TopologyException("Must provide at least one state store name.");
        for (const std::string& s : {std::string(stores)...}) builder<Stores...>().connectProcessorAndStateStore(processor, s);
        return *this;
    }

    // A global store: every task sees all of `topic`; the processor (from supplier) maintains the store.
    template <class Supplier>
    Topology& addGlobalStore(const StoreBuilder& store, const std::string& source_name, const AnySerde& key_serde,
                             const AnySerde& value_serde, const std::string& topic, const std::string& processor_name,
                             Supplier supplier) {
        builder<Supplier>().addGlobalStore(store.spec(), source_name, topic, key_serde.erased(), value_serde.erased(), processor_name,
                                 detail::adapterFactory(std::move(supplier)));
        return *this;
    }

    template <class D = void>
    detail::TopologyDescriptionImpl<D> describe() const { return builder<D>().describe(); }  // a TopologyDescription

    const std::shared_ptr<detail::InternalTopologyBuilder>& internalBuilder() const noexcept { return builder_; }

private:
    // The builder, named through the calling member template's parameters (Dep...), so that its class is built
    // only in programs that call them.
    template <class... Dep>
    detail::Dependent<detail::InternalTopologyBuilder, Dep...>& builder() const { return *builder_.get(); }

    std::shared_ptr<detail::InternalTopologyBuilder> builder_;
};

}  // namespace kstream_sim

// The topology builder: nodes, stores, sub-topologies, and describe() in Kafka's exact text.
//
// The topology as Kafka's InternalTopologyBuilder keeps it: sources, processors, sinks, state stores and
// global stores by name; sub-topologies; and describe() with Kafka's exact text.
//
// A node here is a definition (what to build for each task), not a running processor; StreamTask (in
// stream_task.hpp) instantiates the definitions of its sub-topologies. Both the DSL (StreamsBuilder) and
// the Processor API (Topology::addSource/addProcessor/addSink) write into this one builder, as in Kafka.
//
// describe() reproduces Kafka's TopologyDescription.toString() byte for byte, including its accidental
// orderings: nodes sorted by sub-tree size then name; successor/predecessor lists as Java TreeSets filled
// while sizes are still growing (a faithful red-black tree replays that); store and topic sets in Java
// HashSet order. See KAFKA_NOTES section 2.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../core/algorithms.hpp"
#include "../core/dependent.hpp"
#include "../core/hashing.hpp"
#include "../core/pattern.hpp"
#include "state_stores.hpp"
#include "timestamp_extractor.hpp"
#include "values.hpp"

namespace kstream_sim {

// ---- TopologyDescription: what describe() returns ---------------------------------------------------------------
// A class template only so that it (its vectors, its printing) is compiled when used; the type is
// TopologyDescription (compiler messages say detail::TopologyDescriptionImpl<>).
namespace detail {
template <class D = void>
class TopologyDescriptionImpl {
public:
    struct Node {
        enum class Kind { Source, Processor, Sink };
        Kind kind = Kind::Processor;
        std::string name;
        std::vector<std::string> topics;  // Source: the topic set, in the order Kafka prints it
        std::string topicPattern;         // Source subscribed by pattern (topics empty)
        std::vector<std::string> stores;  // Processor: connected stores, in the order Kafka prints them
        std::string topic;                // Sink: the topic ("" when an extractor decides)
        std::string extractor;            // Sink: the extractor's description
        std::vector<std::string> predecessors;
        std::vector<std::string> successors;

        std::string toString() const {
            std::string s;
            switch (kind) {
                case Kind::Source:
                    s = "Source: " + name + " (topics: " + (topics.empty() ? topicPattern : setString(topics)) +
                        ")\n      --> " + names(successors);
                    break;
                case Kind::Processor:
                    s = "Processor: " + name + " (stores: " + setString(stores) + ")\n      --> " + names(successors) +
                        "\n      <-- " + names(predecessors);
                    break;
                case Kind::Sink:
                    s = "Sink: " + name + (extractor.empty() ? " (topic: " + topic : " (extractor class: " + extractor) +
                        ")\n      <-- " + names(predecessors);
                    break;
            }
            return s;
        }
        static std::string setString(const std::vector<std::string>& items) {
            std::string s = "[";
            for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
            return s + "]";
        }
        static std::string names(const std::vector<std::string>& items) {
            if (items.empty()) return "none";
            std::string s;
            for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
            return s;
        }
    };
    struct Subtopology {
        int id = 0;
        std::vector<Node> nodes;  // in Kafka's print order
        std::string toString() const {
            std::string s = "Sub-topology: " + std::to_string(id) + "\n";
            for (const auto& n : nodes) s += "    " + n.toString() + "\n";
            return s + "\n";
        }
    };
    struct GlobalStore {
        int id = 0;
        Node source;
        Node processor;
        std::string toString() const {
            return "Sub-topology: " + std::to_string(id) + " for global store (will not generate tasks)\n    " +
                   source.toString() + "\n    " + processor.toString() + "\n";
        }
    };

    const std::vector<Subtopology>& subtopologies() const noexcept { return subtopologies_; }
    const std::vector<GlobalStore>& globalStores() const noexcept { return global_stores_; }

    // Kafka's text: "Topologies:\n " then each block, in id order, each preceded by two spaces.
    std::string toString() const {
        std::string s = "Topologies:\n ";
        size_t i = 0, j = 0;
        while (i < subtopologies_.size() || j < global_stores_.size()) {
            s += "  ";
            if (j >= global_stores_.size() || (i < subtopologies_.size() && subtopologies_[i].id < global_stores_[j].id))
                s += subtopologies_[i++].toString();
            else
                s += global_stores_[j++].toString();
        }
        return s;
    }
    friend std::ostream& operator<<(std::ostream& out, const TopologyDescriptionImpl& d) { return out << d.toString(); }
    friend bool operator==(const TopologyDescriptionImpl& a, const std::string& b) { return a.toString() == b; }

    std::vector<Subtopology>& mutableSubtopologies() noexcept { return subtopologies_; }
    std::vector<GlobalStore>& mutableGlobalStores() noexcept { return global_stores_; }

private:
    std::vector<Subtopology> subtopologies_;
    std::vector<GlobalStore> global_stores_;
};
}  // namespace detail

using TopologyDescription = detail::TopologyDescriptionImpl<>;

namespace detail {

// Java's HashSet/HashMap iteration order for strings: by bucket ((h ^ h>>>16) & (capacity-1)), then by
// insertion order within a bucket; capacity 16, doubling whenever size exceeds three quarters of it.
// (Templates here and below only so that they are compiled when used: see "Include cost" in docs/performance.md.)
template <class D = void>
std::vector<size_t> javaHashOrder(const std::vector<std::string>& inserted) {
    size_t capacity = 16;
    while (inserted.size() > capacity * 3 / 4) capacity *= 2;
    std::vector<Dependent<std::pair<size_t, size_t>, D>> keyed;  // (bucket, position); through D: built only when used
    for (size_t i = 0; i < inserted.size(); ++i) {
        const uint32_t h = static_cast<uint32_t>(javaStringHashCode(inserted[i]));
        keyed.emplace_back((h ^ (h >> 16)) & (capacity - 1), i);
    }
    detail::stableSort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<size_t> order;
    for (const auto& k : keyed) order.push_back(k.second);
    return order;
}
template <class D = void>
std::vector<std::string> javaHashSetOrder(const std::vector<std::string>& inserted) {
    std::vector<std::string> unique;
    for (const auto& s : inserted)
        if (std::find(unique.begin(), unique.end(), s) == unique.end()) unique.push_back(s);
    std::vector<std::string> out;
    for (size_t i : javaHashOrder(unique)) out.push_back(unique[i]);
    return out;
}

// A java.util.TreeMap<String, Integer>'s toString(): "{a=1, b=2}" (std::map orders keys as TreeMap does for ASCII).
template <class D = void>
std::string javaMapString(const Dependent<std::map<std::string, int32_t>, D>& m) {
    std::string s = "{";
    for (const auto& [k, v] : m) s += (s.size() > 1 ? ", " : "") + k + "=" + std::to_string(v);
    return s + "}";
}

// java.util.TreeMap's red-black insertion, replayed with a comparator whose answers may change over time
// (Kafka's NodeComparator reads sub-tree sizes that grow while describe() is still adding edges). The
// in-order walk afterwards gives the order Kafka prints.
template <class D = void>
class JavaTreeSetImpl {
public:
    // compare(a, b) < 0 when a sorts before b; 0 means "already present".
    template <class Compare>
    void add(int item, Compare&& compare) {
        if (root_ < 0) {
            root_ = newNode(item, -1);
            return;
        }
        int t = root_, parent = -1, cmp = 0;
        do {
            parent = t;
            cmp = compare(item, nodes_[t].item);
            if (cmp < 0) t = nodes_[t].left;
            else if (cmp > 0) t = nodes_[t].right;
            else return;
        } while (t >= 0);
        const int e = newNode(item, parent);
        if (cmp < 0) nodes_[parent].left = e;
        else nodes_[parent].right = e;
        fixAfterInsertion(e);
    }
    std::vector<int> inOrder() const {
        std::vector<int> out;
        walk(root_, out);
        return out;
    }
    size_t size() const noexcept { return nodes_.size(); }
    template <class F>
    void forEach(F&& f) const {
        for (const auto& n : nodes_) f(n.item);
    }

private:
    struct N {
        int item, left = -1, right = -1, parent = -1;
        bool black = false;
    };
    int newNode(int item, int parent) {
        N n;
        n.item = item;
        n.parent = parent;
        n.black = parent < 0;
        nodes_.push_back(n);
        return static_cast<int>(nodes_.size()) - 1;
    }
    void walk(int n, std::vector<int>& out) const {
        if (n < 0) return;
        walk(nodes_[n].left, out);
        out.push_back(nodes_[n].item);
        walk(nodes_[n].right, out);
    }
    int parentOf(int n) const { return n < 0 ? -1 : nodes_[n].parent; }
    int leftOf(int n) const { return n < 0 ? -1 : nodes_[n].left; }
    int rightOf(int n) const { return n < 0 ? -1 : nodes_[n].right; }
    bool isBlack(int n) const { return n < 0 || nodes_[n].black; }
    void setBlack(int n, bool black) {
        if (n >= 0) nodes_[n].black = black;
    }
    void rotateLeft(int p) {
        if (p < 0) return;
        int r = nodes_[p].right;
        nodes_[p].right = nodes_[r].left;
        if (nodes_[r].left >= 0) nodes_[nodes_[r].left].parent = p;
        nodes_[r].parent = nodes_[p].parent;
        if (nodes_[p].parent < 0) root_ = r;
        else if (nodes_[nodes_[p].parent].left == p) nodes_[nodes_[p].parent].left = r;
        else nodes_[nodes_[p].parent].right = r;
        nodes_[r].left = p;
        nodes_[p].parent = r;
    }
    void rotateRight(int p) {
        if (p < 0) return;
        int l = nodes_[p].left;
        nodes_[p].left = nodes_[l].right;
        if (nodes_[l].right >= 0) nodes_[nodes_[l].right].parent = p;
        nodes_[l].parent = nodes_[p].parent;
        if (nodes_[p].parent < 0) root_ = l;
        else if (nodes_[nodes_[p].parent].right == p) nodes_[nodes_[p].parent].right = l;
        else nodes_[nodes_[p].parent].left = l;
        nodes_[l].right = p;
        nodes_[p].parent = l;
    }
    void fixAfterInsertion(int x) {
        nodes_[x].black = false;
        while (x >= 0 && x != root_ && !isBlack(nodes_[x].parent)) {
            if (parentOf(x) == leftOf(parentOf(parentOf(x)))) {
                int y = rightOf(parentOf(parentOf(x)));
                if (!isBlack(y)) {
                    setBlack(parentOf(x), true);
                    setBlack(y, true);
                    setBlack(parentOf(parentOf(x)), false);
                    x = parentOf(parentOf(x));
                } else {
                    if (x == rightOf(parentOf(x))) {
                        x = parentOf(x);
                        rotateLeft(x);
                    }
                    setBlack(parentOf(x), true);
                    setBlack(parentOf(parentOf(x)), false);
                    rotateRight(parentOf(parentOf(x)));
                }
            } else {
                int y = leftOf(parentOf(parentOf(x)));
                if (!isBlack(y)) {
                    setBlack(parentOf(x), true);
                    setBlack(y, true);
                    setBlack(parentOf(parentOf(x)), false);
                    x = parentOf(parentOf(x));
                } else {
                    if (x == leftOf(parentOf(x))) {
                        x = parentOf(x);
                        rotateRight(x);
                    }
                    setBlack(parentOf(x), true);
                    setBlack(parentOf(parentOf(x)), false);
                    rotateLeft(parentOf(parentOf(x)));
                }
            }
        }
        nodes_[root_].black = true;
    }

    std::vector<N> nodes_;
    int root_ = -1;
};

struct StreamRecord;
class ProcessorNode;
template <class D = void>
class TaskContextImpl;
using TaskContext = TaskContextImpl<>;  // (stream_task.hpp)

// A topic name chooser for a sink (Kafka's TopicNameExtractor), type-erased.
struct ErasedTopicNameExtractor {
    std::function<std::string(const StreamRecord&, const TaskContext&)> extract;
    std::string description;
};
// A sink's partitioner (Kafka's StreamPartitioner), type-erased; nullopt lets the default partitioner choose.
using ErasedPartitioner = std::function<std::optional<int32_t>(const std::string& topic, const StreamRecord&, int32_t partitions)>;

// One node definition.
struct NodeDef {
    enum class Kind { Source, Processor, Sink };
    Kind kind = Kind::Processor;
    std::string name;
    std::vector<std::string> predecessors;  // in the order given
    std::vector<std::string> stores;        // connected stores, in connection order
    // Source
    std::vector<std::string> topics;
    std::shared_ptr<const Pattern> pattern;  // a source subscribed by pattern (topics empty)
    std::shared_ptr<TimestampExtractor> timestamp_extractor;  // null: default.timestamp.extractor
    SerdePtr key_serde, value_serde;  // Source: deserializers; Sink: serializers (null: config defaults)
    // Sink
    std::string topic;
    std::shared_ptr<ErasedTopicNameExtractor> extractor;
    ErasedPartitioner partitioner;
    // Processor
    std::function<std::unique_ptr<ProcessorNode>()> make;
    bool global = false;  // part of a global store (source or its processor)
};

struct StoreDef {
    StoreSpec spec;
    bool global = false;
    std::vector<std::string> processors;  // connected processors
};

}  // namespace detail

// ---- The builder ------------------------------------------------------------------------------------------------
namespace detail {

// A class template only so that it is compiled when used; the type is InternalTopologyBuilder.
template <class D = void>
class InternalTopologyBuilderImpl;
using InternalTopologyBuilder = InternalTopologyBuilderImpl<>;

template <class D>
class InternalTopologyBuilderImpl {
    using JavaTreeSet = JavaTreeSetImpl<D>;
    using TopologyDescription = TopologyDescriptionImpl<D>;
    using Pattern = PatternImpl<D>;
    // Plain types named through D too: containers of them are then built only with this class.
    using ErasedTopicNameExtractor = Dependent<detail::ErasedTopicNameExtractor, D>;
    using NodeDef = Dependent<detail::NodeDef, D>;
    using ProcessorNode = Dependent<detail::ProcessorNode, D>;
    using StoreDef = Dependent<detail::StoreDef, D>;
    // Likewise containers of standard types that only this class uses (built in every program otherwise).
    using NameIndex = Dependent<std::map<std::string, size_t>, D>;
    using NameGroups = Dependent<std::vector<std::set<std::string>>, D>;
    using TopicNames = Dependent<std::map<std::string, std::vector<std::string>>, D>;
    using TopicFlags = Dependent<std::map<std::string, bool>, D>;
    using PartitionCounts = Dependent<std::map<std::string, int32_t>, D>;

public:
    // Nodes in the order they were added (Kafka's nodeFactories, a LinkedHashMap).
    const std::vector<NodeDef>& nodes() const noexcept { return nodes_; }
    const NodeDef* node(const std::string& name) const {
        auto it = index_.find(name);
        return it == index_.end() ? nullptr : &nodes_[it->second];
    }
    NodeDef* mutableNode(const std::string& name) {
        auto it = index_.find(name);
        return it == index_.end() ? nullptr : &nodes_[it->second];
    }
    const std::map<std::string, StoreDef>& stores() const noexcept { return stores_; }
    const std::set<std::string>& internalTopics() const noexcept { return internal_topics_; }
    bool isInternalTopic(const std::string& t) const { return internal_topics_.count(t) != 0; }
    const std::set<std::string>& globalTopics() const noexcept { return global_topics_; }
    // Partition counts users fixed for repartition topics (Repartitioned::withNumberOfPartitions).
    const PartitionCounts& enforcedPartitions() const noexcept { return enforced_partitions_; }
    // Store names in the order they were added.
    const std::vector<std::string>& storeOrder() const noexcept { return store_order_; }

    void addSource(const std::string& name, const std::vector<std::string>& topics, SerdePtr key_serde, SerdePtr value_serde,
                   std::shared_ptr<const Pattern> pattern = nullptr) {
        if (topics.empty() && !pattern) throw TopologyException("You must provide at least one topic");
        requireNewName(name);
        for (const auto& t : topics) {
            if (topic_to_source_.count(t)) throw TopologyException("Topic " + t + " has already been registered by another source.");
        }
        NodeDef n;
        n.kind = NodeDef::Kind::Source;
        n.name = name;
        n.topics = topics;
        n.pattern = std::move(pattern);
        n.key_serde = std::move(key_serde);
        n.value_serde = std::move(value_serde);
        for (const auto& t : topics) topic_to_source_[t] = name;
        add(std::move(n));
    }
    void addProcessor(const std::string& name, std::function<std::unique_ptr<ProcessorNode>()> make,
                      const std::vector<std::string>& parents) {
        requireNewName(name);
        if (parents.empty()) throw TopologyException("Processor " + name + " must have at least one parent");
        for (const auto& p : parents) {
            if (p == name) throw TopologyException("Processor " + name + " cannot be a predecessor of itself.");
            const NodeDef* parent = node(p);
            if (!parent) throw TopologyException("Predecessor processor " + p + " is not added yet for " + name);
            if (parent->kind == NodeDef::Kind::Sink) throw TopologyException("Sink " + p + " cannot be used a parent.");
        }
        NodeDef n;
        n.kind = NodeDef::Kind::Processor;
        n.name = name;
        n.predecessors = parents;
        n.make = std::move(make);
        add(std::move(n));
    }
    void addSink(const std::string& name, const std::string& topic, std::shared_ptr<ErasedTopicNameExtractor> extractor,
                 SerdePtr key_serde, SerdePtr value_serde, ErasedPartitioner partitioner, const std::vector<std::string>& parents) {
        requireNewName(name);
        if (parents.empty()) throw TopologyException("Sink " + name + " must have at least one parent");
        for (const auto& p : parents) {
            if (p == name) throw TopologyException("Processor " + name + " cannot be a predecessor of itself.");
            const NodeDef* parent = node(p);
            if (!parent) throw TopologyException("Predecessor processor " + p + " is not added yet.");
            if (parent->kind == NodeDef::Kind::Sink) throw TopologyException("Sink " + p + " cannot be used a parent.");
        }
        NodeDef n;
        n.kind = NodeDef::Kind::Sink;
        n.name = name;
        n.topic = topic;
        n.extractor = std::move(extractor);
        n.key_serde = std::move(key_serde);
        n.value_serde = std::move(value_serde);
        n.partitioner = std::move(partitioner);
        n.predecessors = parents;
        add(std::move(n));
    }
    void addStateStore(const StoreSpec& spec, const std::vector<std::string>& processors, bool allow_same = false) {
        auto it = stores_.find(spec.name);
        if (it != stores_.end()) {
            if (it->second.global)
                throw TopologyException("A different GlobalStateStore has already been added with the name " + spec.name);
            if (!allow_same) throw TopologyException("A different StateStore has already been added with the name " + spec.name);
        } else {
            stores_[spec.name] = StoreDef{spec, false, {}};
            store_order_.push_back(spec.name);
        }
        for (const auto& p : processors) connectProcessorAndStateStore(p, spec.name);
    }
    void connectProcessorAndStateStore(const std::string& processor, const std::string& store) {
        auto sit = stores_.find(store);
        if (sit == stores_.end()) throw TopologyException("StateStore " + store + " is not added yet.");
        if (sit->second.global)
            throw TopologyException("Global StateStore " + store +
                                    " can be used by a Processor without being specified; it should not be explicitly passed.");
        NodeDef* n = mutableNode(processor);
        if (!n) throw TopologyException("Processor " + processor + " is not added yet.");
        if (n->kind != NodeDef::Kind::Processor)
            throw TopologyException("cannot connect a state store " + store + " to a source node or a sink node.");
        if (std::find(n->stores.begin(), n->stores.end(), store) == n->stores.end()) n->stores.push_back(store);
        auto& procs = sit->second.processors;
        if (std::find(procs.begin(), procs.end(), processor) == procs.end()) procs.push_back(processor);
    }
    void addGlobalStore(const StoreSpec& spec, const std::string& source_name, const std::string& topic, SerdePtr key_serde,
                        SerdePtr value_serde, const std::string& processor_name,
                        std::function<std::unique_ptr<ProcessorNode>()> make) {
        requireNewName(source_name);
        requireNewName(processor_name);
        if (stores_.count(spec.name)) {
            throw TopologyException((stores_[spec.name].global ? "A different GlobalStateStore has already been added with the name "
                                                               : "A different StateStore has already been added with the name ") +
                                    spec.name);
        }
        if (spec.logging) throw TopologyException("StateStore " + spec.name + " for global table must not have logging enabled.");
        if (source_name == processor_name) throw TopologyException("sourceName and processorName must be different.");
        addSource(source_name, {topic}, std::move(key_serde), std::move(value_serde));
        mutableNode(source_name)->global = true;
        global_topics_.insert(topic);
        NodeDef n;
        n.kind = NodeDef::Kind::Processor;
        n.name = processor_name;
        n.predecessors = {source_name};
        n.make = std::move(make);
        n.global = true;
        n.stores = {spec.name};
        add(std::move(n));
        stores_[spec.name] = StoreDef{spec, true, {processor_name}};
        store_order_.push_back(spec.name);
    }
    // A repartition topic (undecorated name); partitions: a count the user fixed, else derived at run time.
    void addInternalTopic(const std::string& topic, std::optional<int32_t> partitions = std::nullopt) {
        if (partitions && *partitions < 1) throw IllegalArgumentException("Number of partitions must be at least 1.");
        internal_topics_.insert(topic);
        if (partitions) enforced_partitions_[topic] = *partitions;
    }
    // Source nodes whose topics must be co-partitioned (Kafka: joins, cogroup).
    void copartitionSources(const std::vector<std::string>& source_nodes) {
        copartition_groups_.emplace_back(source_nodes.begin(), source_nodes.end());
    }
    // The source nodes a node's records come from within its sub-topology (Kafka's subTopologySourceNodes).
    std::set<std::string> sourceNodesOf(const std::string& name) const {
        std::set<std::string> out, seen;
        std::vector<std::string> todo{name};
        while (!todo.empty()) {
            const std::string n = todo.back();
            todo.pop_back();
            if (!seen.insert(n).second) continue;
            const NodeDef* def = node(n);
            if (def->kind == NodeDef::Kind::Source) out.insert(n);
            else todo.insert(todo.end(), def->predecessors.begin(), def->predecessors.end());
        }
        return out;
    }
    // A source's topics; for a pattern source, those of known_topics that match.
    static std::vector<std::string> topicsOf(const NodeDef& source, const std::vector<std::string>& known_topics) {
        if (!source.pattern) return source.topics;
        std::vector<std::string> out;
        for (const auto& t : known_topics)
            if (source.pattern->matches(t)) out.push_back(t);
        return out;
    }
    // Kafka's copartitionGroups(): the topics of each group of source nodes, groups sharing a topic merged.
    NameGroups copartitionGroups() const {
        NameGroups groups;
        for (const auto& sources : copartition_groups_) {
            std::set<std::string> topics;
            for (const auto& s : sources) topics.insert(node(s)->topics.begin(), node(s)->topics.end());
            NameGroups rest;
            for (auto& g : groups) {
                const bool shares = std::any_of(g.begin(), g.end(), [&](const std::string& t) { return topics.count(t) != 0; });
                if (shares) topics.insert(g.begin(), g.end());
                else rest.push_back(std::move(g));
            }
            rest.push_back(std::move(topics));
            groups = std::move(rest);
        }
        return groups;
    }
    // Kafka's validateCopartition (at build()): repartition topics of one group whose counts are all fixed must agree.
    void validateCopartition() const {
        for (const auto& group : copartitionGroups()) {
            PartitionCounts fixed;
            for (const auto& t : group) {
                auto it = enforced_partitions_.find(t);
                if (it != enforced_partitions_.end()) fixed.insert(*it);
            }
            if (fixed.empty() || fixed.size() != group.size()) continue;
            for (const auto& [t, n] : fixed)
                if (n != fixed.begin()->second)
                    throw TopologyException("Following topics do not have the same number of partitions: [" + javaMapString(fixed) + "]");
        }
    }

    // Partition counts of the repartition topics (undecorated names), as Kafka's RepartitionTopics and
    // CopartitionedTopicsEnforcer decide them when an application starts: a fixed count if the user gave one,
    // else the largest count among the source topics of the sub-topologies writing the topic (repeated until
    // repartition topics fed by repartition topics are known); then each co-partition group is made
    // consistent. external(topic) gives a user topic's count; internal names in messages are decorated with
    // application_id, as Kafka prints them. known_topics: the user topics the host knows (pattern sources read those
    // that match).
    template <class External>
    PartitionCounts repartitionTopicPartitions(External&& external, const std::string& application_id,
                                                              const std::vector<std::string>& known_topics) const {
        PartitionCounts counts = enforced_partitions_;
        TopicNames writers_sources;  // topic -> sources of its writers
        TopicFlags written;
        for (const auto& group : nodeGroups()) {
            std::vector<std::string> sources, sinks;
            for (const auto& name : group) {
                const NodeDef* def = node(name);
                if (def->kind == NodeDef::Kind::Source) {
                    const auto topics = topicsOf(*def, known_topics);
                    sources.insert(sources.end(), topics.begin(), topics.end());
                }
                if (def->kind == NodeDef::Kind::Sink && isInternalTopic(def->topic)) sinks.push_back(def->topic);
            }
            for (const auto& t : sinks) {
                written[t] = true;
                auto& w = writers_sources[t];
                w.insert(w.end(), sources.begin(), sources.end());
            }
        }
        for (bool progress = true; progress;) {
            progress = false;
            for (const auto& t : internal_topics_) {
                if (counts.count(t) || !written[t]) continue;
                int32_t n = 0;
                bool ready = true;
                for (const auto& src : writers_sources[t]) {
                    if (!isInternalTopic(src)) n = std::max(n, static_cast<int32_t>(external(src)));
                    else if (counts.count(src)) n = std::max(n, counts.at(src));
                    else ready = false;
                }
                if (ready && n > 0) {
                    counts[t] = n;
                    progress = true;
                }
            }
        }
        for (const auto& t : internal_topics_)
            if (!counts.count(t))
                throw StreamsException("Failed to compute number of partitions for all repartition topics, make sure all user "
                                       "input topics are created and all Pattern subscriptions match at least one topic in the cluster");
        auto decorated = [&](const PartitionCounts& m) {
            PartitionCounts out;
            for (const auto& [t, n] : m) out[isInternalTopic(t) ? application_id + "-" + t : t] = n;
            return out;
        };
        for (const auto& group : copartitionGroups()) {
            PartitionCounts internal, user;
            for (const auto& t : group) {
                if (isInternalTopic(t)) internal[t] = counts.at(t);
                else user[t] = static_cast<int32_t>(external(t));
            }
            int32_t n = 0;
            if (user.empty()) {
                PartitionCounts fixed;
                for (const auto& [t, c] : internal)
                    if (enforced_partitions_.count(t)) fixed[t] = c;
                if (!fixed.empty()) {
                    n = fixed.begin()->second;
                    for (const auto& [t, c] : fixed)
                        if (c != n)
                            throw TopologyException("Following topics do not have the same number of partitions: [" +
                                                    javaMapString(decorated(internal)) + "]");
                } else {
                    for (const auto& [t, c] : internal) n = std::max(n, c);
                }
            } else {
                n = user.begin()->second;
                for (const auto& [t, c] : user)
                    if (c != n) throw TopologyException("Topics not co-partitioned: [" + javaMapString(user) + "]");
            }
            for (const auto& [t, c] : internal) {
                if (!enforced_partitions_.count(t)) counts[t] = n;
                else if (c != n)
                    throw TopologyException("Number of partitions [" + std::to_string(c) + "] of repartition topic [" +
                                            application_id + "-" + t + "] doesn't match number of partitions [" +
                                            std::to_string(n) + "] of the source topic.");
            }
        }
        return counts;
    }

    // Sub-topologies (and global-store groups): node names grouped by connectivity and shared stores,
    // numbered in the order their first node was added.
    std::vector<std::vector<std::string>> nodeGroups() const {
        std::map<std::string, std::string> parent;
        for (const auto& n : nodes_) parent[n.name] = n.name;
        std::function<std::string(const std::string&)> root = [&](const std::string& x) {
            std::string r = x;
            while (parent[r] != r) r = parent[r];
            std::string y = x;
            while (parent[y] != r) {  // path compression
                std::string next = parent[y];
                parent[y] = r;
                y = next;
            }
            return r;
        };
        auto unite = [&](const std::string& a, const std::string& b) {
            std::string ra = root(a), rb = root(b);
            if (ra != rb) parent[ra] = rb;
        };
        for (const auto& n : nodes_)
            for (const auto& p : n.predecessors) unite(n.name, p);
        for (const auto& [store, def] : stores_)
            for (size_t i = 1; i < def.processors.size(); ++i) unite(def.processors[0], def.processors[i]);
        std::vector<std::vector<std::string>> groups;
        NameIndex by_root;
        for (const auto& n : nodes_) {
            const std::string r = root(n.name);
            auto it = by_root.find(r);
            if (it == by_root.end()) {
                it = by_root.emplace(r, groups.size()).first;
                groups.emplace_back();
            }
            groups[it->second].push_back(n.name);
        }
        return groups;
    }
    bool isGlobalGroup(const std::vector<std::string>& group) const {
        for (const auto& name : group)
            if (node(name)->global) return true;
        return false;
    }

    TopologyDescription describe() const {
        TopologyDescription d;
        const auto groups = nodeGroups();
        for (size_t id = 0; id < groups.size(); ++id) {
            if (isGlobalGroup(groups[id])) d.mutableGlobalStores().push_back(describeGlobal(groups[id], static_cast<int>(id)));
            else d.mutableSubtopologies().push_back(describeSubtopology(groups[id], static_cast<int>(id)));
        }
        return d;
    }

private:
    void requireNewName(const std::string& name) {
        if (name.empty()) throw NullPointerException("name must not be null");
        if (index_.count(name)) throw TopologyException("Processor " + name + " is already added.");
    }
    void add(NodeDef n) {
        index_[n.name] = nodes_.size();
        nodes_.push_back(std::move(n));
    }

    typename TopologyDescription::Node describeNode(const NodeDef& n) const {
        typename TopologyDescription::Node d;
        d.name = n.name;
        switch (n.kind) {
            case NodeDef::Kind::Source:
                d.kind = TopologyDescription::Node::Kind::Source;
                d.topics = javaHashSetOrder(n.topics);
                if (n.pattern) d.topicPattern = n.pattern->pattern();
                break;
            case NodeDef::Kind::Processor:
                d.kind = TopologyDescription::Node::Kind::Processor;
                d.stores = javaHashSetOrder(n.stores);
                break;
            case NodeDef::Kind::Sink:
                d.kind = TopologyDescription::Node::Kind::Sink;
                d.topic = n.extractor ? std::string() : n.topic;
                if (n.extractor) d.extractor = n.extractor->description;
                break;
        }
        return d;
    }

    // Replays Kafka's describeSubtopology: edges added in HashMap order of the node names, sizes updated as
    // edges arrive, successor/predecessor TreeSets ordered by the sizes at insertion time.
    typename TopologyDescription::Subtopology describeSubtopology(const std::vector<std::string>& group, int id) const {
        std::vector<std::string> names;
        for (size_t i : javaHashOrder(group)) names.push_back(group[i]);
        Dependent<std::map<std::string, int>, D> idx;  // through D: built only when used
        for (size_t i = 0; i < names.size(); ++i) idx[names[i]] = static_cast<int>(i);
        const size_t count = names.size();
        std::vector<int> size(count, 1);
        std::vector<JavaTreeSet> preds(count), succs(count);
        auto compare = [&](int a, int b) {
            if (a == b) return 0;
            if (size[a] != size[b]) return size[b] - size[a];
            return names[a].compare(names[b]) < 0 ? -1 : (names[a] == names[b] ? 0 : 1);
        };
        std::function<void(int, int)> updateSize = [&](int n, int delta) {
            size[n] += delta;
            preds[n].forEach([&](int p) { updateSize(p, delta); });
        };
        for (size_t i = 0; i < count; ++i) {
            const NodeDef* def = node(names[i]);
            for (const auto& pname : def->predecessors) {
                const int p = idx.at(pname);
                preds[i].add(p, compare);
                succs[p].add(static_cast<int>(i), compare);
                updateSize(p, size[i]);
            }
        }
        std::vector<int> order(count);
        for (size_t i = 0; i < count; ++i) order[i] = static_cast<int>(i);
        std::sort(order.begin(), order.end(), [&](int a, int b) { return compare(a, b) < 0; });
        typename TopologyDescription::Subtopology sub;
        sub.id = id;
        for (int i : order) {
            typename TopologyDescription::Node d = describeNode(*node(names[i]));
            for (int p : preds[i].inOrder()) d.predecessors.push_back(names[p]);
            for (int s : succs[i].inOrder()) d.successors.push_back(names[s]);
            sub.nodes.push_back(std::move(d));
        }
        return sub;
    }
    typename TopologyDescription::GlobalStore describeGlobal(const std::vector<std::string>& group, int id) const {
        typename TopologyDescription::GlobalStore g;
        g.id = id;
        for (const auto& name : group) {
            const NodeDef* n = node(name);
            if (n->kind == NodeDef::Kind::Source) g.source = describeNode(*n);
            else g.processor = describeNode(*n);
        }
        g.processor.stores = {g.processor.stores.empty() ? std::string() : g.processor.stores.front()};
        g.source.successors = {g.processor.name};
        g.processor.predecessors = {g.source.name};
        return g;
    }

    std::vector<NodeDef> nodes_;
    NameIndex index_;
    std::map<std::string, StoreDef> stores_;
    std::vector<std::string> store_order_;
    std::map<std::string, std::string> topic_to_source_;
    std::set<std::string> internal_topics_;
    std::set<std::string> global_topics_;
    NameGroups copartition_groups_;  // source node names
    PartitionCounts enforced_partitions_;
};

}  // namespace detail

}  // namespace kstream_sim

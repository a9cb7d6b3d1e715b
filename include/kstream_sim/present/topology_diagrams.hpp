// Topology diagrams: describe() as Graphviz DOT and as Mermaid, for slides and notebooks.
//
//   std::cout << toDot(topology.describe());      // dot -Tsvg topology.dot > topology.svg
//   std::cout << toMermaid(topology.describe());  // paste into a ```mermaid block
//
// Each sub-topology is a box (cluster / subgraph) holding its processors in describe()'s order; topics are
// drawn as parallelograms outside the boxes (a repartition topic links two sub-topologies), state stores
// as cylinders next to the processors that use them, global stores as their own box. The output depends
// only on the description, so it is stable from run to run.
#pragma once

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "../streams/topology.hpp"
#include "../streams/topology_builder.hpp"

namespace kstream_sim {

namespace detail {

inline std::string dotQuote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

// Mermaid ids allow [A-Za-z0-9_]; everything else becomes '_' (a counter keeps ids unique).
// (MermaidIds, toDot and toMermaid are templates only so that they are compiled when used: see "Include cost"
// in docs/performance.md.)
template <class D = void>
class MermaidIds {
public:
    std::string id(const std::string& kind, const std::string& name) {
        auto key = kind + ":" + name;
        auto it = ids_.find(key);
        if (it != ids_.end()) return it->second;
        std::string id = kind + "_";
        for (char c : name) id += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
        id += "_" + std::to_string(ids_.size());
        ids_[key] = id;
        return id;
    }

private:
    std::map<std::string, std::string> ids_;
};

inline std::string mermaidLabel(const std::string& s) {
    std::string out;
    for (char c : s) out += (c == '"' ? '\'' : c);
    return out;
}

template <class Node>
std::string nodeKindLabel(const Node& n) {
    switch (n.kind) {
        case Node::Kind::Source: return "Source";
        case Node::Kind::Sink: return "Sink";
        default: return "Processor";
    }
}

}  // namespace detail

// Graphviz DOT for a topology description.
// (The description's type is a parameter, TopologyDescription = detail::TopologyDescriptionImpl<>, so that it
// is built only when used.)
template <class D = void>
std::string toDot(const detail::TopologyDescriptionImpl<D>& d) {
    using TopologyDescription = detail::TopologyDescriptionImpl<D>;
    using detail::dotQuote;
    std::string out = "digraph topology {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n";
    std::set<std::string> topics, stores;
    std::string edges;
    auto emitNodes = [&](const std::string& cluster, const std::string& label, const std::vector<typename TopologyDescription::Node>& nodes) {
        out += "  subgraph " + dotQuote(cluster) + " {\n    label=" + dotQuote(label) + ";\n    style=rounded;\n";
        for (const auto& n : nodes) {
            out += "    " + dotQuote(n.name) + " [shape=box, label=" + dotQuote(detail::nodeKindLabel(n) + "\\n" + n.name) + "];\n";
            for (const auto& s : n.successors) edges += "  " + dotQuote(n.name) + " -> " + dotQuote(s) + ";\n";
            for (const auto& t : n.topics) {
                topics.insert(t);
                edges += "  " + dotQuote("topic:" + t) + " -> " + dotQuote(n.name) + ";\n";
            }
            if (!n.topicPattern.empty()) {
                topics.insert(n.topicPattern);
                edges += "  " + dotQuote("topic:" + n.topicPattern) + " -> " + dotQuote(n.name) + ";\n";
            }
            if (n.kind == TopologyDescription::Node::Kind::Sink) {
                const std::string t = n.extractor.empty() ? n.topic : n.extractor;
                topics.insert(t);
                edges += "  " + dotQuote(n.name) + " -> " + dotQuote("topic:" + t) + ";\n";
            }
            for (const auto& s : n.stores) {
                stores.insert(s);
                edges += "  " + dotQuote(n.name) + " -> " + dotQuote("store:" + s) + " [dir=both, style=dashed];\n";
            }
        }
        out += "  }\n";
    };
    size_t i = 0, j = 0;
    const auto& subs = d.subtopologies();
    const auto& globals = d.globalStores();
    while (i < subs.size() || j < globals.size()) {
        if (j >= globals.size() || (i < subs.size() && subs[i].id < globals[j].id)) {
            emitNodes("cluster_" + std::to_string(subs[i].id), "Sub-topology: " + std::to_string(subs[i].id), subs[i].nodes);
            ++i;
        } else {
            emitNodes("cluster_" + std::to_string(globals[j].id), "Sub-topology: " + std::to_string(globals[j].id) + " (global store)",
                      {globals[j].source, globals[j].processor});
            ++j;
        }
    }
    for (const auto& t : topics) out += "  " + dotQuote("topic:" + t) + " [shape=parallelogram, label=" + dotQuote(t) + "];\n";
    for (const auto& s : stores) out += "  " + dotQuote("store:" + s) + " [shape=cylinder, label=" + dotQuote(s) + "];\n";
    return out + edges + "}\n";
}

// A Mermaid flowchart for a topology description.
template <class D = void>
std::string toMermaid(const detail::TopologyDescriptionImpl<D>& d) {
    using TopologyDescription = detail::TopologyDescriptionImpl<D>;
    detail::MermaidIds<D> ids;
    std::string out = "flowchart LR\n";
    std::set<std::string> topics, stores;
    std::string edges;
    auto emitNodes = [&](int id, const std::string& label, const std::vector<typename TopologyDescription::Node>& nodes) {
        out += "  subgraph " + ids.id("sub", std::to_string(id)) + "[\"" + label + "\"]\n";
        for (const auto& n : nodes) {
            out += "    " + ids.id("n", n.name) + "[\"" + detail::mermaidLabel(n.name) + "\"]\n";
            for (const auto& s : n.successors) edges += "  " + ids.id("n", n.name) + " --> " + ids.id("n", s) + "\n";
            std::vector<std::string> in_topics = n.topics;
            if (!n.topicPattern.empty()) in_topics.push_back(n.topicPattern);
            for (const auto& t : in_topics) {
                topics.insert(t);
                edges += "  " + ids.id("t", t) + " --> " + ids.id("n", n.name) + "\n";
            }
            if (n.kind == TopologyDescription::Node::Kind::Sink) {
                const std::string t = n.extractor.empty() ? n.topic : n.extractor;
                topics.insert(t);
                edges += "  " + ids.id("n", n.name) + " --> " + ids.id("t", t) + "\n";
            }
            for (const auto& s : n.stores) {
                stores.insert(s);
                edges += "  " + ids.id("n", n.name) + " -.- " + ids.id("s", s) + "\n";
            }
        }
        out += "  end\n";
    };
    size_t i = 0, j = 0;
    const auto& subs = d.subtopologies();
    const auto& globals = d.globalStores();
    while (i < subs.size() || j < globals.size()) {
        if (j >= globals.size() || (i < subs.size() && subs[i].id < globals[j].id)) {
            emitNodes(subs[i].id, "Sub-topology: " + std::to_string(subs[i].id), subs[i].nodes);
            ++i;
        } else {
            emitNodes(globals[j].id, "Sub-topology: " + std::to_string(globals[j].id) + " (global store)",
                      {globals[j].source, globals[j].processor});
            ++j;
        }
    }
    for (const auto& t : topics) out += "  " + ids.id("t", t) + "[/\"" + detail::mermaidLabel(t) + "\"/]\n";
    for (const auto& s : stores) out += "  " + ids.id("s", s) + "[(\"" + detail::mermaidLabel(s) + "\")]\n";
    return out + edges;
}

template <class D = void>
std::string toDot(const Topology& topology) { return toDot<D>(topology.template describe<D>()); }
template <class D = void>
std::string toMermaid(const Topology& topology) { return toMermaid<D>(topology.template describe<D>()); }

}  // namespace kstream_sim

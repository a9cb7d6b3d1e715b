// What the Streams twins share with conformance/src/main/java/kstreamsim/conformance/StreamsOut.java: the canonical
// output of describe() texts, output records and store contents, and the driver's configuration.
#pragma once

#include <kstream_sim.hpp>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "out.hpp"

inline std::string fmt(const std::string& s) { return quote(s); }
inline std::string fmt(int64_t v) { return std::to_string(v); }
template <class T>
inline std::string fmt(const std::optional<T>& v) { return v ? fmt(*v) : std::string("null"); }

inline void describe(const std::string& name, const std::string& text) {
    std::cout << "=== describe " << name << "\n" << text << "\n=== end\n";
}

template <class K, class V>
void records(const std::string& topic, kstream_sim::TestOutputTopic<K, V>& t) {
    for (const auto& r : t.readRecordsToList())
        std::cout << topic << " key=" << fmt(r.key()) << " value=" << fmt(r.value()) << " ts=" << fmt(r.timestamp()) << "\n";
}

kstream_sim::Properties props(const std::string& application_id) {
    kstream_sim::Properties p;
    p.put(kstream_sim::StreamsConfig::APPLICATION_ID_CONFIG, application_id);
    return p;
}

template <class K, class V>
void timestampedStore(kstream_sim::TopologyTestDriver& driver, const std::string& name) {
    std::vector<std::string> lines;
    for (const auto& kv : driver.getTimestampedKeyValueStore<K, V>(name).all())
        lines.push_back("store " + name + " key=" + fmt(kv.key) + " value=" + fmt(kv.value.value()) + " ts=" + std::to_string(kv.value.timestamp()));
    std::sort(lines.begin(), lines.end());
    for (const auto& l : lines) std::cout << l << "\n";
}

template <class K, class V>
void plainStore(kstream_sim::TopologyTestDriver& driver, const std::string& name) {
    std::vector<std::string> lines;
    for (const auto& kv : driver.getKeyValueStore<K, V>(name).all())
        lines.push_back("store " + name + " key=" + fmt(kv.key) + " value=" + fmt(kv.value));
    std::sort(lines.begin(), lines.end());
    for (const auto& l : lines) std::cout << l << "\n";
}

// The trace: every significant event (append, acknowledgement, fetch, commit, ...) as a line and a hash.
//
// Two runs of the same program with the same seed produce the same trace hash; comparing hashes is the
// one-line check that a simulation is deterministic. Hashing is always on and costs a few integer
// operations per event; keeping readable lines is opt-in (ClusterConfig().trace(true)).
#pragma once

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

#include "hashing.hpp"

namespace kstream_sim {

namespace detail {
// A class template only so that it is compiled when used (see SchedulerImpl in scheduler.hpp); users write Trace.
template <class D = void>
class TraceImpl;
}  // namespace detail

using Trace = detail::TraceImpl<>;

namespace detail {

template <class D>
class TraceImpl {
public:
    struct Field {
        const char* name;
        int64_t value;
    };

    void keepLines(bool keep) noexcept { keep_lines_ = keep; }
    bool keepsLines() const noexcept { return keep_lines_; }

    // Records one event: what happened, to what, and named numbers.
    void record(int64_t time_ms, const char* kind, const std::string& subject, std::initializer_list<Field> fields = {}) {
        ++events_;
        hash_ = fnv1a64(&time_ms, sizeof time_ms, hash_);
        hash_ = fnv1a64(kind, std::char_traits<char>::length(kind), hash_);
        hash_ = fnv1a64(subject.data(), subject.size(), hash_);
        for (const Field& f : fields) hash_ = fnv1a64(&f.value, sizeof f.value, hash_);
        if (!keep_lines_) return;
        std::string line = "t=" + std::to_string(time_ms) + " " + kind + " " + subject;
        for (const Field& f : fields) {
            line += ' ';
            line += f.name;
            line += '=';
            line += std::to_string(f.value);
        }
        lines_.push_back(std::move(line));
    }

    uint64_t hash() const noexcept { return hash_; }
    std::string hashHex() const { return formatHash(hash_); }
    static std::string formatHash(uint64_t hash) {
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
        return buf;
    }
    uint64_t events() const noexcept { return events_; }
    const std::vector<std::string>& lines() const noexcept { return lines_; }

    void print(std::ostream& out) const {
        for (const auto& line : lines_) out << line << '\n';
    }

private:
    bool keep_lines_ = false;
    uint64_t hash_ = 0xcbf29ce484222325ULL;
    uint64_t events_ = 0;
    std::vector<std::string> lines_;
};

}  // namespace detail

}  // namespace kstream_sim

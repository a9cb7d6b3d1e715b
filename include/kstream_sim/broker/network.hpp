// The network between clients and brokers: which messages travel, and the faults a test injects into it.
//
// Every request and response is a message with an API key (Kafka's ApiKeys names), a direction, the client
// (its client.id) and the broker at the other end. A fault rule matches messages by those fields and drops,
// delays or duplicates the next ones; isolating a broker or a client drops everything to and from it. All of
// it is deterministic: a rule applies to the next matching messages in the order they are sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../core/clock.hpp"
#include "../core/dependent.hpp"

namespace kstream_sim {

// The requests that travel in the simulation (org.apache.kafka.common.protocol.ApiKeys).
enum class ApiKey : int8_t {
    Produce,
    Fetch,
    ListOffsets,
    Metadata,
    OffsetCommit,
    OffsetFetch,
    FindCoordinator,
    JoinGroup,
    Heartbeat,
    LeaveGroup,
    SyncGroup,
    DescribeGroups,
    ListGroups,
    CreateTopics,
    DeleteTopics,
    InitProducerId,
    AddPartitionsToTxn,
    AddOffsetsToTxn,
    EndTxn,
    WriteTxnMarkers,
    TxnOffsetCommit,
    CreatePartitions,
    Other,
};

inline const char* apiKeyName(ApiKey key) noexcept {
    static const char* const names[] = {"PRODUCE", "FETCH", "LIST_OFFSETS", "METADATA", "OFFSET_COMMIT", "OFFSET_FETCH",
                                        "FIND_COORDINATOR", "JOIN_GROUP", "HEARTBEAT", "LEAVE_GROUP", "SYNC_GROUP",
                                        "DESCRIBE_GROUPS", "LIST_GROUPS", "CREATE_TOPICS", "DELETE_TOPICS",
                                        "INIT_PRODUCER_ID", "ADD_PARTITIONS_TO_TXN", "ADD_OFFSETS_TO_TXN", "END_TXN",
                                        "WRITE_TXN_MARKERS", "TXN_OFFSET_COMMIT", "CREATE_PARTITIONS", "OTHER"};
    return names[static_cast<int>(key)];
}

enum class Direction : int8_t { Request, Response };

// One message on the network. `client` is the client.id of the client end ("" when the client is anonymous);
// between brokers (a follower fetching from its leader) the client is "broker-<follower id>" and
// `peer_broker` is the follower.
struct Envelope {
    ApiKey api = ApiKey::Other;
    Direction direction = Direction::Request;
    const std::string* client = nullptr;
    int32_t broker = -1;
    int32_t peer_broker = -1;
};

// Which messages a fault applies to: every field left unset matches anything.
//   MessageFilter::responses(ApiKey::Produce).client("producer-1")  -- produce responses to producer-1
//   MessageFilter::requests(ApiKey::Fetch).broker(2)                 -- fetch requests to broker 2
// A class template only so that it (and its std::optional members) compiles only in programs that use it
// (docs/performance.md, "Include cost"); the type is MessageFilter.
namespace detail {
template <class D = void>
class MessageFilterImpl {
public:
    static MessageFilterImpl requests(ApiKey api) { return MessageFilterImpl().api(api).direction(Direction::Request); }
    static MessageFilterImpl responses(ApiKey api) { return MessageFilterImpl().api(api).direction(Direction::Response); }
    static MessageFilterImpl any() { return MessageFilterImpl(); }

    MessageFilterImpl& api(ApiKey a) { api_ = a; return *this; }
    MessageFilterImpl& direction(Direction d) { direction_ = d; return *this; }
    MessageFilterImpl& client(std::string client_id) { client_ = std::move(client_id); return *this; }
    MessageFilterImpl& broker(int32_t id) { broker_ = id; return *this; }

    bool matches(const Envelope& m) const {
        if (api_ && *api_ != m.api) return false;
        if (direction_ && *direction_ != m.direction) return false;
        if (broker_ && *broker_ != m.broker) return false;
        if (client_ && (!m.client || *client_ != *m.client)) return false;
        return true;
    }
    // "PRODUCE responses to producer-1"; with plural=false, "PRODUCE response to producer-1".
    std::string toString(bool plural = true) const {
        std::string s = direction_ ? (*direction_ == Direction::Request ? "request" : "response") : "message";
        if (plural) s += "s";
        if (api_) s = std::string(apiKeyName(*api_)) + " " + s;
        if (client_) s += (direction_ == Direction::Request ? " from " : " to ") + *client_;
        if (broker_) s += (direction_ == Direction::Request ? " to broker " : " from broker ") + std::to_string(*broker_);
        return s;
    }

private:
    std::optional<Dependent<ApiKey, D>> api_;
    std::optional<Dependent<Direction, D>> direction_;
    std::optional<Dependent<std::string, D>> client_;
    std::optional<Dependent<int32_t, D>> broker_;
};
}  // namespace detail
using MessageFilter = detail::MessageFilterImpl<>;

// What the network does with one message.
struct Delivery {
    bool dropped = false;
    int64_t extra_delay_ms = 0;
    int copies = 1;  // 2 when duplicated
};

namespace detail {

// The faults in force: rules for the next matching messages, and isolated brokers and clients. A class template
// so that its members compile only in programs that use them (docs/performance.md, "Include cost").
template <class D = void>
class NetworkFaultsImpl {
public:
    using MessageFilter = MessageFilterImpl<D>;

    enum class Action : int8_t { Drop, Delay, Duplicate };

    void add(Action action, MessageFilter filter, int64_t count, int64_t delay_ms = 0) {
        rules_.push_back(Rule{action, std::move(filter), count, delay_ms});
    }
    void isolateBroker(int32_t id) { setMember(isolated_brokers_, id, true); }
    void healBroker(int32_t id) { setMember(isolated_brokers_, id, false); }
    void isolateClient(const std::string& id) { setMember(isolated_clients_, id, true); }
    void healClient(const std::string& id) { setMember(isolated_clients_, id, false); }
    void clear() {
        rules_.clear();
        isolated_brokers_.clear();
        isolated_clients_.clear();
    }
    bool isolated(int32_t broker) const { return contains(isolated_brokers_, broker); }
    bool empty() const noexcept { return rules_.empty() && isolated_brokers_.empty() && isolated_clients_.empty(); }

    // Decides the fate of a message (consuming the count of the first rule that matches it).
    Delivery route(const Envelope& m) {
        Delivery d;
        if (contains(isolated_brokers_, m.broker) || (m.peer_broker >= 0 && contains(isolated_brokers_, m.peer_broker)) ||
            (m.client && contains(isolated_clients_, *m.client))) {
            d.dropped = true;
            return d;
        }
        for (size_t i = 0; i < rules_.size(); ++i) {
            Rule& r = rules_[i];
            if (!r.filter.matches(m)) continue;
            if (r.action == Action::Drop) d.dropped = true;
            if (r.action == Action::Delay) d.extra_delay_ms = r.delay_ms;
            if (r.action == Action::Duplicate) d.copies = 2;
            if (r.remaining > 0 && --r.remaining == 0) rules_.erase(rules_.begin() + static_cast<std::ptrdiff_t>(i));
            break;
        }
        return d;
    }

private:
    struct Rule {
        Action action;
        MessageFilter filter;
        int64_t remaining;  // -1: every matching message until cleared
        int64_t delay_ms;
    };
    template <class T>
    static bool contains(const std::vector<T>& v, const T& x) {
        for (const auto& e : v)
            if (e == x) return true;
        return false;
    }
    template <class T>
    static void setMember(std::vector<T>& v, const T& x, bool on) {
        if (on && !contains(v, x)) v.push_back(x);
        if (!on)
            for (size_t i = 0; i < v.size(); ++i)
                if (v[i] == x) v.erase(v.begin() + static_cast<std::ptrdiff_t>(i--));
    }

    std::vector<Rule> rules_;
    std::vector<int32_t> isolated_brokers_;
    std::vector<std::string> isolated_clients_;
};

}  // namespace detail

using NetworkFaults = detail::NetworkFaultsImpl<>;

}  // namespace kstream_sim

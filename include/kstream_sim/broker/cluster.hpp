// The cluster: brokers, topics and partitions on one virtual clock, and the broker side of every request.
//
// Clients never call a broker directly: a request travels for the network latency, is handled at the
// broker when it arrives, and the response travels back. Everything runs on the cluster's one scheduler.
//
// Replication as in Kafka: every partition has replicas on distinct brokers; followers fetch from the
// leader (one fetcher per follower-leader pair), the leader tracks each follower's log end offset, keeps the
// in-sync replica set (ISR; a follower that has not caught up for replica.lag.time.max.ms leaves it, one that
// catches up rejoins) and advances the high watermark to the smallest log end offset in the ISR. Consumers
// read only below the high watermark; acks=all waits for it. A controller (KRaft's, on its own quorum that
// never fails here) fences a broker whose heartbeats stop for broker.session.timeout.ms, removes it from every
// ISR, elects new leaders from the ISR (or, with unclean.leader.election.enable, from any live replica), and
// brings preferred leaders back (auto.leader.rebalance.enable). A follower truncates its log where it diverges
// from its new leader's.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../core/dependent.hpp"
#include "../core/errors.hpp"
#include "../core/hashing.hpp"
#include "../core/random.hpp"
#include "../core/scheduler.hpp"
#include "../core/trace.hpp"
#include "group_coordinator.hpp"
#include "network.hpp"
#include "topic.hpp"
#include "transaction_coordinator.hpp"

namespace kstream_sim {

class ClusterConfig {
public:
    ClusterConfig& brokers(int32_t n) { brokers_ = n; return *this; }
    ClusterConfig& seed(uint64_t s) { seed_ = s; return *this; }
    ClusterConfig& epoch(Millis t) { epoch_ms_ = t.count(); return *this; }
    // One-way client<->broker delay, and the most a seeded draw adds to it.
    ClusterConfig& networkLatency(Millis d) { latency_ms_ = d.count(); return *this; }
    ClusterConfig& networkJitter(Millis d) { jitter_ms_ = d.count(); return *this; }
    // auto.create.topics.enable, num.partitions, default.replication.factor
    ClusterConfig& autoCreateTopics(bool on) { auto_create_ = on; return *this; }
    ClusterConfig& defaultPartitions(int32_t n) { default_partitions_ = n; return *this; }
    ClusterConfig& defaultReplicationFactor(int16_t n) { default_rf_ = n; return *this; }
    // Keep the trace's readable lines (the hash is always kept).
    ClusterConfig& trace(bool keep_lines) { trace_lines_ = keep_lines; return *this; }
    // Broker defaults for replication (Kafka's broker configs of the same names):
    // min.insync.replicas, unclean.leader.election.enable, replica.lag.time.max.ms,
    // broker.session.timeout.ms (how long the controller waits for a silent broker before fencing it),
    // auto.leader.rebalance.enable and leader.imbalance.check.interval.seconds.
    ClusterConfig& minInsyncReplicas(int32_t n) { min_isr_ = n; return *this; }
    ClusterConfig& uncleanLeaderElection(bool on) { unclean_ = on; return *this; }
    ClusterConfig& replicaLagTimeMax(Millis d) { replica_lag_ms_ = d.count(); return *this; }
    ClusterConfig& brokerSessionTimeout(Millis d) { session_timeout_ms_ = d.count(); return *this; }
    ClusterConfig& autoLeaderRebalance(bool on) { auto_rebalance_ = on; return *this; }
    ClusterConfig& leaderImbalanceCheckInterval(Millis d) { imbalance_check_ms_ = d.count(); return *this; }
    // group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members
    // (Kafka's default 3 s; Kafka's shipped config/server.properties sets 0).
    ClusterConfig& groupInitialRebalanceDelay(Millis d) { group_initial_rebalance_delay_ms_ = d.count(); return *this; }

    int32_t brokers() const noexcept { return brokers_; }
    uint64_t seed() const noexcept { return seed_; }
    int64_t epochMs() const noexcept { return epoch_ms_; }
    int64_t networkLatencyMs() const noexcept { return latency_ms_; }
    int64_t networkJitterMs() const noexcept { return jitter_ms_; }
    bool autoCreateTopics() const noexcept { return auto_create_; }
    int32_t defaultPartitions() const noexcept { return default_partitions_; }
    int16_t defaultReplicationFactor() const noexcept { return default_rf_; }
    bool trace() const noexcept { return trace_lines_; }
    int32_t minInsyncReplicas() const noexcept { return min_isr_; }
    bool uncleanLeaderElection() const noexcept { return unclean_; }
    int64_t replicaLagTimeMaxMs() const noexcept { return replica_lag_ms_; }
    int64_t brokerSessionTimeoutMs() const noexcept { return session_timeout_ms_; }
    bool autoLeaderRebalance() const noexcept { return auto_rebalance_; }
    int64_t leaderImbalanceCheckIntervalMs() const noexcept { return imbalance_check_ms_; }
    int64_t groupInitialRebalanceDelayMs() const noexcept { return group_initial_rebalance_delay_ms_; }

private:
    int32_t brokers_ = 1;
    uint64_t seed_ = 0;
    int64_t epoch_ms_ = 0;
    int64_t latency_ms_ = 1;
    int64_t jitter_ms_ = 0;
    bool auto_create_ = true;
    int32_t default_partitions_ = 1;
    int16_t default_rf_ = 1;
    bool trace_lines_ = false;
    int32_t min_isr_ = 1;
    bool unclean_ = false;
    int64_t replica_lag_ms_ = 30000;
    int64_t session_timeout_ms_ = 9000;
    bool auto_rebalance_ = true;
    int64_t imbalance_check_ms_ = 300000;
    int64_t group_initial_rebalance_delay_ms_ = 3000;
};

struct BrokerState {
    int32_t id = 0;
    bool alive = true;    // the process runs
    bool fenced = false;  // the controller's view: a fenced broker leads nothing and is in no ISR
    int64_t incarnation = 0;  // bumped at each crash and restart: messages to an earlier incarnation are lost
};

namespace detail {
template <class D = void>
struct FetchPartitionDataImpl;
}  // namespace detail

// What a fetch returns for one partition. A class template only so that it (and the partition log class it
// names) is compiled when used (docs/performance.md, "Include cost").
using FetchPartitionData = detail::FetchPartitionDataImpl<>;

namespace detail {

template <class D>
struct FetchPartitionDataImpl {
    enum class Error { None, OffsetOutOfRange, UnknownTopicOrPartition, NotLeaderOrFollower };
    TopicPartition tp;
    int64_t fetch_offset = 0;
    Error error = Error::None;
    int64_t high_watermark = 0;
    int64_t last_stable_offset = 0;
    int64_t log_start_offset = 0;
    std::vector<Dependent<StoredBatch, D>> batches;
    std::vector<typename PartitionLogImpl<D>::AbortedTransaction> aborted_transactions;  // read_committed only
};

}  // namespace detail

struct FetchParams {
    int32_t min_bytes = 1;
    int64_t max_wait_ms = 500;
    int32_t max_bytes = 52428800;
    int32_t partition_max_bytes = 1048576;
    bool read_committed = false;  // isolation.level=read_committed: read below the last stable offset
};

struct ProducePartitionResult {
    int64_t base_offset = -1;
    int64_t log_append_time = -1;
    std::exception_ptr error;
};

// One batch of a produce request.
struct ProduceEntry {
    TopicPartition tp;
    std::shared_ptr<const BatchPayload> payload;
    ProducerIdentity producer;
};

// A produce request at the broker, answered when every partition is done (at once for acks 0 and 1; for
// acks=all when the high watermark passes the batch, or at the request timeout).
struct PendingProduce {
    std::vector<ProducePartitionResult> results;
    size_t waiting = 0;
    int32_t broker = -1;
    bool answered = false;
    uint64_t timer = detail::kNoTimer;  // the request timeout, set only while the request waits
    detail::UniqueFunction<void(std::vector<ProducePartitionResult>)> respond;
    detail::UniqueFunction<void()> on_disconnect;  // at the broker: the broker went down before answering
};

namespace detail {
template <class D = void>
class ClusterImpl;
}  // namespace detail

// The cluster. A class template only so that it is compiled when used (see SchedulerImpl in
// core/scheduler.hpp): users write Cluster; compiler messages say kstream_sim::detail::ClusterImpl<>.
using Cluster = detail::ClusterImpl<>;

namespace detail {

template <class D>
class ClusterImpl {
    // The parts, named through this template's parameter so that they too are compiled only when used.
    using Scheduler = SchedulerImpl<D>;
    using Trace = TraceImpl<D>;
    using GroupCoordinator = GroupCoordinatorImpl<D>;
    using PartitionLog = PartitionLogImpl<D>;
    // Plain types named through D too: containers of them are then built only with this class.
    using BatchPayload = Dependent<kstream_sim::BatchPayload, D>;
    using BrokerState = Dependent<kstream_sim::BrokerState, D>;
    using CommittedOffset = Dependent<kstream_sim::CommittedOffset, D>;
    using FetchPartitionData = Dependent<kstream_sim::FetchPartitionData, D>;
    using PartitionState = Dependent<kstream_sim::PartitionState, D>;
    using PendingProduce = Dependent<kstream_sim::PendingProduce, D>;
    using ProducerStateEntry = Dependent<kstream_sim::ProducerStateEntry, D>;
    using ReplicaState = Dependent<kstream_sim::ReplicaState, D>;
    using ProduceEntry = Dependent<kstream_sim::ProduceEntry, D>;
    using ProducePartitionResult = Dependent<kstream_sim::ProducePartitionResult, D>;
    using StoredBatch = Dependent<kstream_sim::StoredBatch, D>;
    using TopicPartition = Dependent<kstream_sim::TopicPartition, D>;
    using TopicState = Dependent<kstream_sim::TopicState, D>;
    using TransactionMetadata = Dependent<kstream_sim::TransactionMetadata, D>;
    // Likewise the standard types that key its maps (a std::map<int32_t, ...> member would be built in
    // every program).
    using BrokerId = Dependent<int32_t, D>;
    using ReplicationFactor = Dependent<int16_t, D>;
    using ClientCounts = Dependent<std::map<std::string, int>, D>;
    using Connection = Dependent<std::pair<std::string, int32_t>, D>;  // (client.id, broker)
    using MessageFilter = MessageFilterImpl<D>;
    using NetworkFaults = NetworkFaultsImpl<D>;
    // toBroker() without an action for a closed connection.
    struct NoAction {
        void operator()() const {}
    };

public:
    explicit ClusterImpl(ClusterConfig config = ClusterConfig())
        : config_(config), scheduler_(config.epochMs()), random_(config.seed()), network_random_(random_.fork("network")) {
        if (config.brokers() < 1) throw ConfigException("A cluster needs at least one broker (got " + std::to_string(config.brokers()) + ")");
        trace_.keepLines(config.trace());
        if (config.groupInitialRebalanceDelayMs() < 0 || config.groupInitialRebalanceDelayMs() > INT32_MAX)
            throw ConfigException("Invalid value " + std::to_string(config.groupInitialRebalanceDelayMs()) +
                                  " ms for configuration group.initial.rebalance.delay.ms: it must be at least 0 and fit an "
                                  "int (at most 2147483647 ms)");
        groups_.config().initial_rebalance_delay_ms = static_cast<int32_t>(config.groupInitialRebalanceDelayMs());
        for (int32_t id = 0; id < config.brokers(); ++id) {
            brokers_.push_back(BrokerState{id, true, false, 0});
            broker_client_ids_.push_back("broker-" + std::to_string(id));  // a follower's client.id
        }
        fetchers_.resize(brokers_.size() * brokers_.size());
        link_last_arrival_.resize(brokerLink(brokerCount(), 0));
    }
    ClusterImpl(const ClusterImpl&) = delete;
    ClusterImpl& operator=(const ClusterImpl&) = delete;

    // ---- time ----
    Millis now() const noexcept { return scheduler_.clock().now(); }
    int64_t nowMs() const noexcept { return scheduler_.nowMs(); }
    // Lets `d` of virtual time pass, running everything due meanwhile.
    void advance(Millis d) { scheduler_.advanceTo(nowMs() + d.count()); }
    void advanceTo(Millis t) { scheduler_.advanceTo(t.count()); }
    void runUntilIdle() { scheduler_.runUntilIdle(); }

    Scheduler& scheduler() noexcept { return scheduler_; }
    // Where producers take their batches' storage (which the partition logs then keep): see core/arena.hpp.
    ByteArena& batchMemory() noexcept { return batch_memory_; }
    Trace& trace() noexcept { return trace_; }
    const Trace& trace() const noexcept { return trace_; }
    const ClusterConfig& config() const noexcept { return config_; }
    // An independent generator for a component, derived from the cluster seed.
    Random randomFor(const std::string& component) const { return random_.fork(component); }

    // ---- brokers ----
    int32_t brokerCount() const noexcept { return static_cast<int32_t>(brokers_.size()); }
    const BrokerState& broker(int32_t id) const { return brokers_.at(static_cast<size_t>(id)); }
    std::vector<int32_t> aliveBrokerIds() const {
        std::vector<int32_t> ids;
        for (const auto& b : brokers_)
            if (b.alive) ids.push_back(b.id);
        return ids;
    }

    // A fresh client.id such as "producer-1" (Kafka numbers clients per process; here per cluster).
    std::string nextClientId(const std::string& prefix) { return prefix + "-" + std::to_string(++client_counter_[prefix]); }

    // ---- topics, for inspection ----
    bool topicExists(const std::string& name) const { return topics_.count(name) != 0; }
    const TopicState& topic(const std::string& name) const { return const_cast<ClusterImpl*>(this)->topicOrThrow(name); }
    const PartitionState& partition(const TopicPartition& tp) const {
        return const_cast<ClusterImpl*>(this)->partitionOrThrow(tp);
    }
    std::vector<std::string> topicNames(bool include_internal = false) const {
        std::vector<std::string> names;
        for (const auto& kv : topics_)
            if (include_internal || !kv.second->internal) names.push_back(kv.first);
        return names;
    }

    // Every partition's leader, replicas, ISR, log end offset and high watermark.
    std::string describe() const {
        auto n = [](int64_t v) { return std::to_string(v); };
        std::string out = "Cluster: " + n(brokerCount()) + " broker(s), time " + n(nowMs()) + " ms\n";
        for (const auto& b : brokers_)
            out += "  broker " + n(b.id) + (b.alive ? " up" : " DOWN") + (faults_.isolated(b.id) ? ", isolated" : "") +
                   (b.fenced ? ", fenced" : "") + "\n";
        for (const auto& kv : topics_) {
            const TopicState& t = *kv.second;
            out += "Topic: " + t.name + "\tPartitionCount: " + n(t.partitionCount()) +
                   "\tReplicationFactor: " + n(t.partitions.empty() ? 0 : static_cast<int64_t>(t.partitions[0].replicas.size())) + "\n";
            for (const auto& p : t.partitions) {
                out += "\tPartition: " + n(p.partition) + "\tLeader: " + n(p.leader) + "\tReplicas: " + joinIds(p.replicas) +
                       "\tIsr: " + joinIds(p.isr) + "\tLogStartOffset: " + n(p.log.logStartOffset()) +
                       "\tLogEndOffset: " + n(p.log.logEndOffset()) + "\tHighWatermark: " + n(p.high_watermark) + "\n";
            }
        }
        return out;
    }

    // ---- the network ----
    // One-way delay for a message, with seeded jitter.
    int64_t networkDelayMs() {
        const int64_t jitter = config_.networkJitterMs();
        return config_.networkLatencyMs() + (jitter > 0 ? network_random_.nextBetween(0, jitter) : 0);
    }
    // The faults in force: drop, delay or duplicate the next matching messages; isolate brokers or clients.
    //   cluster.dropNext(MessageFilter::responses(ApiKey::Produce).client("producer-1"));
    void dropNext(const MessageFilter& filter, int64_t count = 1) { faults_.add(NetworkFaults::Action::Drop, filter, count); }
    void dropAll(const MessageFilter& filter) { faults_.add(NetworkFaults::Action::Drop, filter, -1); }
    void delayNext(const MessageFilter& filter, Millis delay, int64_t count = 1) {
        faults_.add(NetworkFaults::Action::Delay, filter, count, delay.count());
    }
    void duplicateNext(const MessageFilter& filter, int64_t count = 1) { faults_.add(NetworkFaults::Action::Duplicate, filter, count); }
    // Cuts a broker off from everyone (clients, other brokers, the controller) until healBroker(); the
    // controller fences it after broker.session.timeout.ms.
    void isolateBroker(int32_t id) {
        checkBroker(id);
        faults_.isolateBroker(id);
        trace_.record(nowMs(), "isolate", "broker-" + std::to_string(id));
        scheduleFencing(id);
    }
    void healBroker(int32_t id) {
        checkBroker(id);
        faults_.healBroker(id);
        trace_.record(nowMs(), "heal", "broker-" + std::to_string(id));
        if (brokers_[static_cast<size_t>(id)].alive) scheduler_.after(networkDelayMs(), [this, id] { unfence(id); });
    }
    // Cuts a client (by client.id) off from every broker until healClient().
    void isolateClient(const std::string& client_id) {
        faults_.isolateClient(client_id);
        trace_.record(nowMs(), "isolate", client_id);
    }
    void healClient(const std::string& client_id) {
        faults_.healClient(client_id);
        trace_.record(nowMs(), "heal", client_id);
    }
    // Removes every network fault (isolated brokers rejoin).
    void healNetwork() {
        for (int32_t id = 0; id < brokerCount(); ++id)
            if (faults_.isolated(id)) healBroker(id);
        faults_.clear();
    }

    // Sends a message to broker `broker_id`; `on_arrival` runs there after the network delay, unless the
    // network drops it. When the broker is down (or goes down on the way), `on_disconnect` runs at the client
    // instead, as a client notices a closed connection. (Templates, so that each message is one event holding
    // its callables as they are, not std::functions wrapped in std::functions.)
    template <class OnArrival, class OnDisconnect = NoAction>
    void toBroker(int32_t broker_id, const Envelope& m, OnArrival on_arrival, OnDisconnect on_disconnect = {}) {
        const int64_t incarnation = brokers_.at(static_cast<size_t>(broker_id)).incarnation;
        send(m, clientLink(broker_id, Direction::Request), [this, broker_id, incarnation, on_arrival = std::move(on_arrival),
                                                    on_disconnect = std::move(on_disconnect)]() mutable {
            if (brokerUp(broker_id, incarnation)) return on_arrival();
            if (present(on_disconnect)) scheduler_.at(linkArrival(clientLink(broker_id, Direction::Response)), std::move(on_disconnect));
        });
    }
    template <class OnArrival>
    void toBroker(int32_t broker_id, OnArrival on_arrival) { toBroker(broker_id, Envelope{}, std::move(on_arrival)); }
    // Sends a response from broker `from_broker` to a client.
    template <class OnArrival>
    void toClient(const Envelope& m, OnArrival on_arrival) {
        send(m, clientLink(m.broker, Direction::Response), std::move(on_arrival));
    }
    template <class OnArrival>
    void toClient(OnArrival on_arrival, int32_t from_broker = -1) {
        Envelope m;
        m.direction = Direction::Response;
        m.broker = from_broker;
        toClient(m, std::move(on_arrival));
    }
    // A request/response round trip: `handle` runs at the broker, `deliver` at the client. A request for a
    // broker that is down (or for no broker: -1, an offline partition's leader) goes to a live one.
    void roundTrip(int32_t broker_id, std::function<std::function<void()>()> handle) {
        if (broker_id < 0 || broker_id >= brokerCount() || !brokers_[static_cast<size_t>(broker_id)].alive) broker_id = anyLiveBroker();
        toBroker(broker_id, [this, broker_id, handle = std::move(handle)] { toClient(handle(), broker_id); });
    }
    // A client's request with its client.id on the network, so that isolateClient() and MessageFilter::client()
    // apply to it: `handle` runs at the broker and answers through `respond` (at once or later, as a JoinGroup
    // waits for the rebalance) with what then runs at the client. A request whose broker is down, or that gets
    // no response within `timeout_ms` (the request or the response was lost, which breaks the connection), calls
    // `on_failure` at the client instead, which has reconnected by then. A request for a broker that is down
    // (or for -1) goes to a live one.
    using Respond = std::function<void(std::function<void()>)>;
    void requestAsync(const std::shared_ptr<const std::string>& client_id, ApiKey api, int32_t broker_id, int64_t timeout_ms,
                      std::function<void(Respond)> handle, std::function<void()> on_failure) {
        if (broker_id < 0 || broker_id >= brokerCount() || !brokers_[static_cast<size_t>(broker_id)].alive) broker_id = anyLiveBroker();
        struct Call {
            bool finished = false;
            uint64_t timer = 0;
        };
        auto call = std::make_shared<Call>();
        auto fail = [this, call, client_id, broker_id, on_failure = std::move(on_failure)] {
            if (call->finished) return;
            call->finished = true;
            scheduler_.cancel(call->timer);
            reconnect(*client_id, broker_id);
            if (on_failure) on_failure();
        };
        call->timer = scheduler_.timerAfter(timeout_ms, fail);
        Envelope m;
        m.api = api;
        m.client = client_id.get();
        m.broker = broker_id;
        toBroker(broker_id, m, [this, m, call, client_id, handle = std::move(handle)] {
            handle([this, m, call, client_id](std::function<void()> deliver) {
                Envelope response = m;
                response.direction = Direction::Response;
                toClient(response, [this, call, client_id, deliver = std::move(deliver)] {
                    if (call->finished) return;
                    call->finished = true;
                    scheduler_.cancel(call->timer);
                    if (deliver) deliver();
                });
            });
        }, fail);
    }
    // The same, for a request the broker answers at once: `handle` returns what runs at the client.
    void request(const std::shared_ptr<const std::string>& client_id, ApiKey api, int32_t broker_id, int64_t timeout_ms,
                 std::function<std::function<void()>()> handle, std::function<void()> on_failure) {
        requestAsync(client_id, api, broker_id, timeout_ms, [handle = std::move(handle)](const Respond& respond) { respond(handle()); },
                     std::move(on_failure));
    }

    // A client reconnects to a broker after it gave up on the old connection (see send()).
    void reconnect(const std::string& client_id, int32_t broker_id) {
        const Connection key(client_id, broker_id);
        auto it = std::lower_bound(broken_connections_.begin(), broken_connections_.end(), key);
        if (it != broken_connections_.end() && *it == key) broken_connections_.erase(it);
    }
    // The live broker with the lowest id (metadata requests), or 0 when none is up.
    int32_t anyLiveBroker() const {
        for (const auto& b : brokers_)
            if (b.alive && !faults_.isolated(b.id)) return b.id;
        return 0;
    }

    // ---- broker failures (the controller reacts as KRaft's does) ----
    // Kills a broker: it stops at once, its clients see their connections close, and the controller fences
    // it after broker.session.timeout.ms, moving its leaderships. Its logs survive (they are on disk).
    void crashBroker(int32_t id) {
        BrokerState& b = checkBroker(id);
        if (!b.alive) return;
        b.alive = false;
        ++b.incarnation;
        trace_.record(nowMs(), "crash", "broker-" + std::to_string(id));
        stopBrokerWork(id);
        scheduleFencing(id);
    }
    // A controlled shutdown: the controller moves the broker's leaderships and removes it from every ISR
    // first, then the broker stops.
    void shutdownBroker(int32_t id) {
        BrokerState& b = checkBroker(id);
        if (!b.alive) return;
        trace_.record(nowMs(), "shutdown", "broker-" + std::to_string(id));
        fence(id);
        b.alive = false;
        ++b.incarnation;
        stopBrokerWork(id);
    }
    // Starts a stopped broker again: it registers with the controller, is unfenced, follows its partitions'
    // leaders (truncating where its log diverged) and rejoins the ISRs once caught up.
    void restartBroker(int32_t id) {
        BrokerState& b = checkBroker(id);
        if (b.alive) return;
        if (!b.fenced) fence(id);  // a quick restart: the old registration is fenced first
        b.alive = true;
        ++b.incarnation;
        trace_.record(nowMs(), "restart", "broker-" + std::to_string(id));
        scheduler_.after(networkDelayMs(), [this, id] { unfence(id); });
    }

    // ---- controller: topic administration (runs at the broker when the request arrives) ----
    void createTopic(const std::string& name, std::optional<int32_t> partitions, std::optional<ReplicationFactor> replication_factor,
                     const std::map<std::string, std::string>& configs, bool internal = false) {
        validateTopicName(name);
        if (topicExists(name)) throw TopicExistsException("Topic '" + name + "' already exists.");
        const int32_t n = partitions.value_or(config_.defaultPartitions());
        const int16_t rf = replication_factor.value_or(config_.defaultReplicationFactor());
        if (n <= 0) throw InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
        if (rf <= 0) throw InvalidReplicationFactorException("Replication factor must be larger than 0.");
        if (rf > brokerCount())
            throw InvalidReplicationFactorException("Unable to replicate the partition " + std::to_string(rf) +
                                                    " time(s): The target replication factor of " + std::to_string(rf) +
                                                    " cannot be reached because only " + std::to_string(brokerCount()) +
                                                    " broker(s) are registered.");
        for (const auto& kv : topics_)
            if (topicNamesCollide(name, kv.first))
                throw InvalidTopicException("Topic '" + name + "' collides with existing topic: " + kv.first);
        auto topic = std::make_unique<TopicState>();
        topic->name = name;
        topic->internal = internal;
        topic->configs = validateTopicConfigs(configs);
        auto numeric = [&](const char* key, int64_t fallback) {
            auto it = topic->configs.find(key);
            return it == topic->configs.end() ? fallback : std::stoll(it->second);
        };
        topic->timestamp_before_max_ms = numeric(TopicConfig::MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, INT64_MAX);
        topic->timestamp_after_max_ms = numeric(TopicConfig::MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, 3600000);
        topic->max_message_bytes = static_cast<int32_t>(numeric(TopicConfig::MAX_MESSAGE_BYTES_CONFIG, 1048588));
        topic->min_insync_replicas = static_cast<int32_t>(numeric(TopicConfig::MIN_IN_SYNC_REPLICAS_CONFIG, config_.minInsyncReplicas()));
        auto unclean = topic->configs.find(TopicConfig::UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
        topic->unclean_leader_election = unclean == topic->configs.end() ? config_.uncleanLeaderElection() : unclean->second == "true";
        auto ts = topic->configs.find(TopicConfig::MESSAGE_TIMESTAMP_TYPE_CONFIG);
        topic->timestamp_type =
            ts != topic->configs.end() && ts->second == "LogAppendTime" ? TimestampType::LogAppendTime : TimestampType::CreateTime;
        topic->topic_id = makeTopicId();
        addPartitions(*topic, n, rf);
        trace_.record(nowMs(), "create-topic", name, {{"partitions", n}, {"rf", rf}});
        topics_.emplace(name, std::move(topic));
    }

    void deleteTopic(const std::string& name) {
        topicOrThrow(name);
        topics_.erase(name);
        last_found_topic_ = nullptr;
        ++layout_version_;
        trace_.record(nowMs(), "delete-topic", name);
    }

    void createPartitions(const std::string& name, int32_t total) {
        TopicState& t = topicOrThrow(name);
        if (total == t.partitionCount())
            throw InvalidPartitionsException("Topic already has " + std::to_string(total) + " partition(s).");
        if (total < t.partitionCount())
            throw InvalidPartitionsException("Topic currently has " + std::to_string(t.partitionCount()) +
                                             " partitions, which is higher than the requested " + std::to_string(total) + ".");
        addPartitions(t, total - t.partitionCount(), static_cast<int16_t>(t.partitions[0].replicas.size()));
        trace_.record(nowMs(), "create-partitions", name, {{"partitions", total}});
    }

    // Metadata lookup with broker-side auto-creation (auto.create.topics.enable, num.partitions).
    TopicState* metadataFor(const std::string& name, bool allow_auto_create) {
        auto it = topics_.find(name);
        if (it != topics_.end()) return it->second.get();
        if (!allow_auto_create || !config_.autoCreateTopics()) return nullptr;
        validateTopicName(name);
        createTopic(name, std::nullopt, static_cast<int16_t>(std::min<int32_t>(config_.defaultReplicationFactor(), brokerCount())), {});
        return topics_.at(name).get();
    }
    TopicState* findTopic(const std::string& name) {
        // Most lookups in a row are for the same topic (a producer's batches, a follower's fetches).
        if (last_found_topic_ && last_found_topic_->name == name) return last_found_topic_;
        auto it = topics_.find(name);
        if (it == topics_.end()) return nullptr;
        return last_found_topic_ = it->second.get();
    }

    // ---- produce (at the partition leader) ----
    // Handles a produce request that arrived at `broker_id`; `respond` runs at the broker when the answer is
    // ready (never for acks=0, whose requests get no answer).
    void handleProduce(int32_t broker_id, const std::vector<ProduceEntry>& entries, int32_t acks, int64_t timeout_ms,
                       UniqueFunction<void(std::vector<ProducePartitionResult>)> respond, UniqueFunction<void()> on_disconnect) {
        auto request = std::make_shared<PendingProduce>();
        request->broker = broker_id;
        request->results.resize(entries.size());
        for (size_t i = 0; i < entries.size(); ++i) {
            const ProduceEntry& e = entries[i];
            PartitionState* p = appendAsLeader(broker_id, e, acks, request->results[i]);
            if (p && acks == -1 && !request->results[i].error) {
                // acks=all: wait until the high watermark passes the batch (Kafka's DelayedProduce).
                const int64_t required = request->results[i].base_offset + e.payload->count();
                if (p->high_watermark < required) {
                    ++request->waiting;
                    ack_waiters_[e.tp].push_back(AckWaiter{required, request, i});
                } else {
                    checkIsrAfterAppend(*p, e.tp, request->results[i]);
                }
            }
        }
        if (acks == 0) return;
        request->respond = std::move(respond);
        request->on_disconnect = std::move(on_disconnect);
        if (request->waiting == 0) return answer(*request);
        pending_produces_.push_back(request);
        std::weak_ptr<PendingProduce> weak = request;
        request->timer = scheduler_.timerAfter(timeout_ms, [this, weak] {
            auto r = weak.lock();
            if (!r || r->answered) return;
            // REQUEST_TIMED_OUT for the partitions whose replicas did not catch up in time: those still waiting.
            for (const auto& kv : ack_waiters_)
                for (const AckWaiter& w : kv.second)
                    if (w.request == r) r->results[w.index].error = std::make_exception_ptr(TimeoutException("Request timed out"));
            answer(*r);
        });
    }

    // ---- list offsets: -2 earliest, -1 latest, otherwise the first offset with timestamp >= ts ----
    static constexpr int64_t kEarliestTimestamp = -2;
    static constexpr int64_t kLatestTimestamp = -1;
    // With read_committed, "latest" is the last stable offset, and nothing at or after it is found.
    typename PartitionLog::TimestampAndOffset listOffset(const TopicPartition& tp, int64_t spec, bool read_committed = false) {
        PartitionState& p = partitionOrThrow(tp);
        const int64_t end = read_committed ? p.log.lastStableOffset(p.high_watermark) : p.high_watermark;
        if (spec == kEarliestTimestamp) return {-1, p.log.logStartOffset()};
        if (spec == kLatestTimestamp) return {-1, end};
        auto found = p.log.offsetForTimestamp(spec);
        if (found.offset >= end) return {};
        return found;
    }

    // ---- fetch: long-polls until fetch.min.bytes are there or fetch.max.wait.ms passes ----
    // A fetch that gets no answer (a broker down or cut off) fails at the client after request.timeout.ms
    // (30 s), with every partition in error, as after a lost connection; the consumer then fetches again.
    static constexpr int64_t kClientRequestTimeoutMs = 30000;
    static constexpr int64_t kReconnectBackoffMs = 50;  // reconnect.backoff.ms
    using FetchCallback = std::function<void(std::vector<FetchPartitionData>)>;
    void fetch(const std::shared_ptr<const std::string>& client_id, int32_t broker_id, std::vector<std::pair<TopicPartition, int64_t>> partitions,
               FetchParams params, FetchCallback on_response) {
        auto request = std::make_shared<ParkedFetch>();
        request->client_id = client_id;
        request->broker_id = broker_id;
        request->partitions = std::move(partitions);
        request->params = params;
        request->on_response = std::move(on_response);
        request->timer = scheduler_.timerAfter(kClientRequestTimeoutMs + params.max_wait_ms, [this, request] { failFetch(request); });
        Envelope m;
        m.api = ApiKey::Fetch;
        m.client = client_id.get();
        m.broker = broker_id;
        toBroker(broker_id, m, [this, request] {
            if (fetchIsSatisfied(*request) || request->params.max_wait_ms <= 0) return completeFetch(request);
            parked_fetches_.push_back(request);
            scheduler_.after(request->params.max_wait_ms, [this, request] { completeFetch(request); });
        }, [this, request] { failFetch(request); });
    }

    // ---- producer ids (InitProducerId; KRaft's controller hands them out in blocks, from 0) ----
    int64_t allocateProducerId() { return next_producer_id_++; }

    // ---- transactions: the transaction coordinator (broker side of KafkaProducer's transactional API) ----
    static constexpr const char* kTransactionStateTopic = "__transaction_state";
    static constexpr int32_t kTransactionStatePartitions = 50;  // transaction.state.log.num.partitions

    // The transaction coordinator of a transactional.id: the leader of its partition of __transaction_state
    // (abs(hashCode(id)) % 50), created on first use with replication factor min(3, brokers).
    int32_t transactionCoordinatorFor(const std::string& transactional_id) {
        if (!topicExists(kTransactionStateTopic))
            createTopic(kTransactionStateTopic, kTransactionStatePartitions, static_cast<int16_t>(std::min<int32_t>(3, brokerCount())),
                        {{TopicConfig::CLEANUP_POLICY_CONFIG, TopicConfig::CLEANUP_POLICY_COMPACT},
                         {TopicConfig::MIN_IN_SYNC_REPLICAS_CONFIG, std::to_string(std::min<int32_t>(2, brokerCount()))}},
                        true);
        return leaderFor(TopicPartition(kTransactionStateTopic, offsetsPartitionFor(transactional_id)));
    }
    const TransactionMetadata* transaction(const std::string& transactional_id) const {
        auto it = txns_.find(transactional_id);
        return it == txns_.end() ? nullptr : &it->second;
    }

    // InitProducerId with a transactional.id: a producer id with epoch 0 the first time; afterwards the same id
    // with the epoch bumped, which fences any older producer with this transactional.id and aborts the
    // transaction it left open.
    std::pair<int64_t, int16_t> initTransactionalId(const std::string& transactional_id, int64_t timeout_ms) {
        TransactionMetadata& t = txns_[transactional_id];
        if (t.producer_id < 0) {
            t.transactional_id = transactional_id;
            t.producer_id = allocateProducerId();
            t.producer_epoch = 0;
        } else {
            ++t.producer_epoch;
            if (t.inTransaction()) completeTransaction(t, false);
        }
        t.timeout_ms = timeout_ms;
        if (!t.inTransaction()) t.state = TransactionState::Empty;
        logTransaction(t);
        trace_.record(nowMs(), "init-txn", transactional_id, {{"producer", t.producer_id}, {"epoch", t.producer_epoch}});
        return {t.producer_id, t.producer_epoch};
    }

    // AddPartitionsToTxn / AddOffsetsToTxn: the partitions a transaction writes (the first one starts it, and
    // its transaction.timeout.ms), and the groups whose offsets it commits.
    std::exception_ptr addPartitionsToTransaction(const std::string& transactional_id, int64_t producer_id, int16_t epoch,
                                                  const std::vector<TopicPartition>& partitions) {
        TransactionMetadata* t = nullptr;
        if (auto error = checkTransactionalProducer(transactional_id, producer_id, epoch, t)) return error;
        for (const auto& tp : partitions)
            if (!findPartition(tp)) return std::make_exception_ptr(UnknownTopicOrPartitionException("This server does not host this topic-partition."));
        beginIfNeeded(*t);
        for (const auto& tp : partitions) t->partitions.insert(tp);
        return nullptr;
    }
    std::exception_ptr addOffsetsToTransaction(const std::string& transactional_id, int64_t producer_id, int16_t epoch,
                                               const std::string& group_id) {
        TransactionMetadata* t = nullptr;
        if (auto error = checkTransactionalProducer(transactional_id, producer_id, epoch, t)) return error;
        coordinatorFor(group_id);  // __consumer_offsets exists
        beginIfNeeded(*t);
        t->groups.insert(group_id);
        t->partitions.insert(TopicPartition(kConsumerOffsetsTopic, offsetsPartitionFor(group_id)));
        return nullptr;
    }
    // TxnOffsetCommit (at the group coordinator): offsets that become the group's committed offsets if, and
    // only if, the transaction commits.
    std::exception_ptr transactionalOffsetCommit(const std::string& transactional_id, int64_t producer_id, int16_t epoch,
                                                 const std::string& group_id, const std::string& member_id,
                                                 const std::optional<std::string>& instance_id, int32_t generation,
                                                 const std::map<TopicPartition, CommittedOffset>& offsets) {
        TransactionMetadata* t = nullptr;
        if (auto error = checkTransactionalProducer(transactional_id, producer_id, epoch, t)) return error;
        if (!t->inTransaction() || !t->groups.count(group_id))
            return std::make_exception_ptr(InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));
        const GroupError e = groups_.validateOffsetCommit(group_id, member_id, instance_id, generation, true);
        if (e != GroupError::NONE)
            return std::make_exception_ptr(CommitFailedException(
                "Transaction offset Commit failed due to consumer group metadata mismatch: the group's generation or member id "
                "is not the consumer's (it was rebalanced). Call groupMetadata() after the latest poll()."));
        for (const auto& kv : offsets) t->pending_offsets[group_id][kv.first] = kv.second;
        return nullptr;
    }
    // EndTxn: the two-phase commit. The coordinator logs PrepareCommit/PrepareAbort, writes a marker to every
    // partition of the transaction (and commits or drops the offsets sent with it), then logs the outcome.
    std::exception_ptr endTransaction(const std::string& transactional_id, int64_t producer_id, int16_t epoch, bool commit) {
        TransactionMetadata* t = nullptr;
        if (auto error = checkTransactionalProducer(transactional_id, producer_id, epoch, t)) return error;
        if (!t->inTransaction()) {
            // A retried EndTxn that already happened, or a transaction that never wrote anything.
            const bool done = t->state == (commit ? TransactionState::CompleteCommit : TransactionState::CompleteAbort);
            if (done || t->state == TransactionState::Empty) return nullptr;
            return std::make_exception_ptr(InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));
        }
        completeTransaction(*t, commit);
        return nullptr;
    }

    // ---- consumer groups ----
    static constexpr const char* kConsumerOffsetsTopic = "__consumer_offsets";
    static constexpr int32_t kOffsetsTopicPartitions = 50;  // offsets.topic.num.partitions

    GroupCoordinator& groupCoordinator() noexcept { return groups_; }
    const GroupCoordinator& groupCoordinator() const noexcept { return groups_; }

    // The partition of __consumer_offsets that holds a group: abs(hashCode(group.id)) % 50.
    static int32_t offsetsPartitionFor(const std::string& group_id) {
        // Kafka's Utils.abs (Math.abs, with 0 for Integer.MIN_VALUE) -- not toPositive, which the partitioner uses.
        const int32_t h = javaStringHashCode(group_id);
        const int32_t abs = h == INT32_MIN ? 0 : (h < 0 ? -h : h);
        return abs % kOffsetsTopicPartitions;
    }
    // The group's coordinator: the leader of its __consumer_offsets partition (created on first use,
    // replication factor min(3, brokers), as offsets.topic.replication.factor with a small cluster).
    int32_t coordinatorFor(const std::string& group_id) {
        if (!topicExists(kConsumerOffsetsTopic))
            createTopic(kConsumerOffsetsTopic, kOffsetsTopicPartitions, static_cast<int16_t>(std::min<int32_t>(3, brokerCount())),
                        {{TopicConfig::CLEANUP_POLICY_CONFIG, TopicConfig::CLEANUP_POLICY_COMPACT}}, true);
        return leaderFor(TopicPartition(kConsumerOffsetsTopic, offsetsPartitionFor(group_id)));
    }

    // An OffsetCommit request at the coordinator: checks who commits (member id and generation, see
    // GroupCoordinator::validateOffsetCommit) and that the partitions exist, then stores the offsets.
    GroupError commitGroupOffsets(const std::string& group_id, const std::string& member_id, const std::optional<std::string>& instance_id,
                                  int32_t generation, const std::map<TopicPartition, CommittedOffset>& offsets, bool transactional = false) {
        const GroupError e = groups_.validateOffsetCommit(group_id, member_id, instance_id, generation, transactional);
        if (e != GroupError::NONE) return e;
        for (const auto& kv : offsets)
            if (!findPartition(kv.first)) return GroupError::UNKNOWN_TOPIC_OR_PARTITION;
        commitOffsets(group_id, offsets);
        return GroupError::NONE;
    }

    // Stores committed offsets: in the coordinator's memory and as records in __consumer_offsets, keyed
    // (group, topic, partition) as Kafka's OffsetCommitKey, so compaction keeps the latest commit.
    void commitOffsets(const std::string& group_id, const std::map<TopicPartition, CommittedOffset>& offsets) {
        groups_.commit(group_id, offsets);
        const TopicPartition log_tp(kConsumerOffsetsTopic, offsetsPartitionFor(group_id));
        auto payload = std::make_shared<BatchPayload>();
        for (const auto& [tp, o] : offsets) {
            Bytes key, value;
            detail::appendBigEndian(key, 1, 2);  // OffsetCommitKey version 1
            appendShortString(key, group_id);
            appendShortString(key, tp.topic());
            detail::appendBigEndian(key, static_cast<uint32_t>(tp.partition()), 4);
            detail::appendBigEndian(value, 3, 2);  // OffsetCommitValue version 3
            detail::appendBigEndian(value, static_cast<uint64_t>(o.offset), 8);
            detail::appendBigEndian(value, static_cast<uint32_t>(o.leader_epoch.value_or(-1)), 4);
            appendShortString(value, o.metadata);
            detail::appendBigEndian(value, static_cast<uint64_t>(o.commit_timestamp), 8);
            appendBrokerRecord(*payload, key, value);
            trace_.record(nowMs(), "commit", group_id + "/" + tp.toString(), {{"offset", o.offset}});
        }
        if (PartitionState* p = findPartition(log_tp)) {
            if (p->leader < 0) return;  // offline: the commit lives only in the coordinator's memory
            StoredBatch batch;
            batch.payload = std::move(payload);
            appendToLeaderLog(*p, log_tp, std::move(batch));
        }
    }

    // The leader of a partition, or -1.
    int32_t leaderFor(const TopicPartition& tp) const { return leaderFor(tp.topic(), tp.partition()); }
    // Changes whenever a partition's leader, a topic or a partition count changes (so leaders read before
    // still hold while it does not).
    uint64_t layoutVersion() const noexcept { return layout_version_; }
    int32_t leaderFor(const std::string& topic, int32_t partition) const {
        auto it = topics_.find(topic);
        if (it == topics_.end() || partition < 0 || partition >= it->second->partitionCount()) return -1;
        return it->second->partitions[static_cast<size_t>(partition)].leader;
    }

    PartitionState* findPartition(const TopicPartition& tp) {
        TopicState* t = findTopic(tp.topic());
        return t ? t->partition(tp.partition()) : nullptr;
    }

    TopicState& topicOrThrow(const std::string& name) {
        auto it = topics_.find(name);
        if (it == topics_.end())
            throw UnknownTopicOrPartitionException("This server does not host this topic-partition. (topic '" + name + "')");
        return *it->second;
    }
    PartitionState& partitionOrThrow(const TopicPartition& tp) {
        PartitionState* p = findPartition(tp);
        if (!p) throw UnknownTopicOrPartitionException("This server does not host this topic-partition. (" + tp.toString() + ")");
        return *p;
    }

private:
    struct ParkedFetch {
        std::shared_ptr<const std::string> client_id;
        int32_t broker_id = 0;
        std::vector<std::pair<TopicPartition, int64_t>> partitions;
        FetchParams params;
        FetchCallback on_response;
        bool completed = false;  // answered by the broker
        bool delivered = false;  // the client has its answer (or gave up)
        uint64_t timer = 0;
    };

    // The client side of a fetch that got no answer: every partition fails as NotLeaderOrFollower, after
    // reconnect.backoff.ms.
    void failFetch(const std::shared_ptr<ParkedFetch>& f) {
        if (f->delivered) return;
        f->delivered = true;
        scheduler_.cancel(f->timer);
        reconnect(*f->client_id, f->broker_id);
        std::vector<FetchPartitionData> response;
        for (const auto& entry : f->partitions) {
            FetchPartitionData d;
            d.tp = entry.first;
            d.fetch_offset = entry.second;
            d.error = FetchPartitionData::Error::NotLeaderOrFollower;
            response.push_back(std::move(d));
        }
        scheduler_.after(kReconnectBackoffMs, [f, response = std::move(response)]() mutable { f->on_response(std::move(response)); });
    }

    // A record the broker writes itself (a commit, a marker, a transaction state), stamped with its clock.
    void appendBrokerRecord(BatchPayload& payload, const Bytes& key, const Bytes& value) const {
        payload.append(nowMs(), {key.data(), static_cast<int32_t>(key.size())}, {value.data(), static_cast<int32_t>(value.size())}, nullptr);
    }

    static void appendShortString(Bytes& out, const std::string& s) {
        detail::appendBigEndian(out, static_cast<uint16_t>(s.size()), 2);
        detail::appendString(out, s);
    }

    static std::string joinIds(const std::vector<int32_t>& ids) {
        std::string s;
        for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
        return s;
    }

    std::map<std::string, std::string> validateTopicConfigs(const std::map<std::string, std::string>& configs) const {
        const ConfigDefImpl<D>& def = TopicConfig::configDef<D>();
        for (const auto& [name, value] : configs) {
            const ConfigKey* key = def.find(name);
            if (!key) {
                std::string message = "Unknown topic config name: " + name;
                if (auto s = closestName(name, def.names())) message += " (did you mean '" + *s + "'?)";
                throw InvalidConfigurationException(message);
            }
            try {
                ConfigDefImpl<D>::parse(*key, ConfigValue(value));
            } catch (const ConfigException& e) {
                throw InvalidConfigurationException(e.what());
            }
        }
        return configs;
    }

    std::string makeTopicId() {
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        std::string id;
        for (int i = 0; i < 22; ++i) id.push_back(alphabet[topic_id_random_.nextBelow(64)]);
        return id;
    }

    // Kafka's rack-unaware replica placement: a random start broker and shift, then round robin.
    void addPartitions(TopicState& t, int32_t count, int16_t rf) {
        const int32_t n = brokerCount();
        const int32_t start_index = static_cast<int32_t>(placement_random_.nextBelow(static_cast<uint64_t>(n)));
        int32_t shift = static_cast<int32_t>(placement_random_.nextBelow(static_cast<uint64_t>(n)));
        const int32_t first_new = t.partitionCount();
        for (int32_t i = 0; i < count; ++i) {
            const int32_t pid = first_new + i;
            if (i > 0 && i % n == 0) ++shift;
            const int32_t first = (i + start_index) % n;
            PartitionState p;
            p.topic = &t;
            p.partition = pid;
            p.name = TopicPartition(t.name, pid).toString();
            p.replicas.push_back(first);
            for (int32_t j = 0; j < rf - 1; ++j) p.replicas.push_back((first + 1 + (shift + j) % (n - 1)) % n);
            // The first live replica leads (the preferred one when all are up); the ISR is the live replicas.
            for (int32_t b : p.replicas) {
                ReplicaState r;
                r.broker = b;
                r.last_caught_up_ms = nowMs();
                p.replica_states.push_back(std::move(r));
                if (brokers_[static_cast<size_t>(b)].fenced) continue;
                p.isr.push_back(b);
                if (p.leader < 0) p.leader = b;
            }
            if (p.isr.empty()) p.isr.push_back(p.replicas.front());
            p.log_owner = p.leader >= 0 ? p.leader : p.replicas.front();
            t.partitions.push_back(std::move(p));
        }
        ++layout_version_;
    }

    bool fetchIsSatisfied(const ParkedFetch& f) {
        int64_t bytes = 0;
        for (const auto& [tp, offset] : f.partitions) {
            PartitionState* p = findPartition(tp);
            if (!p || p->leader != f.broker_id) return true;  // an error is returned at once
            if (offset < p->log.logStartOffset() || offset > p->log.logEndOffset()) return true;
            bytes += p->log.bytesBetween(offset, readableEnd(*p, f.params));
        }
        return bytes >= f.params.min_bytes;
    }

    void completeFetch(const std::shared_ptr<ParkedFetch>& f) {
        if (f->completed) return;
        f->completed = true;
        std::vector<FetchPartitionData> response;
        int64_t budget = f->params.max_bytes;
        for (const auto& [tp, offset] : f->partitions) {
            FetchPartitionData d;
            d.tp = tp;
            d.fetch_offset = offset;
            PartitionState* p = findPartition(tp);
            if (!p) {
                d.error = FetchPartitionData::Error::UnknownTopicOrPartition;
            } else if (p->leader != f->broker_id) {
                d.error = FetchPartitionData::Error::NotLeaderOrFollower;
            } else {
                d.high_watermark = p->high_watermark;
                d.last_stable_offset = p->log.lastStableOffset(p->high_watermark);
                d.log_start_offset = p->log.logStartOffset();
                if (offset < p->log.logStartOffset() || offset > p->log.logEndOffset()) {
                    d.error = FetchPartitionData::Error::OffsetOutOfRange;
                } else if (budget > 0) {
                    const int64_t end = readableEnd(*p, f->params);
                    d.batches = p->log.read(offset, end, std::min<int64_t>(budget, f->params.partition_max_bytes));
                    for (const auto& b : d.batches) budget -= b.sizeInBytes();
                    if (f->params.read_committed && !d.batches.empty())
                        d.aborted_transactions = p->log.abortedTransactions(offset, d.batches.back().nextOffset());
                }
            }
            response.push_back(std::move(d));
        }
        trace_.record(nowMs(), "fetch", "broker-" + std::to_string(f->broker_id), {{"partitions", static_cast<int64_t>(response.size())}});
        Envelope m;
        m.api = ApiKey::Fetch;
        m.direction = Direction::Response;
        m.client = f->client_id.get();
        m.broker = f->broker_id;
        toClient(m, [this, f, response = std::move(response)]() mutable {
            if (f->delivered) return;
            f->delivered = true;
            scheduler_.cancel(f->timer);
            f->on_response(std::move(response));
        });
        parked_fetches_.erase(std::remove(parked_fetches_.begin(), parked_fetches_.end(), f), parked_fetches_.end());
    }

    // How far a fetch may read: the high watermark, or the last stable offset for read_committed.
    static int64_t readableEnd(const PartitionState& p, const FetchParams& params) {
        return params.read_committed ? p.log.lastStableOffset(p.high_watermark) : p.high_watermark;
    }

    void wakeParkedFetches(const TopicPartition& tp) {
        if (parked_fetches_.empty()) return;
        auto parked = parked_fetches_;  // completing one edits the list
        for (const auto& f : parked) {
            bool interested = false;
            for (const auto& entry : f->partitions) interested = interested || entry.first == tp;
            if (interested && fetchIsSatisfied(*f)) completeFetch(f);
        }
    }

    // ==== replication: appends at the leader, follower fetchers, ISR and high watermark ====

    struct AckWaiter {
        int64_t required_offset;  // the high watermark this batch needs (its last offset + 1)
        std::shared_ptr<PendingProduce> request;
        size_t index;
    };

    static bool present(const NoAction&) { return false; }
    static bool present(const std::function<void()>& f) { return static_cast<bool>(f); }
    template <class F>
    static bool present(const F&) { return true; }

    bool brokerUp(int32_t id, int64_t incarnation) const {
        const BrokerState& b = brokers_[static_cast<size_t>(id)];
        return b.alive && b.incarnation == incarnation;
    }
    BrokerState& checkBroker(int32_t id) {
        if (id < 0 || id >= brokerCount())
            throw IllegalArgumentException("No broker " + std::to_string(id) + ": the cluster has brokers 0.." + std::to_string(brokerCount() - 1));
        return brokers_[static_cast<size_t>(id)];
    }

    // The links messages travel on: each direction between the clients and a broker (broker -1: a message
    // from no broker in particular), then each follower-to-leader pair's responses.
    size_t clientLink(int32_t broker, Direction d) const noexcept {
        return 2 * static_cast<size_t>(broker + 1) + (d == Direction::Response ? 1 : 0);
    }
    size_t brokerLink(int32_t follower, int32_t leader) const noexcept {
        return 2 * (brokers_.size() + 1) + static_cast<size_t>(follower) * brokers_.size() + static_cast<size_t>(leader);
    }
    // When a message sent now on `link` arrives: no earlier than the one sent before it on the same link.
    int64_t linkArrival(size_t link, int64_t extra_delay_ms = 0) {
        int64_t& last = link_last_arrival_[link];
        last = std::max(last, nowMs() + networkDelayMs() + extra_delay_ms);
        return last;
    }

    // Puts a message on the network: FIFO per link, as over TCP; faults may drop, delay or duplicate it.
    // A message lost on a client's connection breaks that connection, as with TCP: everything after it on the
    // connection is lost too, until the client notices (a request timeout) and reconnects.
    template <class OnArrival>
    void send(const Envelope& m, size_t link, OnArrival on_arrival) {
        Delivery d;
        if (!faults_.empty() || !broken_connections_.empty()) {
            d = faults_.route(m);
            if (m.client && m.peer_broker < 0) {
                const Connection key(*m.client, m.broker);
                auto it = std::lower_bound(broken_connections_.begin(), broken_connections_.end(), key);
                if (it != broken_connections_.end() && *it == key) d.dropped = true;
                else if (d.dropped) broken_connections_.insert(it, key);
            }
        }
        if (d.dropped) {
            trace_.record(nowMs(), "net-drop", std::string(apiKeyName(m.api)) + (m.direction == Direction::Request ? " request" : " response"),
                          {{"broker", m.broker}});
            return;
        }
        const int64_t at = linkArrival(link, d.extra_delay_ms);
        if (d.copies > 1) scheduler_.at(at, OnArrival(on_arrival));
        scheduler_.at(at, std::move(on_arrival));
    }

    // Validates and appends a produce batch at the leader; fills `result`. Returns the partition when appended.
    PartitionState* appendAsLeader(int32_t broker_id, const ProduceEntry& e, int32_t acks, ProducePartitionResult& result) {
        auto fail = [&result](auto exception) {
            result.error = std::make_exception_ptr(exception);
            return nullptr;
        };
        TopicState* topic = findTopic(e.tp.topic());
        PartitionState* p = topic ? topic->partition(e.tp.partition()) : nullptr;
        if (!p) return fail(UnknownTopicOrPartitionException("This server does not host this topic-partition."));
        if (p->leader != broker_id)
            return fail(NotLeaderOrFollowerException(
                "For requests intended only for the leader, this error indicates that the broker is not the current leader."));
        const TopicState& t = *topic;
        if (e.payload->size_in_bytes > t.max_message_bytes)
            return fail(RecordTooLargeException("The request included a message larger than the max message size the server will accept."));
        if (t.timestamp_type == TimestampType::CreateTime) {
            // LogValidator: CreateTime timestamps must lie within [now - before.max.ms, now + after.max.ms].
            const int64_t lowest = t.timestamp_before_max_ms > nowMs() ? INT64_MIN : nowMs() - t.timestamp_before_max_ms;
            const int64_t highest = nowMs() + t.timestamp_after_max_ms;
            // (The batch's lowest and highest timestamps tell whether any record is out of bounds; only then are the
            // records read, to name the first such one.)
            if (e.payload->count() > 0 && (e.payload->min_timestamp < lowest || e.payload->max_timestamp > highest))
                for (const StoredRecord& r : e.payload->records())
                    if (r.timestamp() < lowest || r.timestamp() > highest)
                        return fail(InvalidTimestampException("Timestamp " + std::to_string(r.timestamp()) + " of message with offset " +
                                                              std::to_string(r.offset()) + " is out of range. The timestamp should be within [" +
                                                              std::to_string(lowest) + ", " + std::to_string(highest) + "]"));
        }
        // acks=all needs min.insync.replicas in the ISR before the write (Partition.appendRecordsToLeader).
        if (acks == -1 && static_cast<int32_t>(p->isr.size()) < t.min_insync_replicas)
            return fail(NotEnoughReplicasException("The size of the current ISR " + scalaSet(p->isr) +
                                                   " is insufficient to satisfy the min.isr requirement of " +
                                                   std::to_string(t.min_insync_replicas) + " for partition " + e.tp.toString()));
        // The idempotent producer's checks (ProducerAppendInfo): epoch, duplicate, sequence gap.
        if (e.producer.producer_id >= 0 && e.producer.base_sequence >= 0) {
            if (const ProducerStateEntry* state = p->log.producerState(e.producer.producer_id)) {
                // (The messages are built only when thrown.)
                auto where = [&] { return " at offset " + std::to_string(p->log.logEndOffset()) + " in partition " + e.tp.toString(); };
                const int32_t last_seq = incrementSequence(e.producer.base_sequence, e.payload->count() - 1);
                if (e.producer.producer_epoch < state->epoch)
                    return fail(InvalidProducerEpochException("Epoch of producer " + std::to_string(e.producer.producer_id) + where() + " is " +
                                                              std::to_string(e.producer.producer_epoch) + ", which is smaller than the last seen epoch " +
                                                              std::to_string(state->epoch)));
                if (e.producer.producer_epoch == state->epoch) {
                    if (const auto* dup = state->find(e.producer.base_sequence, last_seq)) {
                        // A retry of a batch already written: acknowledged with its original offsets, not written again.
                        result.base_offset = dup->first_offset;
                        result.log_append_time = dup->log_append_time;
                        trace_.record(nowMs(), "duplicate", e.tp.toString(), {{"base", dup->first_offset}, {"seq", e.producer.base_sequence}});
                        return p;
                    }
                    if (e.producer.base_sequence != incrementSequence(state->lastSequence(), 1))
                        return fail(OutOfOrderSequenceException(
                            "Out of order sequence number for producer " + std::to_string(e.producer.producer_id) + where() + ": " +
                            std::to_string(e.producer.base_sequence) + " (incoming seq. number), " + std::to_string(state->lastSequence()) +
                            " (current end sequence number)"));
                } else if (e.producer.base_sequence != 0) {
                    // (sic: Kafka's message has no space before "at offset")
                    return fail(OutOfOrderSequenceException(
                        "Invalid sequence number for new epoch of producer " + std::to_string(e.producer.producer_id) + where().substr(1) + ": " +
                        std::to_string(e.producer.producer_epoch) + " (request epoch), " + std::to_string(e.producer.base_sequence) +
                        " (seq. number), " + std::to_string(state->epoch) + " (current producer epoch)"));
                }
            }
        }
        StoredBatch batch;
        batch.producer = e.producer;
        if (t.timestamp_type == TimestampType::LogAppendTime) batch.log_append_time = nowMs();
        batch.payload = e.payload;
        result.base_offset = appendToLeaderLog(*p, e.tp, std::move(batch));
        result.log_append_time = t.timestamp_type == TimestampType::LogAppendTime ? nowMs() : -1;
        return p;
    }

    // Appends at the leader (stamping the leader epoch), then lets followers and waiting fetches know.
    int64_t appendToLeaderLog(PartitionState& p, const TopicPartition& tp, StoredBatch batch) {
        batch.partition_leader_epoch = p.leader_epoch;
        const int64_t base = p.log.append(std::move(batch));
        trace_.record(nowMs(), "append", p.name, {{"base", base}, {"count", p.log.batches().back().count()}, {"leo", p.log.logEndOffset()}});
        for (const auto& r : p.replica_states)
            if (r.broker != p.leader) wakeFetcher(r.broker, p.leader);
        maybeAdvanceHighWatermark(p, tp);
        if (p.isr.size() > 1) scheduleIsrCheck();
        return base;
    }

    // NOT_ENOUGH_REPLICAS_AFTER_APPEND: written, but the ISR shrank below min.insync.replicas meanwhile.
    void checkIsrAfterAppend(const PartitionState& p, const TopicPartition& tp, ProducePartitionResult& result) {
        const int32_t min_isr = p.topic->min_insync_replicas;
        if (static_cast<int32_t>(p.isr.size()) < min_isr)
            result.error = std::make_exception_ptr(NotEnoughReplicasAfterAppendException(
                "The size of the current ISR " + scalaSet(p.isr) + " is insufficient to satisfy the min.isr requirement of " +
                std::to_string(min_isr) + " for partition " + tp.toString()));
    }

    void answer(PendingProduce& r) {
        if (r.answered) return;
        r.answered = true;
        scheduler_.cancel(r.timer);
        pending_produces_.erase(std::remove_if(pending_produces_.begin(), pending_produces_.end(),
                                               [&r](const std::shared_ptr<PendingProduce>& x) { return x.get() == &r; }),
                                pending_produces_.end());
        r.respond(std::move(r.results));
    }

    // The high watermark: the smallest log end offset in the ISR; it never goes back at a leader.
    void maybeAdvanceHighWatermark(PartitionState& p, const TopicPartition& tp) {
        if (p.leader < 0) return;
        int64_t hw = p.log.logEndOffset();
        for (int32_t b : p.isr)
            if (b != p.leader) hw = std::min(hw, p.replica(b).fetch_offset);
        if (hw <= p.high_watermark) return;
        p.high_watermark = hw;
        p.replica(p.leader).high_watermark = hw;
        completeAckWaiters(p, tp, nullptr);
        wakeParkedFetches(tp);
    }

    // Answers acks=all batches the high watermark has passed; with `error`, every waiting batch fails.
    void completeAckWaiters(PartitionState& p, const TopicPartition& tp, std::exception_ptr error) {
        auto it = ack_waiters_.find(tp);
        if (it == ack_waiters_.end()) return;
        auto& waiters = it->second;
        while (!waiters.empty() && (error || waiters.front().required_offset <= p.high_watermark)) {
            AckWaiter w = std::move(waiters.front());
            waiters.pop_front();
            PendingProduce& r = *w.request;
            if (r.answered) continue;
            if (error) {
                r.results[w.index].error = error;
                r.results[w.index].base_offset = -1;
            } else {
                checkIsrAfterAppend(p, tp, r.results[w.index]);
            }
            if (--r.waiting == 0) answer(r);
        }
    }

    // -- follower fetchers: one per (follower, leader) pair, one request in flight at a time --
    struct Fetcher {
        bool running = false;  // a request is in flight or parked at the leader
        bool parked = false;
        uint64_t generation = 0;  // of the request in flight
        uint64_t retry_timer = kNoTimer;  // resends the request in flight if it goes unanswered
        // The partitions this follower replicates from this leader, in topic-name order; rebuilt when
        // leadership or the set of partitions changed (layout_version_).
        std::vector<std::pair<const std::string*, const PartitionState*>> followed;
        uint64_t followed_version = ~uint64_t{0};
    };

    Fetcher& fetcher(int32_t follower, int32_t leader) {
        return fetchers_[static_cast<size_t>(follower) * brokers_.size() + static_cast<size_t>(leader)];
    }

    void startFetchers(const PartitionState& p) {
        for (const auto& r : p.replica_states)
            if (r.broker != p.leader) startFetcher(r.broker, p.leader);
    }
    void startFetcher(int32_t follower, int32_t leader) {
        if (leader < 0 || follower == leader || !brokers_[static_cast<size_t>(follower)].alive) return;
        Fetcher& f = fetcher(follower, leader);
        if (f.running) return;
        sendReplicaFetch(follower, leader);
    }
    // Wakes a fetch parked at the leader because the leader has new data.
    void wakeFetcher(int32_t follower, int32_t leader) {
        Fetcher& f = fetcher(follower, leader);
        if (!f.parked) return startFetcher(follower, leader);
        f.parked = false;
        respondReplicaFetch(follower, leader, followerPositions(follower, leader));
    }

    // The partitions a follower fetches from a leader, with its log end offsets: only those with news (the
    // follower is behind, the leader does not know its position yet, it is out of the ISR or its high
    // watermark is old), as Kafka's incremental fetch sessions (KIP-227) send only what changed.
    std::vector<std::pair<TopicPartition, int64_t>> followerPositions(int32_t follower, int32_t leader) {
        std::vector<std::pair<TopicPartition, int64_t>> positions;
        for (const auto& [topic, p] : followedPartitions(follower, leader)) {
            const ReplicaState& r = p->replica(follower);
            const int64_t leo = r.log.logEndOffset();
            if (leo != p->log.logEndOffset() || leo != r.fetch_offset || !p->inIsr(follower) || r.high_watermark < p->high_watermark)
                positions.emplace_back(TopicPartition(*topic, p->partition), leo);
        }
        return positions;
    }

    const std::vector<std::pair<const std::string*, const PartitionState*>>& followedPartitions(int32_t follower, int32_t leader) {
        Fetcher& f = fetcher(follower, leader);
        if (f.followed_version == layout_version_) return f.followed;
        f.followed.clear();
        for (const auto& kv : topics_)
            for (const auto& p : kv.second->partitions)
                if (p.leader == leader && p.log_owner != follower && p.hasReplica(follower)) f.followed.emplace_back(&kv.first, &p);
        f.followed_version = layout_version_;
        return f.followed;
    }

    void sendReplicaFetch(int32_t follower, int32_t leader) {
        Fetcher& f = fetcher(follower, leader);
        std::vector<std::pair<TopicPartition, int64_t>> positions = followerPositions(follower, leader);
        f.running = true;
        f.parked = positions.empty();  // nothing to ask: as a fetch parked at the leader until it has news
        if (f.parked) return;
        const uint64_t generation = ++f.generation;
        // A request lost on the way is sent again after replica.socket.timeout.ms (30 s). (The previous request's
        // retry is moot now that the generation moved on.)
        scheduler_.cancel(f.retry_timer);
        f.retry_timer = scheduler_.backgroundTimerAfter(kClientRequestTimeoutMs, [this, follower, leader, generation] {
            Fetcher& g = fetcher(follower, leader);
            if (g.running && !g.parked && g.generation == generation) sendReplicaFetch(follower, leader);
        });
        Envelope m;
        m.api = ApiKey::Fetch;
        m.client = &broker_client_ids_[static_cast<size_t>(follower)];
        m.broker = leader;
        m.peer_broker = follower;
        const int64_t follower_incarnation = brokers_[static_cast<size_t>(follower)].incarnation;
        toBroker(leader, m, [this, follower, leader, follower_incarnation, positions = std::move(positions)]() mutable {
            if (!brokerUp(follower, follower_incarnation)) return;
            onReplicaFetch(follower, leader, std::move(positions));
        });
    }

    // At the leader: a follower's fetch arrived; it tells the leader how far the follower got.
    void onReplicaFetch(int32_t follower, int32_t leader, std::vector<std::pair<TopicPartition, int64_t>> positions) {
        bool has_data = false;
        for (const auto& [tp, offset] : positions) {
            PartitionState* p = findPartition(tp);
            if (!p || p->leader != leader) continue;
            ReplicaState& r = p->replica(follower);
            // Kafka's Replica.updateFetchState: caught up when it reached the leader's log end offset now, or
            // the one the leader had at the follower's previous fetch.
            const int64_t leo = p->log.logEndOffset();
            if (offset >= leo) r.last_caught_up_ms = nowMs();
            else if (offset >= r.leader_leo_at_last_fetch) r.last_caught_up_ms = std::max(r.last_caught_up_ms, r.last_fetch_ms);
            r.fetch_offset = std::min(offset, leo);
            r.last_fetch_ms = nowMs();
            r.leader_leo_at_last_fetch = leo;
            maybeExpandIsr(*p, tp, follower);
            maybeAdvanceHighWatermark(*p, tp);
            if (offset != leo) has_data = true;
        }
        if (has_data) return respondReplicaFetch(follower, leader, std::move(positions));
        fetcher(follower, leader).parked = true;  // replica.fetch.wait.max.ms: parked until the leader has new data
    }

    void respondReplicaFetch(int32_t follower, int32_t leader, std::vector<std::pair<TopicPartition, int64_t>> positions) {
        struct Item {
            TopicPartition tp;
            int64_t fetch_offset;
            int32_t leader_epoch;
            int64_t high_watermark;
            int64_t truncate_to;  // -1, or where the follower's log diverges from the leader's
            std::vector<StoredBatch> batches;
        };
        std::vector<Item> items;
        for (const auto& [tp, offset] : positions) {
            PartitionState* p = findPartition(tp);
            if (!p || p->leader != leader) continue;
            Item item{tp, offset, p->leader_epoch, p->high_watermark, divergence(*p, follower), {}};
            if (item.truncate_to < 0) item.batches = p->log.read(offset, p->log.logEndOffset(), kReplicaFetchMaxBytes);
            items.push_back(std::move(item));
        }
        Envelope m;
        m.api = ApiKey::Fetch;
        m.direction = Direction::Response;
        m.client = &broker_client_ids_[static_cast<size_t>(follower)];
        m.broker = leader;
        m.peer_broker = follower;
        const int64_t follower_incarnation = brokers_[static_cast<size_t>(follower)].incarnation;
        const int64_t leader_incarnation = brokers_[static_cast<size_t>(leader)].incarnation;
        send(m, brokerLink(follower, leader),
             [this, follower, leader, follower_incarnation, leader_incarnation, items = std::move(items)]() mutable {
                 if (!brokerUp(follower, follower_incarnation)) return;
                 Fetcher& f = fetcher(follower, leader);
                 f.running = false;
                 if (!brokerUp(leader, leader_incarnation)) return;  // the leader died: its fetcher stops
                 for (auto& item : items) {
                     PartitionState* p = findPartition(item.tp);
                     if (!p || p->leader != leader || p->leader_epoch != item.leader_epoch) continue;
                     ReplicaState& r = p->replica(follower);
                     if (item.truncate_to >= 0) {
                         trace_.record(nowMs(), "truncate", item.tp.toString(), {{"broker", follower}, {"offset", item.truncate_to}});
                         r.log.truncateTo(item.truncate_to);
                         continue;
                     }
                     if (r.log.logEndOffset() != item.fetch_offset) continue;
                     for (auto& b : item.batches)
                         if (b.base_offset >= r.log.logEndOffset()) r.log.appendAt(std::move(b));
                     r.high_watermark = std::min(item.high_watermark, r.log.logEndOffset());
                 }
                 startFetcher(follower, leader);
             });
    }

    // Where a follower's log stops agreeing with the leader's (Kafka finds it with leader epochs,
    // OffsetsForLeaderEpoch); -1 when the follower's log is a prefix of the leader's.
    static int64_t divergence(PartitionState& p, int32_t follower) {
        const PartitionLog& mine = p.log;
        const PartitionLog& theirs = p.replica(follower).log;
        auto same = [&](const StoredBatch& b) {
            const size_t i = mine.batchIndexFor(b.base_offset);
            if (i >= mine.batches().size()) return false;
            const StoredBatch& m = mine.batches()[i];
            return m.base_offset == b.base_offset && m.payload == b.payload && m.partition_leader_epoch == b.partition_leader_epoch;
        };
        const auto& batches = theirs.batches();
        if (batches.empty() || same(batches.back())) return -1;
        for (const auto& b : batches)
            if (!same(b)) return b.base_offset;
        return -1;
    }

    // -- the ISR --
    void maybeExpandIsr(PartitionState& p, const TopicPartition& tp, int32_t follower) {
        if (p.inIsr(follower) || brokers_[static_cast<size_t>(follower)].fenced) return;
        const ReplicaState& r = p.replica(follower);
        if (r.fetch_offset < p.high_watermark || r.fetch_offset < p.leader_epoch_start_offset) return;
        p.isr.push_back(follower);
        sortLike(p.isr, p.replicas);
        trace_.record(nowMs(), "isr-expand", tp.toString(), {{"broker", follower}, {"isr", static_cast<int64_t>(p.isr.size())}});
    }

    // The leader's periodic check (every replica.lag.time.max.ms / 2, while some ISR follower lags): a follower
    // not caught up for replica.lag.time.max.ms leaves the ISR.
    void scheduleIsrCheck() {
        if (isr_check_scheduled_) return;
        isr_check_scheduled_ = true;
        scheduler_.afterBackground(config_.replicaLagTimeMaxMs() / 2, [this] {
            isr_check_scheduled_ = false;
            bool lagging = false;
            for (auto& kv : topics_)
                for (auto& p : kv.second->partitions) {
                    if (p.leader < 0 || !brokers_[static_cast<size_t>(p.leader)].alive || faults_.isolated(p.leader)) continue;
                    const TopicPartition tp(kv.first, p.partition);
                    for (size_t i = 0; i < p.isr.size(); ++i) {
                        const int32_t b = p.isr[i];
                        if (b == p.leader) continue;
                        const ReplicaState& r = p.replica(b);
                        if (r.fetch_offset >= p.log.logEndOffset()) continue;
                        if (nowMs() - r.last_caught_up_ms > config_.replicaLagTimeMaxMs()) {
                            p.isr.erase(p.isr.begin() + static_cast<std::ptrdiff_t>(i--));
                            trace_.record(nowMs(), "isr-shrink", tp.toString(), {{"broker", b}, {"isr", static_cast<int64_t>(p.isr.size())}});
                            maybeAdvanceHighWatermark(p, tp);
                        } else {
                            lagging = true;
                        }
                    }
                }
            if (lagging) scheduleIsrCheck();
        });
    }

    // ==== the transaction coordinator ====

    // The producer of a transactional.id must be its current one: an older epoch is a zombie.
    std::exception_ptr checkTransactionalProducer(const std::string& transactional_id, int64_t producer_id, int16_t epoch,
                                                  TransactionMetadata*& out) {
        auto it = txns_.find(transactional_id);
        if (it == txns_.end() || it->second.producer_id != producer_id)
            return std::make_exception_ptr(InvalidTxnStateException("The producer attempted to use a producer id which is not currently assigned to its transactional id."));
        if (epoch < it->second.producer_epoch)
            return std::make_exception_ptr(ProducerFencedException(
                "There is a newer producer with the same transactionalId which fences the current one."));
        out = &it->second;
        return nullptr;
    }

    // The first partition or group of a transaction starts it, and its transaction.timeout.ms: a transaction
    // still open then is aborted by the coordinator, with the epoch bumped so that its producer is fenced.
    void beginIfNeeded(TransactionMetadata& t) {
        if (t.inTransaction()) return;
        t.state = TransactionState::Ongoing;
        t.start_ms = nowMs();
        t.partitions.clear();
        t.groups.clear();
        t.pending_offsets.clear();
        logTransaction(t);
        const std::string id = t.transactional_id;
        const int64_t start = t.start_ms;
        t.timeout_timer = scheduler_.timerAfter(t.timeout_ms, [this, id, start] {
            TransactionMetadata& tm = txns_.at(id);
            if (!tm.inTransaction() || tm.start_ms != start) return;
            trace_.record(nowMs(), "txn-timeout", id, {{"producer", tm.producer_id}});
            ++tm.producer_epoch;
            completeTransaction(tm, false);
        });
    }

    void completeTransaction(TransactionMetadata& t, bool commit) {
        scheduler_.cancel(t.timeout_timer);
        t.state = commit ? TransactionState::PrepareCommit : TransactionState::PrepareAbort;
        logTransaction(t);
        for (const auto& tp : t.partitions) writeMarker(tp, t.producer_id, t.producer_epoch, commit);
        if (commit)
            for (const auto& kv : t.pending_offsets) commitOffsets(kv.first, kv.second);
        t.state = commit ? TransactionState::CompleteCommit : TransactionState::CompleteAbort;
        logTransaction(t);
        trace_.record(nowMs(), commit ? "txn-commit" : "txn-abort", t.transactional_id,
                      {{"producer", t.producer_id}, {"partitions", static_cast<int64_t>(t.partitions.size())}});
        t.partitions.clear();
        t.groups.clear();
        t.pending_offsets.clear();
    }

    // A transaction marker: a control batch of one record (key: version 0, type 0 abort / 1 commit; value:
    // version 0, coordinator epoch) that takes one offset and is never returned to applications.
    void writeMarker(const TopicPartition& tp, int64_t producer_id, int16_t epoch, bool commit) {
        PartitionState* p = findPartition(tp);
        if (!p) return;
        if (p->leader < 0 || !brokers_[static_cast<size_t>(p->leader)].alive || faults_.isolated(p->leader)) {
            // The leader is unreachable: the coordinator keeps the marker and tries again (WriteTxnMarkers is
            // retried until it succeeds), at the next leader change or every retry.backoff.ms.
            auto& pending = pending_markers_[tp];
            if (pending.empty()) scheduler_.afterBackground(kMarkerRetryMs, [this, tp] { writePendingMarkers(tp); });
            pending.push_back(PendingMarker{producer_id, epoch, commit});
            return;
        }
        auto payload = std::make_shared<BatchPayload>();
        Bytes key, value;
        detail::appendBigEndian(key, 0, 2);
        detail::appendBigEndian(key, commit ? 1 : 0, 2);
        detail::appendBigEndian(value, 0, 2);
        detail::appendBigEndian(value, 0, 4);
        appendBrokerRecord(*payload, key, value);
        StoredBatch marker;
        marker.producer = ProducerIdentity{producer_id, epoch, -1, true};
        marker.control = commit ? ControlType::Commit : ControlType::Abort;
        marker.payload = std::move(payload);
        appendToLeaderLog(*p, tp, std::move(marker));
    }

    static constexpr int64_t kMarkerRetryMs = 100;
    struct PendingMarker {
        int64_t producer_id;
        int16_t epoch;
        bool commit;
    };
    void writePendingMarkers(const TopicPartition& tp) {
        auto it = pending_markers_.find(tp);
        if (it == pending_markers_.end()) return;
        auto markers = std::move(it->second);
        pending_markers_.erase(it);
        for (const auto& m : markers) writeMarker(tp, m.producer_id, m.epoch, m.commit);
    }

    // Each state change is a record of __transaction_state keyed by the transactional.id, as Kafka logs it.
    void logTransaction(const TransactionMetadata& t) {
        PartitionState* p = findPartition(TopicPartition(kTransactionStateTopic, offsetsPartitionFor(t.transactional_id)));
        if (!p || p->leader < 0) return;
        auto payload = std::make_shared<BatchPayload>();
        Bytes key, value;
        detail::appendBigEndian(key, 0, 2);
        appendShortString(key, t.transactional_id);
        detail::appendBigEndian(value, 0, 2);
        detail::appendBigEndian(value, static_cast<uint64_t>(t.producer_id), 8);
        detail::appendBigEndian(value, static_cast<uint16_t>(t.producer_epoch), 2);
        detail::appendBigEndian(value, static_cast<uint32_t>(t.timeout_ms), 4);
        detail::appendBigEndian(value, static_cast<uint8_t>(t.state), 1);
        appendBrokerRecord(*payload, key, value);
        StoredBatch batch;
        batch.payload = std::move(payload);
        appendToLeaderLog(*p, TopicPartition(kTransactionStateTopic, p->partition), std::move(batch));
    }

    // ==== the controller ====

    void scheduleFencing(int32_t id) {
        const int64_t incarnation = brokers_[static_cast<size_t>(id)].incarnation;
        scheduler_.after(config_.brokerSessionTimeoutMs(), [this, id, incarnation] {
            const BrokerState& b = brokers_[static_cast<size_t>(id)];
            // Still silent: crashed (the same incarnation, or a later one that has not registered) or cut off.
            if (!b.fenced && ((!b.alive && b.incarnation == incarnation) || faults_.isolated(id))) fence(id);
        });
    }

    // Fences a broker: out of every ISR (KRaft never empties an ISR: its last member stays), and new leaders
    // for the partitions it led.
    void fence(int32_t id) {
        BrokerState& b = brokers_[static_cast<size_t>(id)];
        if (b.fenced) return;
        b.fenced = true;
        trace_.record(nowMs(), "fence", "broker-" + std::to_string(id));
        forEachPartition([&](PartitionState& p, const TopicPartition& tp) {
            if (p.isr.size() > 1 && p.inIsr(id)) {
                p.isr.erase(std::find(p.isr.begin(), p.isr.end(), id));
                maybeAdvanceHighWatermark(p, tp);
            }
            if (p.leader == id) elect(p, tp);
        });
    }

    void unfence(int32_t id) {
        BrokerState& b = brokers_[static_cast<size_t>(id)];
        if (!b.fenced || !b.alive || faults_.isolated(id)) return;
        b.fenced = false;
        trace_.record(nowMs(), "unfence", "broker-" + std::to_string(id));
        forEachPartition([&](PartitionState& p, const TopicPartition& tp) {
            if (std::find(p.replicas.begin(), p.replicas.end(), id) == p.replicas.end()) return;
            if (p.leader < 0 || p.leader == id) elect(p, tp);
            else startFetcher(id, p.leader);
        });
        scheduleLeaderRebalance();
    }

    // Elects a leader: the first replica (in assignment order) that is in the ISR and unfenced; with
    // unclean.leader.election.enable, else the first unfenced replica (its missing records are lost).
    void elect(PartitionState& p, const TopicPartition& tp) {
        int32_t leader = -1;
        for (int32_t b : p.replicas)
            if (p.inIsr(b) && !brokers_[static_cast<size_t>(b)].fenced) {
                leader = b;
                break;
            }
        bool unclean = false;
        if (leader < 0 && topics_.at(tp.topic())->unclean_leader_election)
            for (int32_t b : p.replicas)
                if (!brokers_[static_cast<size_t>(b)].fenced) {
                    leader = b;
                    unclean = true;
                    break;
                }
        if (unclean) p.isr = {leader};
        changeLeader(p, tp, leader, unclean);
    }

    void changeLeader(PartitionState& p, const TopicPartition& tp, int32_t leader, bool unclean) {
        if (leader == p.leader && leader >= 0) return;
        const int32_t old = p.leader;
        p.leader = leader;
        ++layout_version_;
        if (leader >= 0) {
            ++p.leader_epoch;
            p.takeLogOf(leader);
            ReplicaState& me = p.replica(leader);
            p.high_watermark = std::min(me.high_watermark, p.log.logEndOffset());
            p.leader_epoch_start_offset = p.log.logEndOffset();
            for (auto& r : p.replica_states) {
                r.fetch_offset = 0;  // unknown until each follower fetches
                r.last_caught_up_ms = nowMs();
                r.last_fetch_ms = nowMs();
                r.leader_leo_at_last_fetch = 0;
            }
        }
        trace_.record(nowMs(), unclean ? "unclean-leader" : "leader", tp.toString(), {{"from", old}, {"to", leader}, {"epoch", p.leader_epoch}});
        completeAckWaiters(p, tp, std::make_exception_ptr(NotLeaderOrFollowerException(
                                      "For requests intended only for the leader, this error indicates that the broker is not the current leader.")));
        wakeParkedFetches(tp);  // fetches parked at the old leader now fail, and go to the new one
        if (leader >= 0) {
            startFetchers(p);
            maybeAdvanceHighWatermark(p, tp);
            writePendingMarkers(tp);
        }
    }

    // auto.leader.rebalance.enable: every leader.imbalance.check.interval, a broker leading fewer than 90% of
    // the partitions it is the preferred leader of (leader.imbalance.per.broker.percentage = 10) gets them
    // back, where it is in the ISR.
    void scheduleLeaderRebalance() {
        if (!config_.autoLeaderRebalance() || rebalance_scheduled_) return;
        rebalance_scheduled_ = true;
        scheduler_.afterBackground(config_.leaderImbalanceCheckIntervalMs(), [this] {
            rebalance_scheduled_ = false;
            std::map<BrokerId, std::pair<int64_t, int64_t>> preferred;  // broker -> (preferred count, not leading)
            forEachPartition([&](PartitionState& p, const TopicPartition&) {
                auto& c = preferred[p.replicas.front()];
                ++c.first;
                if (p.leader != p.replicas.front()) ++c.second;
            });
            bool imbalanced = false;
            forEachPartition([&](PartitionState& p, const TopicPartition& tp) {
                const int32_t pref = p.replicas.front();
                const auto& c = preferred[pref];
                if (p.leader == pref || c.second * 100 <= c.first * 10) return;
                if (p.inIsr(pref) && !brokers_[static_cast<size_t>(pref)].fenced) changeLeader(p, tp, pref, false);
                else imbalanced = true;
            });
            if (imbalanced) scheduleLeaderRebalance();
        });
    }

    // A broker that stops loses its in-memory work: parked fetches and pending produces (their clients see the
    // connection close), and its fetchers.
    void stopBrokerWork(int32_t id) {
        auto parked = parked_fetches_;
        for (const auto& f : parked)
            if (f->broker_id == id) {
                f->completed = true;
                parked_fetches_.erase(std::remove(parked_fetches_.begin(), parked_fetches_.end(), f), parked_fetches_.end());
                scheduler_.after(networkDelayMs(), [this, f] { failFetch(f); });
            }
        auto pending = pending_produces_;
        for (const auto& r : pending)
            if (r->broker == id && !r->answered) {
                r->answered = true;
                scheduler_.cancel(r->timer);
                if (r->on_disconnect) scheduler_.after(networkDelayMs(), std::move(r->on_disconnect));
            }
        pending_produces_.erase(std::remove_if(pending_produces_.begin(), pending_produces_.end(),
                                               [](const std::shared_ptr<PendingProduce>& r) { return r->answered; }),
                                pending_produces_.end());
        for (int32_t other = 0; other < brokerCount(); ++other) {
            Fetcher& as_follower = fetcher(id, other);
            Fetcher& as_leader = fetcher(other, id);
            as_follower.running = as_follower.parked = false;
            as_leader.running = as_leader.parked = false;
        }
    }

    template <class F>
    void forEachPartition(F&& f) {
        for (auto& kv : topics_)
            for (auto& p : kv.second->partitions) f(p, TopicPartition(kv.first, p.partition));
    }
    static void sortLike(std::vector<int32_t>& ids, const std::vector<int32_t>& order) {
        std::vector<int32_t> sorted;
        for (int32_t b : order)
            if (std::find(ids.begin(), ids.end(), b) != ids.end()) sorted.push_back(b);
        ids = std::move(sorted);
    }
    // Scala's Set.toString, as Kafka's messages print an ISR: Set(1, 2).
    static std::string scalaSet(const std::vector<int32_t>& ids) {
        std::string s = "Set(";
        for (size_t i = 0; i < ids.size(); ++i) s += (i ? ", " : "") + std::to_string(ids[i]);
        return s + ")";
    }

    static constexpr int64_t kReplicaFetchMaxBytes = 1048576;  // replica.fetch.max.bytes

    ClusterConfig config_;
    Scheduler scheduler_;
    ByteArena batch_memory_;
    Trace trace_;
    Random random_;
    Random network_random_;
    Random placement_random_ = random_.fork("replica-placement");
    Random topic_id_random_ = random_.fork("topic-id");
    std::vector<BrokerState> brokers_;
    std::vector<std::string> broker_client_ids_;
    std::map<std::string, std::unique_ptr<TopicState>> topics_;
    TopicState* last_found_topic_ = nullptr;  // findTopic()'s last answer
    std::vector<std::shared_ptr<ParkedFetch>> parked_fetches_;
    ClientCounts client_counter_;
    std::vector<int64_t> link_last_arrival_;  // per link (see clientLink()): the arrival time of its latest message
    NetworkFaults faults_;
    std::vector<Connection> broken_connections_;  // sorted
    std::vector<Fetcher> fetchers_;  // brokers x brokers, see fetcher()
    uint64_t layout_version_ = 0;  // changes with leadership, topics and partitions (Fetcher::followed)
    std::map<TopicPartition, std::deque<AckWaiter>> ack_waiters_;  // an entry stays when empty: the next batch reuses it
    std::vector<std::shared_ptr<PendingProduce>> pending_produces_;
    int64_t next_producer_id_ = 0;
    std::map<std::string, TransactionMetadata> txns_;
    std::map<TopicPartition, std::vector<PendingMarker>> pending_markers_;
    bool isr_check_scheduled_ = false;
    bool rebalance_scheduled_ = false;
    GroupCoordinator groups_{random_.fork("group-coordinator"), scheduler_};
};

}  // namespace detail

}  // namespace kstream_sim

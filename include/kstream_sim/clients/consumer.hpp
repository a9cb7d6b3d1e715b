// KafkaConsumer: assignment or subscription (to topics or a pattern), fetch positions, poll, seek, commits and auto-commit.
//
// poll(timeout) sends fetch requests to partition leaders (long-polling on fetch.min.bytes and
// fetch.max.wait.ms at the broker), then returns at most max.poll.records buffered records, running the
// virtual clock for at most `timeout`. Positions advance as records are returned; commits store them with
// the group coordinator. A partition without a committed offset starts per auto.offset.reset.
#pragma once

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "../broker/cluster.hpp"
#include "../core/dependent.hpp"
#include "../core/pattern.hpp"
#include "assignors.hpp"
#include "client_configs.hpp"
#include "consumer_record.hpp"
#include "future.hpp"
#include "producer.hpp"
#include "serdes.hpp"

namespace kstream_sim {

namespace detail {

// auto.offset.reset: latest, earliest, none, or by_duration:<ISO-8601 duration> (KIP-1106, Kafka 4.0), which
// resets to the first offset whose timestamp is at most that long ago (the log end if there is none).
struct AutoOffsetReset {
    enum class Kind { Latest, Earliest, None, ByDuration } kind = Kind::Latest;
    int64_t duration_ms = 0;

    static AutoOffsetReset parse(const std::string& value) {
        auto invalid = [&] {
            return invalidConfigValue(ConsumerConfig::AUTO_OFFSET_RESET_CONFIG, value,
                                      "The value must be either 'earliest', 'latest', 'none' or of the format "
                                      "'by_duration:<PnDTnHnMn.nS.>'.");
        };
        if (value == "latest") return {Kind::Latest, 0};
        if (value == "earliest") return {Kind::Earliest, 0};
        if (value == "none") return {Kind::None, 0};
        const std::string prefix = "by_duration:";
        if (value.compare(0, prefix.size(), prefix) != 0) throw invalid();
        auto ms = parseIsoDurationMs(value.substr(prefix.size()));
        if (!ms || *ms < 0) throw invalid();
        return {Kind::ByDuration, *ms};
    }

    // java.time.Duration.parse for PnDTnHnMn.nS (no sign), in milliseconds.
    static std::optional<int64_t> parseIsoDurationMs(const std::string& text) {
        if (text.size() < 3 || (text[0] != 'P' && text[0] != 'p')) return std::nullopt;
        int64_t total = 0;
        bool in_time = false, any = false;
        size_t i = 1;
        while (i < text.size()) {
            if (text[i] == 'T' || text[i] == 't') {
                if (in_time) return std::nullopt;
                in_time = true;
                ++i;
                continue;
            }
            size_t j = i;
            while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) ++j;
            if (j == i || j >= text.size()) return std::nullopt;
            const double number = std::strtod(text.substr(i, j - i).c_str(), nullptr);
            const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text[j])));
            double unit_ms = 0;
            if (unit == 'D' && !in_time) unit_ms = 86400000.0;
            else if (unit == 'H' && in_time) unit_ms = 3600000.0;
            else if (unit == 'M' && in_time) unit_ms = 60000.0;
            else if (unit == 'S' && in_time) unit_ms = 1000.0;
            else return std::nullopt;
            total += static_cast<int64_t>(number * unit_ms);
            any = true;
            i = j + 1;
        }
        return any ? std::optional<int64_t>(total) : std::nullopt;
    }
};

// A record as fetched, before deserialization; points into a batch the consumer still holds.
struct RawRecord {
    const TopicPartition* tp;
    StoredRecord record;
    TimestampType timestamp_type;
    int32_t leader_epoch;
};

template <class D = void>
class ConsumerCoreImpl;
// A class template only so that it is compiled when used (see SchedulerImpl in core/scheduler.hpp).
using ConsumerCore = ConsumerCoreImpl<>;

template <class D>
class ConsumerCoreImpl {
    // The parts, named through this template's parameter so that they too are compiled only when used.
    using Cluster = ClusterImpl<D>;
    using Properties = PropertiesImpl<D>;
    using AbstractConfig = AbstractConfigImpl<D>;
    using Scheduler = SchedulerImpl<D>;
    using Pattern = PatternImpl<D>;
    using PartitionLog = PartitionLogImpl<D>;
    // Plain types named through D too: containers of them are then built only with this class.
    using TopicPartition = Dependent<kstream_sim::TopicPartition, D>;
    using OffsetAndMetadata = Dependent<kstream_sim::OffsetAndMetadata, D>;
    using PartitionInfo = Dependent<kstream_sim::PartitionInfo, D>;
    using JoinGroupResult = Dependent<kstream_sim::JoinGroupResult, D>;
    using SyncGroupResult = Dependent<kstream_sim::SyncGroupResult, D>;
    using RawRecord = Dependent<detail::RawRecord, D>;
    using CommittedOffset = Dependent<kstream_sim::CommittedOffset, D>;
    using ConsumerRebalanceListener = Dependent<kstream_sim::ConsumerRebalanceListener, D>;
    using FetchPartitionData = Dependent<kstream_sim::FetchPartitionData, D>;
    using JoinGroupResponseMember = Dependent<kstream_sim::JoinGroupResponseMember, D>;
    using TopicState = Dependent<kstream_sim::TopicState, D>;
    using ConsumerGroupState = Dependent<kstream_sim::ConsumerGroupState, D>;
    using JoinGroupRequest = Dependent<kstream_sim::JoinGroupRequest, D>;
    using GroupProtocols = Dependent<kstream_sim::GroupProtocols, D>;
    using GroupAssignmentMap = Dependent<kstream_sim::GroupAssignmentMap, D>;
    // Likewise standard types that only this class puts in containers (a std::set<int32_t> member, a
    // std::make_shared<std::exception_ptr>() would build those classes in every program).
    using BrokerId = Dependent<int32_t, D>;
    using ProducerId = Dependent<int64_t, D>;
    using ExceptionPtr = Dependent<std::exception_ptr, D>;
    using PartitionCounts = Dependent<std::map<std::string, int32_t>, D>;

public:
    ConsumerCoreImpl(Cluster& cluster, const Properties& props)
        : cluster_(cluster), config_(ConsumerConfig::configDef<D>(), props, "the consumer") {
        group_id_ = config_.getOptionalString(ConsumerConfig::GROUP_ID_CONFIG);
        instance_id_ = config_.getOptionalString(ConsumerConfig::GROUP_INSTANCE_ID_CONFIG);
        client_id_ = config_.getString(ConsumerConfig::CLIENT_ID_CONFIG);
        if (client_id_.empty()) client_id_ = cluster.nextClientId(group_id_ ? "consumer-" + *group_id_ : std::string("consumer"));
        network_id_ = std::make_shared<const std::string>(client_id_);
        request_timeout_ms_ = config_.getInt(ConsumerConfig::REQUEST_TIMEOUT_MS_CONFIG);
        auto_commit_ = group_id_ && config_.getBoolean(ConsumerConfig::ENABLE_AUTO_COMMIT_CONFIG);
        auto_commit_interval_ms_ = config_.getInt(ConsumerConfig::AUTO_COMMIT_INTERVAL_MS_CONFIG);
        next_auto_commit_ms_ = cluster.nowMs() + auto_commit_interval_ms_;
        reset_policy_ = AutoOffsetReset::parse(config_.getString(ConsumerConfig::AUTO_OFFSET_RESET_CONFIG));
        max_poll_records_ = config_.getInt(ConsumerConfig::MAX_POLL_RECORDS_CONFIG);
        fetch_.min_bytes = config_.getInt(ConsumerConfig::FETCH_MIN_BYTES_CONFIG);
        fetch_.max_wait_ms = config_.getInt(ConsumerConfig::FETCH_MAX_WAIT_MS_CONFIG);
        fetch_.max_bytes = config_.getInt(ConsumerConfig::FETCH_MAX_BYTES_CONFIG);
        fetch_.partition_max_bytes = config_.getInt(ConsumerConfig::MAX_PARTITION_FETCH_BYTES_CONFIG);
        fetch_.read_committed = config_.getString(ConsumerConfig::ISOLATION_LEVEL_CONFIG) == "read_committed";
        default_api_timeout_ms_ = config_.getInt(ConsumerConfig::DEFAULT_API_TIMEOUT_MS_CONFIG);
        allow_auto_create_ = config_.getBoolean(ConsumerConfig::ALLOW_AUTO_CREATE_TOPICS_CONFIG);
        session_timeout_ms_ = config_.getInt(ConsumerConfig::SESSION_TIMEOUT_MS_CONFIG);
        heartbeat_interval_ms_ = config_.getInt(ConsumerConfig::HEARTBEAT_INTERVAL_MS_CONFIG);
        max_poll_interval_ms_ = config_.getInt(ConsumerConfig::MAX_POLL_INTERVAL_MS_CONFIG);
        metadata_max_age_ms_ = config_.getLong(ConsumerConfig::METADATA_MAX_AGE_CONFIG);
        retry_backoff_ms_ = config_.getLong(ConsumerConfig::RETRY_BACKOFF_MS_CONFIG);
        exclude_internal_topics_ = config_.getBoolean(ConsumerConfig::EXCLUDE_INTERNAL_TOPICS_CONFIG);
        last_metadata_ms_ = cluster.nowMs();
        if (group_id_ && heartbeat_interval_ms_ >= session_timeout_ms_)
            throw ConfigException(std::string(ConsumerConfig::HEARTBEAT_INTERVAL_MS_CONFIG) + " must be less than " +
                                  ConsumerConfig::SESSION_TIMEOUT_MS_CONFIG);
        assignors_ = assignorNames(config_.getList(ConsumerConfig::PARTITION_ASSIGNMENT_STRATEGY_CONFIG));
        // The rebalance protocol: COOPERATIVE only when every configured assignor supports it (Kafka picks the
        // highest protocol all assignors share).
        cooperative_ = std::all_of(assignors_.begin(), assignors_.end(), [](const std::string& a) { return supportsCooperativeProtocol(a); });
    }
    ConsumerCoreImpl(const ConsumerCoreImpl&) = delete;
    ConsumerCoreImpl& operator=(const ConsumerCoreImpl&) = delete;

    const AbstractConfig& config() const noexcept { return config_; }
    const std::string& clientId() const noexcept { return client_id_; }
    Cluster& cluster() noexcept { return cluster_; }

    // ---- subscription and assignment ----
    void subscribe(const std::vector<std::string>& topics, std::shared_ptr<ConsumerRebalanceListener> listener) {
        ensureOpen();
        if (topics.empty()) return unsubscribe();
        if (mode_ == Mode::Assigned || pattern_) throw IllegalStateException(kMutuallyExclusive);
        requireGroupId();
        for (const auto& t : topics) {
            if (t.empty() || t.find_first_not_of(" \t") == std::string::npos)
                throw IllegalArgumentException("Topic collection to subscribe to cannot contain null or empty topic");
        }
        mode_ = Mode::Subscribed;
        const std::set<std::string> next(topics.begin(), topics.end());
        if (next != subscription_) rejoin_needed_ = true;
        subscription_ = next;
        listener_ = std::move(listener);
    }

    // The topics are those whose whole name matches (internal ones only with exclude.internal.topics=false),
    // re-resolved whenever the consumer's metadata is refreshed: before each join, and every
    // metadata.max.age.ms while in the group. A change of the matching set makes the consumer rejoin.
    void subscribe(const Pattern& pattern, std::shared_ptr<ConsumerRebalanceListener> listener) {
        ensureOpen();
        if (pattern.pattern().empty()) throw IllegalArgumentException("Topic pattern to subscribe to cannot be empty");
        if (mode_ == Mode::Assigned || (mode_ == Mode::Subscribed && !pattern_)) throw IllegalStateException(kMutuallyExclusive);
        requireGroupId();
        mode_ = Mode::Subscribed;
        if (!pattern_ || pattern_->pattern() != pattern.pattern()) rejoin_needed_ = true;
        pattern_ = pattern;
        metadata_needed_ = true;  // match against fresh metadata before joining
        listener_ = std::move(listener);
    }

    void assign(const std::vector<TopicPartition>& partitions) {
        ensureOpen();
        if (partitions.empty()) return unsubscribe();
        if (mode_ == Mode::Subscribed) throw IllegalStateException(kMutuallyExclusive);
        for (const auto& tp : partitions)
            if (tp.topic().empty()) throw IllegalArgumentException("Topic partitions to assign to cannot have null or empty topic");
        mode_ = Mode::Assigned;
        std::map<TopicPartition, PartitionState> next;
        for (const auto& tp : partitions) {
            auto it = assignment_.find(tp);
            next.emplace(tp, it != assignment_.end() ? it->second : PartitionState{});
        }
        assignment_.swap(next);
        dropBuffered([this](const TopicPartition& tp) { return !assignment_.count(tp); });
    }

    void unsubscribe() {
        if (mode_ == Mode::Subscribed) {
            onLeavePrepare();
            maybeLeaveGroup();
        }
        mode_ = Mode::None;
        pattern_.reset();
        assignment_snapshot_.reset();
        subscription_.clear();
        assignment_.clear();
        buffered_.clear();
    }

    std::set<TopicPartition> assignment() const {
        std::set<TopicPartition> out;
        for (const auto& kv : assignment_) out.insert(kv.first);
        return out;
    }
    const std::set<std::string>& subscription() const noexcept { return subscription_; }

    // ---- poll ----
    // Collects up to max.poll.records raw records; call consume() once they are deserialized.
    std::vector<RawRecord> poll(int64_t timeout_ms) {
        ensureOpen();
        if (mode_ == Mode::None) throw IllegalStateException("Consumer is not subscribed to any topics or assigned any partitions");
        const int64_t deadline = timeout_ms >= Scheduler::kForever - cluster_.nowMs() ? Scheduler::kForever : cluster_.nowMs() + timeout_ms;
        last_poll_ms_ = cluster_.nowMs();
        maybeAutoCommit();
        while (true) {
            if (mode_ == Mode::Subscribed) driveGroup();
            updateFetchPositions(deadline);
            auto records = peekBuffered();
            if (!records.empty()) return records;
            sendFetches();
            const uint64_t responses_before = fetch_responses_;
            cluster_.scheduler().runUntil(deadline, [&] {
                return hasBufferedForAssignment() || groupEventPending() || fetch_responses_ != responses_before;
            });
            // Responses due in this same millisecond (from other brokers) arrive together.
            cluster_.scheduler().runUntil(cluster_.nowMs(), [] { return false; });
            if (groupEventPending()) continue;
            if (hasBufferedForAssignment() || cluster_.nowMs() >= deadline) {
                auto out = peekBuffered();
                if (out.empty()) sendFetches();
                return out;
            }
        }
    }

    // Advances positions past the records poll() returned (they were deserialized without error).
    void consume(const std::vector<RawRecord>& records) {
        for (const auto& r : records) {
            auto it = assignment_.find(*r.tp);
            if (it != assignment_.end()) it->second.position = r.record.offset() + 1;
        }
        advancePastSkipped();
        trimBuffered();
        sendFetches();  // prefetch, as Kafka's consumer pipelines the next fetch
    }

    // A record failed to deserialize: stay at its offset (Kafka's RecordDeserializationException contract).
    void stopAt(const TopicPartition& tp, int64_t offset) {
        auto it = assignment_.find(tp);
        if (it != assignment_.end()) it->second.position = offset;
        trimBuffered();
    }

    // ---- positions ----
    void seek(const TopicPartition& tp, int64_t offset) {
        if (offset < 0) throw IllegalArgumentException("seek offset must not be a negative number");
        PartitionState& p = assigned(tp, "No current assignment for partition ");
        p.position = offset;
        p.pending_reset.reset();
        dropBuffered([&](const TopicPartition& t) { return t == tp; });
    }
    void seekTo(const std::vector<TopicPartition>& partitions, int64_t spec) {
        const auto targets = partitions.empty() ? std::vector<TopicPartition>(assignmentList()) : partitions;
        for (const auto& tp : targets) {
            PartitionState& p = assigned(tp, "No current assignment for partition ");
            p.position.reset();
            p.pending_reset = spec;
            dropBuffered([&](const TopicPartition& t) { return t == tp; });
        }
    }
    int64_t position(const TopicPartition& tp, int64_t timeout_ms) {
        assigned(tp, "You can only check the position for partitions assigned to this consumer.");
        updateFetchPositions(cluster_.nowMs() + timeout_ms);
        PartitionState& p = assignment_.at(tp);
        if (!p.position) throw TimeoutException("Timeout of " + std::to_string(timeout_ms) + "ms expired before the position for partition " + tp.toString() + " could be determined");
        return *p.position;
    }

    // ---- offsets ----
    std::map<TopicPartition, int64_t> listOffsets(const std::vector<TopicPartition>& partitions, int64_t spec, int64_t timeout_ms) {
        std::map<TopicPartition, int64_t> out;
        for (const auto& [tp, found] : listOffsetsWithTimestamps(partitions, spec, timeout_ms)) out[tp] = found.offset;
        return out;
    }
    std::map<TopicPartition, typename PartitionLog::TimestampAndOffset> listOffsetsWithTimestamps(const std::vector<TopicPartition>& partitions,
                                                                                         int64_t spec, int64_t timeout_ms) {
        auto results = std::make_shared<std::map<TopicPartition, typename PartitionLog::TimestampAndOffset>>();
        auto errors = std::make_shared<ExceptionPtr>();
        auto pending = std::make_shared<size_t>(partitions.size());
        Awaiting awaiting;
        for (const auto& tp : partitions) {
            sendUntilAnswered(ApiKey::ListOffsets, [this, tp] { return leaderOrAny(tp); }, awaiting.wanted,
                              [c = &cluster_, tp, spec, results, errors, pending, read_committed = fetch_.read_committed]() -> std::function<void()> {
                                  try {
                                      auto found = c->listOffset(tp, spec, read_committed);
                                      return [=] { (*results)[tp] = found; --*pending; };
                                  } catch (const KafkaException&) {
                                      auto e = std::current_exception();
                                      return [=] { *errors = e; --*pending; };
                                  }
                              });
        }
        blockUntil(cluster_.scheduler(), [&] { return *pending == 0; }, "listOffsets", timeout_ms);
        if (*errors) std::rethrow_exception(*errors);
        return *results;
    }

    std::map<TopicPartition, std::optional<OffsetAndMetadata>> committed(const std::set<TopicPartition>& partitions, int64_t timeout_ms) {
        requireGroupId();
        auto result = std::make_shared<std::map<TopicPartition, std::optional<OffsetAndMetadata>>>();
        auto done = std::make_shared<bool>(false);
        const std::string group = *group_id_;
        Awaiting awaiting;
        sendUntilAnswered(ApiKey::OffsetFetch, [this] { return coordinator(); }, awaiting.wanted,
                          [c = &cluster_, group, partitions, result, done]() -> std::function<void()> {
            std::map<TopicPartition, std::optional<OffsetAndMetadata>> found;
            const ConsumerGroupState* g = c->groupCoordinator().find(group);
            for (const auto& tp : partitions) {
                found[tp] = std::nullopt;
                if (!g) continue;
                auto it = g->offsets.find(tp);
                if (it != g->offsets.end()) found[tp] = OffsetAndMetadata(it->second.offset, it->second.leader_epoch, it->second.metadata);
            }
            return [result, done, found] { *result = found; *done = true; };
        });
        blockUntil(cluster_.scheduler(), [&] { return *done; }, "committed", timeout_ms);
        return *result;
    }

    // Positions of all assigned partitions that have one: what commitSync() without arguments commits.
    std::map<TopicPartition, OffsetAndMetadata> allConsumedOffsets() const {
        std::map<TopicPartition, OffsetAndMetadata> out;
        for (const auto& [tp, p] : assignment_)
            if (p.position) out.emplace(tp, OffsetAndMetadata(*p.position, p.position_epoch, ""));
        return out;
    }

    // Sends a commit; `on_done` runs when the coordinator has answered. A subscribed consumer commits as a member
    // of the group's current generation (ConsumerCoordinator.sendOffsetCommitRequest); an assigned one without
    // member id and generation, which the coordinator accepts only while the group has no members.
    void sendCommit(const std::map<TopicPartition, OffsetAndMetadata>& offsets, std::function<void(std::exception_ptr)> on_done) {
        requireGroupId();
        const bool subscribed = mode_ == Mode::Subscribed;
        if (subscribed && member_state_ != MemberState::Stable) {
            if (member_state_ != MemberState::Unjoined)
                return on_done(std::make_exception_ptr(RebalanceInProgressException(
                    "Offset commit cannot be completed since the consumer is undergoing a rebalance for auto partition "
                    "assignment. You can try completing the rebalance by calling poll() and then retry the operation.")));
            return on_done(std::make_exception_ptr(CommitFailedException(
                "Offset commit cannot be completed since the consumer is not part of an active group for auto partition "
                "assignment; it is likely that the consumer was kicked out of the group.")));
        }
        const std::string group = *group_id_;
        const std::string member = subscribed ? member_id_ : std::string();
        const auto instance = subscribed ? instance_id_ : std::nullopt;
        const int32_t generation = subscribed ? generation_ : -1;
        std::map<TopicPartition, CommittedOffset> commit;
        for (const auto& [tp, o] : offsets) commit[tp] = CommittedOffset{o.offset(), o.leaderEpoch(), o.metadata(), cluster_.nowMs()};
        cluster_.request(network_id_, ApiKey::OffsetCommit, coordinator(), request_timeout_ms_,
                         [this, alive = alive_, c = &cluster_, group, member, instance, generation, commit, on_done]() -> std::function<void()> {
            const GroupError e = c->commitGroupOffsets(group, member, instance, generation, commit);
            return [this, alive, e, generation, commit, on_done] {
                if (e == GroupError::NONE) return on_done(nullptr);
                if (e == GroupError::UNKNOWN_TOPIC_OR_PARTITION)
                    return on_done(std::make_exception_ptr(UnknownTopicOrPartitionException(
                        "This server does not host this topic-partition. (" + commit.begin()->first.toString() + ")")));
                if (e == GroupError::REBALANCE_IN_PROGRESS) {
                    if (*alive) rejoin_needed_ = true;
                    return on_done(std::make_exception_ptr(RebalanceInProgressException(
                        "Offset commit cannot be completed since the consumer group is executing a rebalance at the moment. "
                        "You can try completing the rebalance by calling poll() and then retry commit again")));
                }
                if (e == GroupError::FENCED_INSTANCE_ID)
                    return on_done(std::make_exception_ptr(FencedInstanceIdException(fencedMessage())));
                // UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION: the group went on without this member.
                if (*alive && generation >= 0 && generation == generation_) resetGeneration(e == GroupError::UNKNOWN_MEMBER_ID);
                on_done(std::make_exception_ptr(CommitFailedException(
                    "Commit cannot be completed since the group has already rebalanced and assigned the partitions to another "
                    "member. This means that the time between subsequent calls to poll() was longer than the configured "
                    "max.poll.interval.ms, which typically implies that the poll loop is spending too much time message "
                    "processing. You can address this either by increasing max.poll.interval.ms or by reducing the maximum "
                    "size of batches returned in poll() with max.poll.records.")));
            };
        }, [on_done] {
            on_done(std::make_exception_ptr(RetriableCommitFailedException(
                "Offset commit failed with a retriable exception. You should retry committing the latest consumed offsets.")));
        });
    }

    void commitSync(const std::map<TopicPartition, OffsetAndMetadata>& offsets, int64_t timeout_ms) {
        ensureOpen();
        if (offsets.empty()) return;
        // A commit that got no answer (a lost request or response, the coordinator down) is sent again after
        // retry.backoff.ms until the timeout, as ConsumerCoordinator.commitOffsetsSync does.
        const int64_t deadline = cluster_.nowMs() + timeout_ms;
        for (;;) {
            auto done = std::make_shared<bool>(false);
            auto error = std::make_shared<ExceptionPtr>();
            sendCommit(offsets, [done, error](std::exception_ptr e) { *error = e; *done = true; });
            const bool answered = cluster_.scheduler().runUntil(deadline, [&] { return *done; });
            const bool retry = answered && *error && detail::holds<RetriableCommitFailedException>(*error);
            if (!answered || (retry && cluster_.nowMs() + retry_backoff_ms_ >= deadline))
                throw TimeoutException("Timeout of " + std::to_string(timeout_ms) + "ms expired before successfully committing offsets " +
                                       describeOffsets(offsets));
            if (retry) {
                cluster_.scheduler().advanceTo(cluster_.nowMs() + retry_backoff_ms_);
                continue;
            }
            if (*error) std::rethrow_exception(*error);
            break;
        }
        last_commit_ = offsets;
    }

    void commitAsync(const std::map<TopicPartition, OffsetAndMetadata>& offsets, OffsetCommitCallback callback) {
        ensureOpen();
        sendCommit(offsets, [offsets, callback = std::move(callback)](std::exception_ptr e) {
            if (!callback) return;
            if (!e) return callback(offsets, nullptr);
            try {
                std::rethrow_exception(e);
            } catch (const KafkaException& ex) {
                callback(offsets, &ex);
            }
        });
    }

    ConsumerGroupMetadata groupMetadata() const {
        requireGroupId();
        return ConsumerGroupMetadata(*group_id_, generation_, member_id_, instance_id_);
    }

    int64_t defaultApiTimeoutMs() const noexcept { return default_api_timeout_ms_; }

    void close(int64_t timeout_ms) {
        if (closed_) return;
        if (auto_commit_ && mode_ != Mode::None) {
            try {
                commitSync(allConsumedOffsets(), timeout_ms);
            } catch (const KafkaException&) {
                // Kafka logs a failed final auto-commit and closes anyway.
            }
        }
        if (mode_ == Mode::Subscribed) {
            onLeavePrepare();
            maybeLeaveGroup();
        }
        closed_ = true;
    }

    // kstream_sim's extension (Kafka has no such call): the process running this consumer dies. Everything
    // stops at once -- no commit, no LeaveGroup, no more heartbeats or fetches, no callbacks -- so the group
    // notices only when session.timeout.ms passes without a heartbeat. The consumer cannot be used afterwards.
    void simulateCrash() {
        if (closed_) return;
        *alive_ = false;
        closed_ = true;
        crashed_ = true;
        cluster_.trace().record(cluster_.nowMs(), "crash", client_id_, {});
    }

    std::vector<PartitionInfo> partitionsFor(const std::string& topic, int64_t timeout_ms) {
        auto result = std::make_shared<std::optional<std::vector<PartitionInfo>>>();
        Awaiting awaiting;
        sendUntilAnswered(ApiKey::Metadata, [] { return -1; }, awaiting.wanted,
                          [c = &cluster_, topic, result, allow = allow_auto_create_]() -> std::function<void()> {
            std::vector<PartitionInfo> out;
            if (TopicState* t = c->metadataFor(topic, allow))
                for (const auto& p : t->partitions) out.emplace_back(topic, p.partition, p.leader, p.replicas, p.isr);
            return [result, out] { *result = out; };
        });
        blockUntil(cluster_.scheduler(), [&] { return result->has_value(); }, "partitionsFor", timeout_ms);
        return **result;
    }

    std::map<std::string, std::vector<PartitionInfo>> listTopics(int64_t timeout_ms) {
        auto result = std::make_shared<std::optional<std::map<std::string, std::vector<PartitionInfo>>>>();
        const bool exclude_internal = config_.getBoolean(ConsumerConfig::EXCLUDE_INTERNAL_TOPICS_CONFIG);
        Awaiting awaiting;
        sendUntilAnswered(ApiKey::Metadata, [] { return -1; }, awaiting.wanted, [c = &cluster_, result, exclude_internal]() -> std::function<void()> {
            std::map<std::string, std::vector<PartitionInfo>> out;
            for (const auto& name : c->topicNames(!exclude_internal))
                for (const auto& p : c->topic(name).partitions) out[name].emplace_back(name, p.partition, p.leader, p.replicas, p.isr);
            return [result, out] { *result = out; };
        });
        blockUntil(cluster_.scheduler(), [&] { return result->has_value(); }, "listTopics", timeout_ms);
        return **result;
    }

    void markDestroyed() { *alive_ = false; }
    bool crashed() const noexcept { return crashed_; }

private:
    enum class Mode { None, Subscribed, Assigned };
    enum class MemberState { Unjoined, PreparingRebalance, CompletingRebalance, Stable };
    struct PartitionState {
        std::optional<int64_t> position;
        std::optional<int32_t> position_epoch;
        std::optional<int64_t> pending_reset;  // an explicit seekToBeginning/End
    };
    struct FetchedBatch {
        TopicPartition tp;
        StoredBatch batch;
        // A batch no application sees (a transaction marker; with read_committed, an aborted transaction's
        // data): kept only so that the position moves past its offsets, as Kafka's does.
        bool skip = false;
    };
    struct TopicMetadata {
        int32_t partitions;
        bool internal;
    };
    static constexpr const char* kMutuallyExclusive = "Subscription to topics, partitions and pattern are mutually exclusive";

    void ensureOpen() const {
        if (crashed_)
            throw IllegalStateException("This consumer was crashed with simulateCrash(); it can do nothing more. Create a new "
                                        "KafkaConsumer (with the same group.instance.id, if it is a static member) to restart it.");
        if (closed_) throw IllegalStateException("This consumer has already been closed.");
    }
    void requireGroupId() const {
        if (!group_id_ || group_id_->empty())
            throw InvalidGroupIdException("To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration.");
    }
    PartitionState& assigned(const TopicPartition& tp, const std::string& message) {
        auto it = assignment_.find(tp);
        if (it == assignment_.end()) {
            if (message.back() == ' ') throw IllegalStateException(message + tp.toString());
            throw IllegalStateException(message);
        }
        return it->second;
    }
    std::vector<TopicPartition> assignmentList() const {
        std::vector<TopicPartition> out;
        for (const auto& kv : assignment_) out.push_back(kv.first);
        return out;
    }

    int32_t coordinator() { return cluster_.coordinatorFor(*group_id_); }

    // ---- requests that a blocking call waits for ----
    // While an Awaiting lives, the call that made it still wants its answer.
    struct Awaiting {
        std::shared_ptr<bool> wanted = std::make_shared<bool>(true);
        ~Awaiting() { *wanted = false; }
    };
    // Sends a request to the broker `target()` picks (asked again at every attempt: a leader or coordinator may
    // have moved), and again after retry.backoff.ms each time it fails (its broker down, or no answer within
    // request.timeout.ms), as long as the caller still waits: Kafka's clients retry such requests until the
    // call's own timeout.
    template <class Target, class Handle>
    void sendUntilAnswered(ApiKey api, Target target, const std::shared_ptr<bool>& wanted, Handle handle) {
        cluster_.request(network_id_, api, target(), request_timeout_ms_, handle, [this, alive = alive_, api, target, wanted, handle] {
            if (!*alive || !*wanted) return;
            cluster_.scheduler().after(retry_backoff_ms_, [this, alive, api, target, wanted, handle] {
                if (*alive && *wanted) sendUntilAnswered(api, target, wanted, handle);
            });
        });
    }

    // Kafka's Map.toString of offsets: {orders-0=OffsetAndMetadata{offset=3, leaderEpoch=null, metadata=''}}.
    static std::string describeOffsets(const std::map<TopicPartition, OffsetAndMetadata>& offsets) {
        std::string out = "{";
        for (const auto& [tp, o] : offsets) out += (out.size() > 1 ? ", " : "") + tp.toString() + "=" + o.toString();
        return out + "}";
    }
    int32_t leaderOrAny(const TopicPartition& tp) const {
        const int32_t leader = cluster_.leaderFor(tp);
        return leader >= 0 ? leader : 0;
    }

    // ---- the group: Kafka's classic protocol, as ConsumerCoordinator runs it ----
    // poll() drives it: it prepares and sends JoinGroup, handles the JoinGroup response (the leader runs the
    // assignor and sends the assignment in its SyncGroup), and applies the SyncGroup response with the rebalance
    // listener's callbacks. Heartbeats run on the scheduler, like Kafka's background heartbeat thread, so they go
    // on while the application does not poll; they also enforce max.poll.interval.ms.

    // partition.assignment.strategy: Kafka's class names, as the assignors' protocol names.
    static std::vector<std::string> assignorNames(const std::vector<std::string>& classes) {
        static const char* const known[][2] = {
            {"org.apache.kafka.clients.consumer.RangeAssignor", RangeAssignor::RANGE_ASSIGNOR_NAME},
            {"org.apache.kafka.clients.consumer.RoundRobinAssignor", RoundRobinAssignor::ROUNDROBIN_ASSIGNOR_NAME},
            {"org.apache.kafka.clients.consumer.StickyAssignor", StickyAssignor::STICKY_ASSIGNOR_NAME},
            {"org.apache.kafka.clients.consumer.CooperativeStickyAssignor", CooperativeStickyAssignor::COOPERATIVE_STICKY_ASSIGNOR_NAME},
        };
        std::vector<std::string> out;
        for (const auto& c : classes) {
            const char* name = nullptr;
            for (const auto& k : known)
                if (c == k[0]) name = k[1];
            if (!name)
                throw ConfigException("Invalid value " + c + " for configuration " + ConsumerConfig::PARTITION_ASSIGNMENT_STRATEGY_CONFIG +
                                      ": Class " + c + " could not be found. kstream_sim has "
                                      "org.apache.kafka.clients.consumer.RangeAssignor, RoundRobinAssignor, StickyAssignor and "
                                      "CooperativeStickyAssignor.");
            out.push_back(name);
        }
        if (out.empty())
            throw ConfigException(std::string("Invalid value [] for configuration ") + ConsumerConfig::PARTITION_ASSIGNMENT_STRATEGY_CONFIG +
                                  ": Empty list not allowed.");
        return out;
    }

    bool groupEventPending() const {
        if (mode_ != Mode::Subscribed) return false;
        return join_response_ || sync_response_ || fatal_ || metadata_version_ != metadata_applied_ || readyToJoin();
    }
    // A join is due; a pattern subscription waits for the metadata it is matched against.
    bool readyToJoin() const {
        return rejoin_needed_ && (member_state_ == MemberState::Unjoined || member_state_ == MemberState::Stable) &&
               !(pattern_ && metadata_in_flight_);
    }

    std::string fencedMessage() const {
        return "The broker rejected this static consumer since another consumer with the same group.instance.id (" +
               instance_id_.value_or("") + ") has registered with a different member.id.";
    }

    // One step at a time until nothing is left to do now; the responses arrive while poll() waits.
    void driveGroup() {
        while (true) {
            if (fatal_) std::rethrow_exception(fatal_);
            maybeUpdateSubscriptionMetadata();
            if (join_response_) {
                JoinGroupResult r = std::move(*join_response_);
                join_response_.reset();
                onJoinResponse(std::move(r));
            } else if (sync_response_) {
                SyncGroupResult r = std::move(*sync_response_);
                sync_response_.reset();
                onSyncResponse(std::move(r));
            } else if (readyToJoin()) {
                // As Kafka's ConsumerCoordinator: a pattern is matched against metadata at most retry.backoff.ms old
                // before each join, so that topics created meanwhile are part of the subscription.
                if (pattern_ && (metadata_needed_ || cluster_.nowMs() - last_metadata_ms_ >= std::max<int64_t>(retry_backoff_ms_, 1))) {
                    requestMetadata();
                    continue;
                }
                if (needs_join_prepare_) onJoinPrepare();
                sendJoinGroup();
            } else {
                return;
            }
        }
    }

    // Before joining: the auto-commit, then what the protocol gives up (ConsumerCoordinator.onJoinPrepare).
    void onJoinPrepare() {
        if (auto_commit_ && member_state_ == MemberState::Stable) {
            try {
                commitSync(allConsumedOffsets(), default_api_timeout_ms_);
            } catch (const KafkaException&) {
                // Kafka logs the failed auto-commit and goes on joining.
            }
        }
        needs_join_prepare_ = false;
        const std::set<TopicPartition> owned = assignment();
        if (generation_ < 0 || member_id_.empty()) {
            // The generation was reset (session expired, poll timeout, fenced): what we owned is lost.
            if (!owned.empty()) {
                if (listener_) listener_->onPartitionsLost(owned);
                assignFromSubscribed({});
            }
        } else if (!cooperative_) {
            if (listener_) listener_->onPartitionsRevoked(owned);
            assignFromSubscribed({});
        } else {
            std::set<TopicPartition> gone;
            for (const auto& tp : owned)
                if (!subscription_.count(tp.topic())) gone.insert(tp);
            if (!gone.empty()) {
                if (listener_) listener_->onPartitionsRevoked(gone);
                std::set<TopicPartition> kept;
                for (const auto& tp : owned)
                    if (!gone.count(tp)) kept.insert(tp);
                assignFromSubscribed(kept);
            }
        }
        is_leader_ = false;
    }

    // The subscription sent with each assignor: owned partitions and their generation as each one expects them.
    GroupProtocols joinProtocols() const {
        ConsumerProtocolSubscription base;
        base.topics.assign(subscription_.begin(), subscription_.end());
        for (const auto& kv : assignment_) base.owned_partitions.push_back(kv.first);
        GroupProtocols out;
        for (const auto& a : assignors_) {
            ConsumerProtocolSubscription m = base;
            if (a == StickyAssignor::STICKY_ASSIGNOR_NAME) {
                m.owned_partitions = sticky_previous_;
                m.generation = sticky_generation_;
            } else if (a == CooperativeStickyAssignor::COOPERATIVE_STICKY_ASSIGNOR_NAME) {
                m.generation = sticky_generation_;
            }
            out.emplace_back(a, std::move(m));
        }
        return out;
    }

    // JoinGroup and SyncGroup wait at the coordinator for the rebalance: Kafka gives them rebalance.timeout.ms
    // (max.poll.interval.ms) + 5 s, or request.timeout.ms if longer.
    int64_t rebalanceRequestTimeoutMs() const { return std::max<int64_t>(request_timeout_ms_, max_poll_interval_ms_ + 5000); }

    void sendJoinGroup() {
        member_state_ = MemberState::PreparingRebalance;
        rejoin_needed_ = false;
        ++heartbeat_epoch_;  // no heartbeats while joining
        JoinGroupRequest request;
        request.group_id = *group_id_;
        request.member_id = member_id_;
        request.client_id = client_id_;
        request.group_instance_id = instance_id_;
        request.session_timeout_ms = session_timeout_ms_;
        request.rebalance_timeout_ms = max_poll_interval_ms_;
        request.protocols = joinProtocols();
        const bool allow = allow_auto_create_;
        cluster_.requestAsync(network_id_, ApiKey::JoinGroup, coordinator(), rebalanceRequestTimeoutMs(),
            [this, alive = alive_, c = &cluster_, request, allow](const auto& respond) {
                for (const auto& t : request.protocols.front().second.topics) c->metadataFor(t, allow);
                c->groupCoordinator().joinGroup(request, [this, alive, respond](JoinGroupResult r) {
                    respond([this, alive, r] {
                        if (*alive) join_response_ = r;
                    });
                });
            },
            [this, alive = alive_] {
                if (!*alive) return;
                JoinGroupResult lost;
                lost.error = GroupError::COORDINATOR_NOT_AVAILABLE;  // join again
                join_response_ = lost;
            });
    }

    void onJoinResponse(JoinGroupResult r) {
        switch (r.error) {
            case GroupError::NONE: break;
            case GroupError::MEMBER_ID_REQUIRED:  // KIP-394: rejoin at once with the id the coordinator gave
                member_id_ = r.member_id;
                return sendJoinGroup();
            case GroupError::FENCED_INSTANCE_ID:
                member_state_ = MemberState::Unjoined;
                fatal_ = std::make_exception_ptr(FencedInstanceIdException(fencedMessage()));
                return;
            case GroupError::INCONSISTENT_GROUP_PROTOCOL:
                member_state_ = MemberState::Unjoined;
                throw InconsistentGroupProtocolException(
                    "The group member's supported protocols are incompatible with those of existing members: no assignor "
                    "of this consumer's partition.assignment.strategy is supported by every member of group '" + *group_id_ + "'.");
            case GroupError::UNKNOWN_MEMBER_ID:
            case GroupError::ILLEGAL_GENERATION:
                resetGeneration(true);
                return;
            default:
                member_state_ = MemberState::Unjoined;
                rejoin_needed_ = true;
                return;
        }
        member_id_ = r.member_id;
        generation_ = r.generation;
        protocol_ = r.protocol;
        is_leader_ = r.leader == member_id_;
        member_state_ = MemberState::CompletingRebalance;
        startHeartbeats();
        GroupAssignmentMap assignment;
        if (is_leader_ && !r.skip_assignment) {
            try {
                assignment = performAssignment(r.members);
            } catch (...) {
                // The leader's assignor failed: poll() throws; the next poll rejoins.
                member_state_ = MemberState::Unjoined;
                rejoin_needed_ = true;
                throw;
            }
        }
        auto deliver = [this, alive = alive_, generation = generation_](SyncGroupResult s) {
            if (*alive && generation == generation_ && member_state_ == MemberState::CompletingRebalance) sync_response_ = s;
        };
        cluster_.requestAsync(network_id_, ApiKey::SyncGroup, coordinator(), rebalanceRequestTimeoutMs(),
            [c = &cluster_, group = *group_id_, member = member_id_, instance = instance_id_, generation = generation_, assignment,
             deliver](const auto& respond) {
                c->groupCoordinator().syncGroup(group, member, instance, generation, assignment,
                                                [respond, deliver](SyncGroupResult s) { respond([deliver, s] { deliver(s); }); });
            },
            [deliver] {
                SyncGroupResult lost;
                lost.error = GroupError::COORDINATOR_NOT_AVAILABLE;  // join again
                deliver(lost);
            });
    }

    // The leader's part: Kafka's ConsumerCoordinator.onLeaderElected runs the chosen assignor over the members.
    GroupAssignmentMap performAssignment(const std::vector<JoinGroupResponseMember>& members) {
        GroupSubscription sub;
        std::set<std::string> topics;
        for (const auto& m : members) {
            sub.members.push_back(AssignorMember{m.member_id, m.group_instance_id, m.metadata.topics, m.metadata.owned_partitions, m.metadata.generation});
            topics.insert(m.metadata.topics.begin(), m.metadata.topics.end());
        }
        PartitionCounts counts;
        for (const auto& t : topics)
            if (cluster_.topicExists(t)) {
                sub.partitions_per_topic.emplace_back(t, cluster_.topic(t).partitionCount());
                counts.emplace(t, cluster_.topic(t).partitionCount());
            }
        // What the assignment was computed from: the leader rejoins when the metadata stops matching it.
        assignment_snapshot_ = counts;
        assignment_snapshot_topics_ = topics;
        last_metadata_ms_ = cluster_.nowMs();
        GroupAssignmentMap out;
        for (auto& m : assignPartitions(protocol_, sub).members) out.emplace_back(m.member_id, std::move(m.partitions));
        return out;
    }

    void onSyncResponse(SyncGroupResult r) {
        if (r.error == GroupError::FENCED_INSTANCE_ID) {
            member_state_ = MemberState::Unjoined;
            fatal_ = std::make_exception_ptr(FencedInstanceIdException(fencedMessage()));
            return;
        }
        if (r.error == GroupError::UNKNOWN_MEMBER_ID || r.error == GroupError::ILLEGAL_GENERATION) return resetGeneration(true);
        if (r.error != GroupError::NONE) {  // REBALANCE_IN_PROGRESS: join again, without preparing again
            member_state_ = MemberState::Unjoined;
            rejoin_needed_ = true;
            return;
        }
        member_state_ = MemberState::Stable;
        if (!is_leader_) assignment_snapshot_.reset();
        onJoinComplete(r.assignment);
    }

    // ConsumerCoordinator.onJoinComplete: cooperative members revoke what moved away (and rejoin for the
    // follow-up rebalance); then the new assignment, and onPartitionsAssigned with what was added.
    void onJoinComplete(const std::vector<TopicPartition>& assigned_list) {
        const std::set<TopicPartition> owned = assignment();
        const std::set<TopicPartition> assigned(assigned_list.begin(), assigned_list.end());
        std::set<TopicPartition> added, revoked;
        for (const auto& tp : assigned)
            if (!owned.count(tp)) added.insert(tp);
        for (const auto& tp : owned)
            if (!assigned.count(tp)) revoked.insert(tp);
        needs_join_prepare_ = true;
        if (cooperative_ && !revoked.empty()) {
            if (listener_) listener_->onPartitionsRevoked(revoked);
            rejoin_needed_ = true;
        }
        sticky_previous_ = assigned_list;
        sticky_generation_ = generation_;
        next_auto_commit_ms_ = cluster_.nowMs() + auto_commit_interval_ms_;
        assignFromSubscribed(assigned);
        cluster_.trace().record(cluster_.nowMs(), "assigned", client_id_, {{"generation", generation_}, {"partitions", static_cast<int64_t>(assigned.size())}});
        if (listener_) listener_->onPartitionsAssigned(added);
    }

    // The new assignment; partitions kept keep their position and fetched data.
    void assignFromSubscribed(const std::set<TopicPartition>& partitions) {
        std::map<TopicPartition, PartitionState> next;
        for (const auto& tp : partitions) {
            auto it = assignment_.find(tp);
            next.emplace(tp, it != assignment_.end() ? it->second : PartitionState{});
        }
        assignment_.swap(next);
        dropBuffered([this](const TopicPartition& tp) { return !assignment_.count(tp); });
    }

    // The group no longer knows this member (or this generation): rejoin from scratch.
    void resetGeneration(bool reset_member_id) {
        generation_ = -1;
        if (reset_member_id) member_id_.clear();
        member_state_ = MemberState::Unjoined;
        rejoin_needed_ = true;
        ++heartbeat_epoch_;
    }

    // ---- metadata: what a pattern is matched against, and what the leader's assignment was computed from ----
    // A MetadataRequest for every topic (Kafka's consumer asks for all topics when it subscribes to a pattern).
    void requestMetadata() {
        if (metadata_in_flight_) return;
        metadata_in_flight_ = true;
        cluster_.request(network_id_, ApiKey::Metadata, -1, request_timeout_ms_, [this, alive = alive_, c = &cluster_]() -> std::function<void()> {
            std::map<std::string, TopicMetadata> found;
            for (const auto& name : c->topicNames(true)) {
                const TopicState& t = c->topic(name);
                found.emplace(name, TopicMetadata{t.partitionCount(), t.internal});
            }
            return [this, alive, found] {
                if (!*alive) return;
                metadata_in_flight_ = false;
                metadata_needed_ = false;
                metadata_ = found;
                ++metadata_version_;
                last_metadata_ms_ = cluster_.nowMs();
            };
        }, [this, alive = alive_] {
            if (*alive) metadata_in_flight_ = false;  // no answer: the next poll or heartbeat tick asks again
        });
    }
    // Whether the background refresh (every metadata.max.age.ms) matters: for a pattern, and for the leader,
    // which rebalances the group when a topic it assigned changes its partition count (or disappears).
    bool wantsMetadataRefresh() const { return pattern_ || assignment_snapshot_; }

    // ConsumerCoordinator.maybeUpdateSubscriptionMetadata, at poll(): new metadata re-resolves the pattern, and
    // the leader compares it with the metadata its assignment was computed from; either may call for a rejoin.
    void maybeUpdateSubscriptionMetadata() {
        if (metadata_version_ == metadata_applied_) return;
        metadata_applied_ = metadata_version_;
        if (pattern_) {
            std::set<std::string> matched;
            for (const auto& [name, t] : metadata_)
                if (!(t.internal && exclude_internal_topics_) && pattern_->matches(name)) matched.insert(name);
            if (matched != subscription_) {
                subscription_ = matched;
                rejoin_needed_ = true;
            }
        }
        if (assignment_snapshot_ && *assignment_snapshot_ != partitionCounts(assignment_snapshot_topics_, metadata_)) rejoin_needed_ = true;
    }
    static PartitionCounts partitionCounts(const std::set<std::string>& topics, const std::map<std::string, TopicMetadata>& metadata) {
        PartitionCounts out;
        for (const auto& t : topics) {
            auto it = metadata.find(t);
            if (it != metadata.end()) out.emplace(t, it->second.partitions);
        }
        return out;
    }

    // ---- the heartbeat "thread" ----
    void startHeartbeats() {
        next_heartbeat_ms_ = cluster_.nowMs() + heartbeat_interval_ms_;
        scheduleHeartbeatTick(++heartbeat_epoch_);
    }
    void scheduleHeartbeatTick(uint64_t epoch) {
        const int64_t poll_deadline = last_poll_ms_ + max_poll_interval_ms_;
        int64_t next = std::min(next_heartbeat_ms_, poll_deadline);
        // Kafka's heartbeat thread also polls the network client, which refreshes the metadata when it is due.
        if (wantsMetadataRefresh() && !metadata_in_flight_) next = std::min(next, last_metadata_ms_ + metadata_max_age_ms_);
        // A background event, as Kafka's heartbeat thread: it runs as time passes, but a group member that
        // only heartbeats does not keep runUntilIdle() busy forever.
        cluster_.scheduler().atBackground(next, [this, alive = alive_, epoch] {
            if (*alive && epoch == heartbeat_epoch_) heartbeatTick(epoch);
        });
    }
    void heartbeatTick(uint64_t epoch) {
        if (member_state_ != MemberState::CompletingRebalance && member_state_ != MemberState::Stable) return;
        if (cluster_.nowMs() >= last_poll_ms_ + max_poll_interval_ms_) {
            // max.poll.interval.ms passed without poll(): leave the group (a static member only stops
            // heartbeating, and its session runs out), so that the others take over the partitions.
            cluster_.trace().record(cluster_.nowMs(), "poll-timeout", client_id_, {{"generation", generation_}});
            return maybeLeaveGroup();
        }
        if (wantsMetadataRefresh() && cluster_.nowMs() >= last_metadata_ms_ + metadata_max_age_ms_) requestMetadata();
        if (cluster_.nowMs() >= next_heartbeat_ms_) {
            next_heartbeat_ms_ = cluster_.nowMs() + heartbeat_interval_ms_;
            // A heartbeat that gets no answer is not retried: the next one goes at its time.
            cluster_.request(network_id_, ApiKey::Heartbeat, coordinator(), request_timeout_ms_,
                             [this, alive = alive_, c = &cluster_, group = *group_id_, member = member_id_, instance = instance_id_,
                              generation = generation_, epoch]() -> std::function<void()> {
                                 const GroupError e = c->groupCoordinator().heartbeat(group, member, instance, generation);
                                 return [this, alive, e, epoch] {
                                     if (*alive && epoch == heartbeat_epoch_) onHeartbeatResponse(e);
                                 };
                             },
                             {});
        }
        scheduleHeartbeatTick(epoch);
    }
    void onHeartbeatResponse(GroupError e) {
        switch (e) {
            case GroupError::NONE: return;
            case GroupError::REBALANCE_IN_PROGRESS:
                if (member_state_ == MemberState::Stable) rejoin_needed_ = true;
                return;
            case GroupError::FENCED_INSTANCE_ID:
                ++heartbeat_epoch_;
                fatal_ = std::make_exception_ptr(FencedInstanceIdException(fencedMessage()));
                return;
            default:  // UNKNOWN_MEMBER_ID (the session expired), ILLEGAL_GENERATION
                return resetGeneration(e == GroupError::UNKNOWN_MEMBER_ID);
        }
    }

    // Leaving (close, unsubscribe): the listener is told what is revoked (or lost, when the generation is gone).
    void onLeavePrepare() {
        const std::set<TopicPartition> owned = assignment();
        if (owned.empty()) return;
        const bool lost = generation_ < 0 || member_state_ == MemberState::PreparingRebalance ||
                          member_state_ == MemberState::CompletingRebalance;
        if (listener_) {
            if (lost) listener_->onPartitionsLost(owned);
            else listener_->onPartitionsRevoked(owned);
        }
        assignFromSubscribed({});
    }

    // LeaveGroup, sent only by dynamic members: a static member's partitions wait for it until its session expires.
    void maybeLeaveGroup() {
        if (!instance_id_ && !member_id_.empty() && member_state_ != MemberState::Unjoined) {
            cluster_.request(network_id_, ApiKey::LeaveGroup, coordinator(), request_timeout_ms_,
                             [c = &cluster_, group = *group_id_, member = member_id_]() -> std::function<void()> {
                                 c->groupCoordinator().leaveGroup(group, member, std::nullopt);
                                 return {};
                             },
                             {});
        }
        resetGeneration(true);
        rejoin_needed_ = mode_ == Mode::Subscribed;
    }

    void maybeAutoCommit() {
        if (!auto_commit_ || cluster_.nowMs() < next_auto_commit_ms_) return;
        next_auto_commit_ms_ = cluster_.nowMs() + auto_commit_interval_ms_;
        if (mode_ == Mode::Subscribed && member_state_ != MemberState::Stable) return;
        auto offsets = allConsumedOffsets();
        if (offsets.empty() || offsets == last_commit_) return;
        last_commit_ = offsets;
        sendCommit(offsets, [](std::exception_ptr) {});
    }

    // Partitions without a position: the committed offset if there is one, else auto.offset.reset.
    void updateFetchPositions(int64_t deadline) {
        std::vector<TopicPartition> missing;
        for (auto& [tp, p] : assignment_)
            if (!p.position) missing.push_back(tp);
        if (missing.empty()) return;
        const int64_t timeout = deadline == Scheduler::kForever ? Scheduler::kForever : std::max<int64_t>(deadline - cluster_.nowMs(), 0);
        std::vector<TopicPartition> need_reset;
        if (group_id_) {
            std::set<TopicPartition> ask;
            for (const auto& tp : missing)
                if (!assignment_.at(tp).pending_reset) ask.insert(tp);
            if (!ask.empty()) {
                for (const auto& [tp, committed] : committed(ask, timeout == 0 ? default_api_timeout_ms_ : timeout))
                    if (committed && assignment_.count(tp)) assignment_.at(tp).position = committed->offset();
            }
        }
        std::map<int64_t, std::vector<TopicPartition>> by_spec;
        for (const auto& tp : missing) {
            PartitionState& p = assignment_.at(tp);
            if (p.position) continue;
            if (p.pending_reset) {
                by_spec[*p.pending_reset].push_back(tp);
            } else if (reset_policy_.kind == AutoOffsetReset::Kind::None) {
                need_reset.push_back(tp);
            } else if (reset_policy_.kind == AutoOffsetReset::Kind::ByDuration) {
                by_spec[std::max<int64_t>(0, cluster_.nowMs() - reset_policy_.duration_ms)].push_back(tp);
            } else {
                by_spec[reset_policy_.kind == AutoOffsetReset::Kind::Earliest ? Cluster::kEarliestTimestamp : Cluster::kLatestTimestamp].push_back(tp);
            }
        }
        if (!need_reset.empty()) {
            std::string list;
            for (const auto& tp : need_reset) list += (list.empty() ? "" : ", ") + tp.toString();
            throw NoOffsetForPartitionException("Undefined offset with no reset policy for partitions: [" + list + "]");
        }
        for (const auto& [spec, tps] : by_spec) {
            auto found = listOffsets(tps, spec, timeout == 0 ? default_api_timeout_ms_ : timeout);
            if (spec >= 0) {  // by_duration: no record that recent means the log end
                auto ends = listOffsets(tps, Cluster::kLatestTimestamp, timeout == 0 ? default_api_timeout_ms_ : timeout);
                for (auto& [tp, offset] : found)
                    if (offset < 0) offset = ends.at(tp);
            }
            for (const auto& [tp, offset] : found) {
                auto it = assignment_.find(tp);
                if (it == assignment_.end()) continue;
                it->second.position = offset;
                it->second.pending_reset.reset();
            }
        }
    }

    void sendFetches() {
        std::map<int32_t, std::vector<std::pair<TopicPartition, int64_t>>> by_broker;
        for (const auto& [tp, p] : assignment_) {
            if (!p.position || hasBuffered(tp)) continue;
            const int32_t leader = cluster_.leaderFor(tp);
            if (leader < 0 || fetches_in_flight_.count(leader)) continue;
            by_broker[leader].emplace_back(tp, *p.position);
        }
        for (auto& entry : by_broker) {
            const int32_t broker = entry.first;  // a named copy: lambdas may not capture structured bindings in C++17
            fetches_in_flight_.insert(broker);
            cluster_.fetch(network_id_, broker, std::move(entry.second), fetch_, [this, broker, alive = alive_](std::vector<FetchPartitionData> response) {
                if (!*alive) return;
                fetches_in_flight_.erase(broker);
                ++fetch_responses_;
                onFetchResponse(std::move(response));
            });
        }
    }

    void onFetchResponse(std::vector<FetchPartitionData> response) {
        for (auto& d : response) {
            auto it = assignment_.find(d.tp);
            // Drop data for partitions no longer assigned, or fetched for a position we have since left.
            if (it == assignment_.end() || !it->second.position || *it->second.position != d.fetch_offset) continue;
            if (d.error == FetchPartitionData::Error::OffsetOutOfRange) {
                if (reset_policy_.kind == AutoOffsetReset::Kind::None)
                    throw OffsetOutOfRangeException("Fetch position FetchPosition{offset=" + std::to_string(d.fetch_offset) +
                                                    "} is out of range for partition " + d.tp.toString());
                it->second.position.reset();
                continue;
            }
            // read_committed: a transactional batch of a producer whose transaction is in the response's aborted
            // list (from that transaction's first offset until its abort marker) is skipped, as Kafka's fetcher does.
            std::set<ProducerId> aborted_producers;
            size_t next_aborted = 0;
            for (auto& b : d.batches) {
                bool skip = b.isControl();
                if (fetch_.read_committed) {
                    while (next_aborted < d.aborted_transactions.size() && d.aborted_transactions[next_aborted].first_offset <= b.lastOffset())
                        aborted_producers.insert(d.aborted_transactions[next_aborted++].producer_id);
                    if (b.isControl() && b.control == ControlType::Abort) aborted_producers.erase(b.producer.producer_id);
                    else if (!b.isControl() && b.producer.transactional && aborted_producers.count(b.producer.producer_id)) skip = true;
                }
                buffered_.push_back(FetchedBatch{d.tp, std::move(b), skip});
            }
        }
        advancePastSkipped();
    }

    // Moves each position past skipped batches it has reached (markers, aborted data).
    void advancePastSkipped() {
        for (auto& f : buffered_) {
            if (!f.skip) continue;
            auto it = assignment_.find(f.tp);
            if (it == assignment_.end() || !it->second.position) continue;
            int64_t& position = *it->second.position;
            if (position >= f.batch.base_offset && position < f.batch.nextOffset()) position = f.batch.nextOffset();
        }
    }

    bool hasBuffered(const TopicPartition& tp) const {
        for (const auto& f : buffered_)
            if (f.tp == tp) return true;
        return false;
    }
    bool hasBufferedForAssignment() const {
        for (const auto& f : buffered_)
            if (!f.skip && assignment_.count(f.tp)) return true;
        return false;
    }

    std::vector<RawRecord> peekBuffered() {
        trimBuffered();
        std::vector<RawRecord> out;
        std::map<TopicPartition, int64_t> next;  // position as the records are taken
        for (const auto& f : buffered_) {
            auto it = assignment_.find(f.tp);
            if (it == assignment_.end() || !it->second.position) continue;
            auto pos = next.emplace(f.tp, *it->second.position).first;
            if (f.skip) continue;
            for (const StoredRecord& r : f.batch.records()) {
                if (r.offset() < pos->second) continue;
                if (static_cast<int32_t>(out.size()) >= max_poll_records_) return out;
                out.push_back(RawRecord{&f.tp, r, f.batch.timestampType(), f.batch.partition_leader_epoch});
                pos->second = r.offset() + 1;
            }
        }
        return out;
    }

    // Drops fetched batches that lie wholly before their partition's position.
    void trimBuffered() {
        while (!buffered_.empty()) {
            const FetchedBatch& f = buffered_.front();
            auto it = assignment_.find(f.tp);
            if (it != assignment_.end() && (!it->second.position || f.batch.nextOffset() > *it->second.position)) break;
            buffered_.pop_front();
        }
        std::deque<FetchedBatch> kept;
        for (auto& f : buffered_) {
            auto it = assignment_.find(f.tp);
            if (it != assignment_.end() && it->second.position && f.batch.nextOffset() <= *it->second.position) continue;
            kept.push_back(std::move(f));
        }
        buffered_.swap(kept);
    }

    template <class Pred>
    void dropBuffered(Pred pred) {
        std::deque<FetchedBatch> kept;
        for (auto& f : buffered_)
            if (!pred(f.tp)) kept.push_back(std::move(f));
        buffered_.swap(kept);
    }

    Cluster& cluster_;
    AbstractConfig config_;
    std::optional<std::string> group_id_;
    std::optional<std::string> instance_id_;
    std::string client_id_;
    std::shared_ptr<const std::string> network_id_;  // client_id_, as the requests carry it on the network
    int64_t request_timeout_ms_ = 30000;
    std::string member_id_;
    int32_t generation_ = -1;
    // The group membership (AbstractCoordinator/ConsumerCoordinator's state).
    std::vector<std::string> assignors_;  // partition.assignment.strategy, as protocol names
    bool cooperative_ = false;
    MemberState member_state_ = MemberState::Unjoined;
    bool rejoin_needed_ = true;
    bool needs_join_prepare_ = true;
    bool is_leader_ = false;
    std::string protocol_;
    std::optional<JoinGroupResult> join_response_;
    std::optional<SyncGroupResult> sync_response_;
    std::exception_ptr fatal_;
    std::vector<TopicPartition> sticky_previous_;  // the sticky assignor's memory of the last assignment
    int32_t sticky_generation_ = -1;
    int32_t session_timeout_ms_ = 45000;
    int32_t heartbeat_interval_ms_ = 3000;
    int32_t max_poll_interval_ms_ = 300000;
    int64_t last_poll_ms_ = 0;
    int64_t next_heartbeat_ms_ = 0;
    uint64_t heartbeat_epoch_ = 0;
    bool crashed_ = false;
    bool auto_commit_ = false;
    int64_t auto_commit_interval_ms_ = 5000;
    int64_t next_auto_commit_ms_ = 0;
    std::map<TopicPartition, OffsetAndMetadata> last_commit_;
    AutoOffsetReset reset_policy_;
    int32_t max_poll_records_ = 500;
    FetchParams fetch_;
    int64_t default_api_timeout_ms_ = 60000;
    bool allow_auto_create_ = true;
    bool closed_ = false;
    Mode mode_ = Mode::None;
    std::set<std::string> subscription_;  // with a pattern: the topics it matches now
    std::optional<Pattern> pattern_;
    std::shared_ptr<ConsumerRebalanceListener> listener_;
    // The consumer's metadata (all topics, as a pattern subscription needs): refreshed every metadata.max.age.ms
    // while in the group, and before a pattern subscription joins; version counts refreshes, applied the last
    // one poll() has looked at.
    std::map<std::string, TopicMetadata> metadata_;
    uint64_t metadata_version_ = 0, metadata_applied_ = 0;
    bool metadata_in_flight_ = false, metadata_needed_ = false;
    int64_t last_metadata_ms_ = 0;
    int64_t metadata_max_age_ms_ = 300000;
    int64_t retry_backoff_ms_ = 100;
    bool exclude_internal_topics_ = true;
    // The leader's: partition counts of the group's topics when it computed the assignment.
    std::optional<PartitionCounts> assignment_snapshot_;
    std::set<std::string> assignment_snapshot_topics_;
    std::map<TopicPartition, PartitionState> assignment_;
    std::deque<FetchedBatch> buffered_;
    std::set<BrokerId> fetches_in_flight_;
    uint64_t fetch_responses_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace detail

template <class K, class V>
class KafkaConsumer {
    // The core and the cluster, named through K so that their classes are built only in programs that make a
    // consumer.
    using Core = detail::Dependent<detail::ConsumerCore, K>;
    using Cluster = detail::Dependent<kstream_sim::Cluster, K>;
    // Plain types named through K too: the maps and vectors of them that members return are then built only in
    // programs that make a consumer.
    using TopicPartition = detail::Dependent<kstream_sim::TopicPartition, K>;
    using OffsetAndMetadata = detail::Dependent<kstream_sim::OffsetAndMetadata, K>;
    using OffsetAndTimestamp = detail::Dependent<kstream_sim::OffsetAndTimestamp, K>;
    using PartitionInfo = detail::Dependent<kstream_sim::PartitionInfo, K>;

public:
    KafkaConsumer(Cluster& cluster, const Properties& props, Deserializer<K> key_deserializer = {}, Deserializer<V> value_deserializer = {})
        : key_deserializer_(std::move(key_deserializer)), value_deserializer_(std::move(value_deserializer)),
          core_(std::make_unique<Core>(cluster, props)) {
        const auto& cfg = core_->config();
        if (!cfg.isNull(ConsumerConfig::KEY_DESERIALIZER_CLASS_CONFIG))
            detail::checkConfiguredSerdeClass<K>(ConsumerConfig::KEY_DESERIALIZER_CLASS_CONFIG, cfg.getString(ConsumerConfig::KEY_DESERIALIZER_CLASS_CONFIG), false);
        if (!cfg.isNull(ConsumerConfig::VALUE_DESERIALIZER_CLASS_CONFIG))
            detail::checkConfiguredSerdeClass<V>(ConsumerConfig::VALUE_DESERIALIZER_CLASS_CONFIG, cfg.getString(ConsumerConfig::VALUE_DESERIALIZER_CLASS_CONFIG), false);
    }
    KafkaConsumer(KafkaConsumer&&) noexcept = default;
    KafkaConsumer& operator=(KafkaConsumer&&) noexcept = default;
    // Like Java's try-with-resources: closing commits (with auto-commit) and leaves the group.
    ~KafkaConsumer() {
        if (!core_ || core_->crashed()) return;
        try {
            core_->close(core_->defaultApiTimeoutMs());
        } catch (...) {
        }
        core_->markDestroyed();
    }

    void subscribe(const std::vector<std::string>& topics, std::shared_ptr<ConsumerRebalanceListener> listener = nullptr) {
        core_->subscribe(topics, std::move(listener));
    }
    // Every topic whose whole name matches; re-resolved as topics come and go (see docs/consumer-groups.md).
    // (A template only so that subscribe({"a"}) stays the topic list: braces cannot deduce P.)
    template <class P, class = std::enable_if_t<std::is_same<P, Pattern>::value>>
    void subscribe(const P& pattern, std::shared_ptr<ConsumerRebalanceListener> listener = nullptr) {
        core_->subscribe(pattern, std::move(listener));
    }
    void assign(const std::vector<TopicPartition>& partitions) { core_->assign(partitions); }
    void unsubscribe() { core_->unsubscribe(); }
    std::set<TopicPartition> assignment() const { return core_->assignment(); }
    std::set<std::string> subscription() const { return core_->subscription(); }

    template <class Rep, class Period>
    ConsumerRecords<K, V> poll(std::chrono::duration<Rep, Period> timeout) {
        auto raw = core_->poll(std::chrono::duration_cast<Millis>(timeout).count());
        std::vector<ConsumerRecord<K, V>> records;
        records.reserve(raw.size());
        for (const auto& r : raw) {
            try {
                const StoredRecord& s = r.record;
                records.emplace_back(r.tp->topic(), r.tp->partition(), s.offset(), s.timestamp(), r.timestamp_type, s.key().size,
                                     s.value().size, key_deserializer_.deserialize(s.key()), value_deserializer_.deserialize(s.value()),
                                     s.headerCount() > 0 ? s.headers() : Headers(), std::optional<int32_t>(r.leader_epoch));
            } catch (const SerializationException& e) {
                // As Kafka's fetcher: records before the bad one are returned now, and the next poll() throws at
                // the bad record, whose offset stays the position (so nothing is lost or skipped).
                const TopicPartition bad = *r.tp;  // copied: consume() releases the fetched batches r points into
                const int64_t offset = r.record.offset();
                std::vector<detail::RawRecord> good(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(records.size()));
                core_->consume(good);
                core_->stopAt(bad, offset);
                if (!records.empty()) return ConsumerRecords<K, V>(std::move(records));
                throw RecordDeserializationException(std::string("Error deserializing key/value for partition ") + bad.toString() +
                                                     " at offset " + std::to_string(offset) +
                                                     ". If needed, please seek past the record to continue consumption. (" + e.what() + ")");
            }
        }
        core_->consume(raw);
        return ConsumerRecords<K, V>(std::move(records));
    }

    void seek(const TopicPartition& tp, int64_t offset) { core_->seek(tp, offset); }
    void seek(const TopicPartition& tp, const OffsetAndMetadata& offset) { core_->seek(tp, offset.offset()); }
    void seekToBeginning(const std::vector<TopicPartition>& partitions) { core_->seekTo(partitions, Cluster::kEarliestTimestamp); }
    void seekToEnd(const std::vector<TopicPartition>& partitions) { core_->seekTo(partitions, Cluster::kLatestTimestamp); }
    int64_t position(const TopicPartition& tp) { return core_->position(tp, core_->defaultApiTimeoutMs()); }
    template <class Rep, class Period>
    int64_t position(const TopicPartition& tp, std::chrono::duration<Rep, Period> timeout) {
        return core_->position(tp, std::chrono::duration_cast<Millis>(timeout).count());
    }

    void commitSync() { core_->commitSync(core_->allConsumedOffsets(), core_->defaultApiTimeoutMs()); }
    void commitSync(const std::map<TopicPartition, OffsetAndMetadata>& offsets) { core_->commitSync(offsets, core_->defaultApiTimeoutMs()); }
    template <class Rep, class Period>
    void commitSync(std::chrono::duration<Rep, Period> timeout) {
        core_->commitSync(core_->allConsumedOffsets(), std::chrono::duration_cast<Millis>(timeout).count());
    }
    template <class Rep, class Period>
    void commitSync(const std::map<TopicPartition, OffsetAndMetadata>& offsets, std::chrono::duration<Rep, Period> timeout) {
        core_->commitSync(offsets, std::chrono::duration_cast<Millis>(timeout).count());
    }
    void commitAsync(OffsetCommitCallback callback = {}) { core_->commitAsync(core_->allConsumedOffsets(), std::move(callback)); }
    void commitAsync(const std::map<TopicPartition, OffsetAndMetadata>& offsets, OffsetCommitCallback callback) {
        core_->commitAsync(offsets, std::move(callback));
    }
    std::map<TopicPartition, std::optional<OffsetAndMetadata>> committed(const std::set<TopicPartition>& partitions) {
        return core_->committed(partitions, core_->defaultApiTimeoutMs());
    }

    std::map<TopicPartition, int64_t> beginningOffsets(const std::vector<TopicPartition>& partitions) {
        return core_->listOffsets(partitions, Cluster::kEarliestTimestamp, core_->defaultApiTimeoutMs());
    }
    std::map<TopicPartition, int64_t> endOffsets(const std::vector<TopicPartition>& partitions) {
        return core_->listOffsets(partitions, Cluster::kLatestTimestamp, core_->defaultApiTimeoutMs());
    }
    // Java maps a partition with no such record to null; here nullopt.
    std::map<TopicPartition, std::optional<OffsetAndTimestamp>> offsetsForTimes(const std::map<TopicPartition, int64_t>& timestamps) {
        std::map<TopicPartition, std::optional<OffsetAndTimestamp>> out;
        for (const auto& [tp, ts] : timestamps) {
            if (ts < 0) throw IllegalArgumentException("The target time for partition " + tp.toString() + " is " + std::to_string(ts) + ". The target time cannot be negative.");
            auto found = core_->listOffsetsWithTimestamps({tp}, ts, core_->defaultApiTimeoutMs()).at(tp);
            out[tp] = found.offset < 0 ? std::nullopt : std::optional<OffsetAndTimestamp>(OffsetAndTimestamp(found.offset, found.timestamp));
        }
        return out;
    }

    std::vector<PartitionInfo> partitionsFor(const std::string& topic) { return core_->partitionsFor(topic, core_->defaultApiTimeoutMs()); }
    std::map<std::string, std::vector<PartitionInfo>> listTopics() { return core_->listTopics(core_->defaultApiTimeoutMs()); }
    ConsumerGroupMetadata groupMetadata() const { return core_->groupMetadata(); }
    const std::string& clientId() const noexcept { return core_->clientId(); }

    void close() { core_->close(core_->defaultApiTimeoutMs()); }

    // kstream_sim's extension, not in Kafka's API: this consumer's process dies here. Nothing more happens --
    // no commit, no LeaveGroup, no heartbeat -- so the group goes on without it only after session.timeout.ms,
    // and whatever it processed but did not commit is read again by the next owner. Every later call throws
    // IllegalStateException; destroying it does nothing more.
    void simulateCrash() { core_->simulateCrash(); }
    template <class Rep, class Period>
    void close(std::chrono::duration<Rep, Period> timeout) {
        core_->close(std::chrono::duration_cast<Millis>(timeout).count());
    }

private:
    Deserializer<K> key_deserializer_;
    Deserializer<V> value_deserializer_;
    std::unique_ptr<Core> core_;
};

}  // namespace kstream_sim

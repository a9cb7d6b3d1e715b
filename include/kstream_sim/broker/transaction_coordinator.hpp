// The transaction coordinator's state: one entry per transactional.id (producer id, epoch, state, partitions).
//
// Kafka places a transactional.id on the broker that leads partition abs(hashCode(id)) % 50 of the internal
// topic __transaction_state (transaction.state.log.num.partitions), and logs every state change there. The
// protocol that drives this state (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, the markers)
// runs in Cluster; this part holds the state machine (TransactionState in Kafka's coordinator).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "../core/dependent.hpp"
#include "group_coordinator.hpp"
#include "record.hpp"

namespace kstream_sim {

// org.apache.kafka.coordinator.transaction.TransactionState, by Kafka's names.
enum class TransactionState : int8_t { Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, PrepareEpochFence, Dead };

inline const char* transactionStateName(TransactionState s) noexcept {
    static const char* const names[] = {"Empty",          "Ongoing",       "PrepareCommit",     "PrepareAbort",
                                        "CompleteCommit", "CompleteAbort", "PrepareEpochFence", "Dead"};
    return names[static_cast<int>(s)];
}

// TransactionMetadata: what the coordinator knows of one transactional.id.
namespace detail {
template <class D = void>
struct TransactionMetadataImpl;
}  // namespace detail

// The coordinator's state of one transactional.id. A class template only so that it (and its maps) is compiled
// when used (docs/performance.md, "Include cost").
using TransactionMetadata = detail::TransactionMetadataImpl<>;

namespace detail {

template <class D>
struct TransactionMetadataImpl {
    using TopicPartition = Dependent<kstream_sim::TopicPartition, D>;

    std::string transactional_id;
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
    int64_t timeout_ms = 60000;           // transaction.timeout.ms, as the producer asked
    TransactionState state = TransactionState::Empty;
    std::set<TopicPartition> partitions;  // written in the current transaction
    std::set<std::string> groups;         // whose offsets the current transaction commits
    int64_t start_ms = -1;                // when the current transaction began (its first partition)
    uint64_t timeout_timer = 0;
    // Offsets sent with the transaction (TxnOffsetCommit), per group: committed with it, dropped on abort.
    std::map<std::string, std::map<TopicPartition, CommittedOffset>> pending_offsets;

    bool inTransaction() const noexcept { return state == TransactionState::Ongoing; }
};

}  // namespace detail

}  // namespace kstream_sim

// A partition's log: record batches in offset order, a log start offset and a log end offset.
//
// Offsets are assigned on append, batch by batch, as Kafka's broker does. Reads return whole batches,
// starting with the one that contains the requested offset; the reader skips the records before it.
// Each replica's log also keeps the producer state an idempotent producer needs (ProducerStateManager):
// per producer id, its epoch and the metadata of its last 5 batches.
#pragma once

#include <algorithm>
#include <climits>
#include <cstdint>
#include <deque>
#include <iterator>
#include <map>
#include <vector>

#include "../core/dependent.hpp"
#include "record.hpp"

namespace kstream_sim {

namespace detail {
template <class D = void>
struct ProducerStateEntryImpl;
}  // namespace detail

// What a broker remembers of one idempotent producer on one partition (Kafka's ProducerStateEntry). A class
// template only so that it (and its std::deque) is compiled when used (docs/performance.md, "Include cost").
using ProducerStateEntry = detail::ProducerStateEntryImpl<>;

namespace detail {

template <class D>
struct ProducerStateEntryImpl {
    static constexpr size_t kBatchesToRetain = 5;  // NUM_BATCHES_TO_RETAIN, matching max.in.flight <= 5
    struct BatchMetadata {
        int32_t first_sequence;
        int32_t last_sequence;
        int64_t first_offset;
        int64_t log_append_time;
    };
    int16_t epoch = -1;
    std::deque<BatchMetadata> batches;  // oldest first

    int32_t lastSequence() const noexcept { return batches.empty() ? -1 : batches.back().last_sequence; }
    const BatchMetadata* find(int32_t first_sequence, int32_t last_sequence) const noexcept {
        for (const auto& b : batches)
            if (b.first_sequence == first_sequence && b.last_sequence == last_sequence) return &b;
        return nullptr;
    }
};

}  // namespace detail

// The sequence after `s`: sequences wrap from Integer.MAX_VALUE to 0 (DefaultRecordBatch.incrementSequence).
inline int32_t incrementSequence(int32_t s, int32_t by) noexcept {
    return s > INT32_MAX - by ? by - (INT32_MAX - s) - 1 : s + by;
}

namespace detail {

// A class template so that its members compile only in programs that use them (see docs/performance.md,
// "Include cost"); the broker writes PartitionLog.
template <class D = void>
class PartitionLogImpl {
    // Plain types named through D too: containers of them are then built only with this class.
    using ProducerStateEntry = Dependent<kstream_sim::ProducerStateEntry, D>;
    using StoredBatch = Dependent<kstream_sim::StoredBatch, D>;
    // And the producer id that keys open_txns_ (a std::map<int64_t, int64_t> would be built in every program).
    using ProducerId = Dependent<int64_t, D>;

public:
    int64_t logStartOffset() const noexcept { return log_start_offset_; }
    int64_t logEndOffset() const noexcept { return log_end_offset_; }
    int64_t sizeInBytes() const noexcept { return size_in_bytes_; }
    const std::vector<StoredBatch>& batches() const noexcept { return batches_; }

    // Appends a batch at the log end; returns its base offset.
    int64_t append(StoredBatch batch) {
        batch.base_offset = log_end_offset_;
        return appendAt(std::move(batch));
    }
    // Appends a batch that already has its offsets (a follower copying its leader).
    int64_t appendAt(StoredBatch batch) {
        log_end_offset_ = batch.nextOffset();
        size_in_bytes_ += batch.sizeInBytes();
        batches_.push_back(std::move(batch));
        rememberProducer(batches_.back());
        return batches_.back().base_offset;
    }

    // ---- transactions ----
    // An aborted transaction, as a fetch response lists it: its producer and its first offset.
    struct AbortedTransaction {
        int64_t producer_id;
        int64_t first_offset;
    };
    // The last stable offset (LSO): the high watermark, or the first offset of the earliest transaction not
    // yet decided below it. A transaction counts as decided once its marker is below the high watermark.
    int64_t lastStableOffset(int64_t high_watermark) const {
        int64_t lso = high_watermark;
        for (const auto& kv : open_txns_) lso = std::min(lso, kv.second);
        for (auto it = decided_txns_.rbegin(); it != decided_txns_.rend() && it->marker_offset >= high_watermark; ++it)
            lso = std::min(lso, it->first_offset);
        return lso;
    }
    // The aborted transactions that overlap [from, to), oldest first (what read_committed needs to filter).
    std::vector<AbortedTransaction> abortedTransactions(int64_t from, int64_t to) const {
        std::vector<AbortedTransaction> out;
        for (const auto& t : decided_txns_)
            if (t.aborted && t.marker_offset >= from && t.first_offset < to) out.push_back({t.producer_id, t.first_offset});
        return out;
    }
    // The producers with a transaction open on this partition, and where each began.
    const std::map<ProducerId, int64_t>& openTransactions() const noexcept { return open_txns_; }

    // The producer state of an idempotent producer on this partition, or null.
    const ProducerStateEntry* producerState(int64_t producer_id) const {
        auto it = producers_.find(producer_id);
        return it == producers_.end() ? nullptr : &it->second;
    }

    // Index of the first batch holding an offset >= `offset` (batches_.size() if none). The search reads base
    // offsets only (a batch's end needs its payload, elsewhere in memory): the batch starting at or before
    // `offset` is the one, unless it ends at or before `offset`, when the next one is. Readers mostly want the
    // newest batches (followers, consumers keeping up), so the search starts from the end, where memory is warm:
    // it steps back 1, 2, 4, ... batches until one starts at or before `offset`, then bisects the last step.
    size_t batchIndexFor(int64_t offset) const noexcept {
        size_t hi = batches_.size(), step = 1;  // every batch from hi on starts after `offset`
        while (hi >= step && batches_[hi - step].base_offset > offset) {
            hi -= step;
            step *= 2;
        }
        const auto begin = batches_.begin();
        auto it = std::upper_bound(begin + static_cast<std::ptrdiff_t>(hi >= step ? hi - step : 0), begin + static_cast<std::ptrdiff_t>(hi),
                                   offset, [](int64_t o, const StoredBatch& b) { return o < b.base_offset; });
        if (it != begin && std::prev(it)->nextOffset() > offset) --it;
        return static_cast<size_t>(it - begin);
    }

    // Batches from the one holding `offset`, until `max_bytes` (at least one batch) or `end_offset`.
    std::vector<StoredBatch> read(int64_t offset, int64_t end_offset, int64_t max_bytes) const {
        // The batches to copy are counted first, so that the copy allocates once.
        const size_t first = batchIndexFor(offset);
        size_t last = first;
        for (int64_t bytes = 0; last < batches_.size(); ++last) {
            const StoredBatch& b = batches_[last];
            if (b.base_offset >= end_offset || (last > first && bytes + b.sizeInBytes() > max_bytes)) break;
            bytes += b.sizeInBytes();
        }
        return std::vector<StoredBatch>(batches_.begin() + static_cast<std::ptrdiff_t>(first),
                                        batches_.begin() + static_cast<std::ptrdiff_t>(last));
    }

    // Bytes available from `offset` up to `end_offset`, for fetch.min.bytes.
    int64_t bytesBetween(int64_t offset, int64_t end_offset) const noexcept {
        int64_t bytes = 0;
        for (size_t i = batchIndexFor(offset); i < batches_.size() && batches_[i].base_offset < end_offset; ++i)
            bytes += batches_[i].sizeInBytes();
        return bytes;
    }

    // ListOffsets by timestamp: the earliest offset whose timestamp is >= ts, or -1 when there is none.
    // Like Kafka, skips whole batches by their max timestamp, then scans the first candidate batch.
    struct TimestampAndOffset {
        int64_t timestamp = -1;
        int64_t offset = -1;
    };
    TimestampAndOffset offsetForTimestamp(int64_t ts) const {
        for (const auto& b : batches_) {
            if (b.isControl() || b.maxTimestamp() < ts) continue;
            for (const StoredRecord& r : b.records())
                if (r.timestamp() >= ts && r.offset() >= log_start_offset_) return {r.timestamp(), r.offset()};
        }
        return {};
    }

    // Removes every record at and after `offset` (replica truncation), and rebuilds the producer state from
    // what is left, as a broker reloads it from its log.
    void truncateTo(int64_t offset) {
        while (!batches_.empty() && batches_.back().base_offset >= offset) {
            size_in_bytes_ -= batches_.back().sizeInBytes();
            batches_.pop_back();
        }
        log_end_offset_ = batches_.empty() ? std::max(offset, log_start_offset_) : batches_.back().nextOffset();
        producers_.clear();
        open_txns_.clear();
        decided_txns_.clear();
        for (const auto& b : batches_) rememberProducer(b);
    }

private:
    void rememberProducer(const StoredBatch& b) {
        if (b.producer.producer_id < 0) return;
        if (b.isControl()) {
            auto open = open_txns_.find(b.producer.producer_id);
            if (open != open_txns_.end()) {
                decided_txns_.push_back({b.producer.producer_id, open->second, b.base_offset, b.control == ControlType::Abort});
                open_txns_.erase(open);
            }
        } else if (b.producer.transactional) {
            open_txns_.emplace(b.producer.producer_id, b.base_offset);  // no-op when already open
        }
        ProducerStateEntry& e = producers_[b.producer.producer_id];
        if (b.producer.producer_epoch != e.epoch) e.batches.clear();
        e.epoch = b.producer.producer_epoch;
        if (b.isControl() || b.producer.base_sequence < 0) return;
        e.batches.push_back({b.producer.base_sequence, incrementSequence(b.producer.base_sequence, b.count() - 1), b.base_offset,
                             b.log_append_time});
        if (e.batches.size() > ProducerStateEntry::kBatchesToRetain) e.batches.pop_front();
    }

    std::vector<StoredBatch> batches_;
    int64_t log_start_offset_ = 0;
    int64_t log_end_offset_ = 0;
    int64_t size_in_bytes_ = 0;
    std::map<int64_t, ProducerStateEntry> producers_;
    // Transactions: open ones (producer id -> first offset), and decided ones in marker order. Committed ones
    // matter only until their marker is stable; aborted ones are kept for read_committed fetches.
    struct DecidedTransaction {
        int64_t producer_id;
        int64_t first_offset;
        int64_t marker_offset;
        bool aborted;
    };
    std::map<ProducerId, int64_t> open_txns_;
    std::vector<DecidedTransaction> decided_txns_;
};

}  // namespace detail

using PartitionLog = detail::PartitionLogImpl<>;

}  // namespace kstream_sim

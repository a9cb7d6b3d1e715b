// A partition's log: record batches in offset order, a log start offset and a log end offset.
//
// Offsets are assigned on append, batch by batch, as Kafka's broker does. Reads return whole batches,
// starting with the one that contains the requested offset; the reader skips the records before it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "record.hpp"

namespace kstream_sim {

class PartitionLog {
public:
    int64_t logStartOffset() const noexcept { return log_start_offset_; }
    int64_t logEndOffset() const noexcept { return log_end_offset_; }
    int64_t sizeInBytes() const noexcept { return size_in_bytes_; }
    const std::vector<StoredBatch>& batches() const noexcept { return batches_; }

    // Appends a batch at the log end; returns its base offset.
    int64_t append(StoredBatch batch) {
        batch.base_offset = log_end_offset_;
        log_end_offset_ += batch.count();
        size_in_bytes_ += batch.sizeInBytes();
        batches_.push_back(std::move(batch));
        return batches_.back().base_offset;
    }

    // Index of the first batch holding an offset >= `offset` (batches_.size() if none).
    size_t batchIndexFor(int64_t offset) const noexcept {
        auto it = std::upper_bound(batches_.begin(), batches_.end(), offset,
                                   [](int64_t o, const StoredBatch& b) { return o < b.nextOffset(); });
        return static_cast<size_t>(it - batches_.begin());
    }

    // Batches from the one holding `offset`, until `max_bytes` (at least one batch) or `end_offset`.
    std::vector<StoredBatch> read(int64_t offset, int64_t end_offset, int64_t max_bytes) const {
        std::vector<StoredBatch> out;
        int64_t bytes = 0;
        for (size_t i = batchIndexFor(offset); i < batches_.size(); ++i) {
            const StoredBatch& b = batches_[i];
            if (b.base_offset >= end_offset) break;
            if (!out.empty() && bytes + b.sizeInBytes() > max_bytes) break;
            bytes += b.sizeInBytes();
            out.push_back(b);
        }
        return out;
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
            for (size_t i = 0; i < b.payload->records.size(); ++i) {
                int64_t t = b.timestampOf(b.payload->records[i]);
                int64_t off = b.base_offset + static_cast<int64_t>(i);
                if (t >= ts && off >= log_start_offset_) return {t, off};
            }
        }
        return {};
    }

    // Removes every record at and after `offset` (replica truncation).
    void truncateTo(int64_t offset) {
        while (!batches_.empty() && batches_.back().base_offset >= offset) {
            size_in_bytes_ -= batches_.back().sizeInBytes();
            batches_.pop_back();
        }
        log_end_offset_ = batches_.empty() ? std::max(offset, log_start_offset_) : batches_.back().nextOffset();
    }

private:
    std::vector<StoredBatch> batches_;
    int64_t log_start_offset_ = 0;
    int64_t log_end_offset_ = 0;
    int64_t size_in_bytes_ = 0;
};

}  // namespace kstream_sim

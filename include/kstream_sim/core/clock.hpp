// The virtual clock: one number of milliseconds that only the scheduler moves forward.
//
// Kafka measures time in milliseconds since the Unix epoch (record timestamps, linger.ms, session.timeout.ms).
// kstream_sim keeps the same unit but starts at a configurable epoch (0 by default) and never reads the
// wall clock, so every run of a program sees the same times.
#pragma once

#include <chrono>
#include <cstdint>

#include "errors.hpp"

namespace kstream_sim {

using Millis = std::chrono::milliseconds;

class VirtualClock {
public:
    explicit VirtualClock(int64_t epoch_ms = 0) : now_ms_(epoch_ms) {}

    int64_t milliseconds() const noexcept { return now_ms_; }
    Millis now() const noexcept { return Millis(now_ms_); }

    // Time only moves forward; the scheduler is the only caller.
    void advanceTo(int64_t time_ms) {
        if (time_ms < now_ms_)
            throw IllegalStateException("virtual time cannot move backwards (now " + std::to_string(now_ms_) +
                                        " ms, asked for " + std::to_string(time_ms) + " ms)");
        now_ms_ = time_ms;
    }

private:
    int64_t now_ms_;
};

}  // namespace kstream_sim

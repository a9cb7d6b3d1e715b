// The discrete-event scheduler: every delay in the simulation (network, linger.ms, timeouts) is an event here.
//
// Events run in (time, insertion order), so two events due at the same millisecond run in the order they
// were scheduled: the whole simulation is a deterministic function of its inputs and seed. Blocking client
// calls (future.get(), poll, flush) call runUntil() and so advance virtual time exactly as far as needed.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <string>
#include <vector>

#include "clock.hpp"
#include "errors.hpp"

namespace kstream_sim {

namespace detail {
// Classes whose member functions instantiate much of the standard library (std::map, std::function, ...)
// are class templates with one unused parameter, `template <class D = void> class XImpl`, and the public
// name is an alias of XImpl<>: `using Scheduler = detail::SchedulerImpl<>;`. Member functions of a class
// template are compiled only when a program uses them, so a program that includes kstream_sim and uses
// little of it does not pay for the rest (docs/performance.md, "Include cost"). Users never write the
// parameter; compiler messages show it, as in kstream_sim::detail::SchedulerImpl<>.
template <class D = void>
class SchedulerImpl;
}  // namespace detail

using Scheduler = detail::SchedulerImpl<>;

namespace detail {

template <class D>
class SchedulerImpl {
public:
    using Action = std::function<void()>;
    static constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

    explicit SchedulerImpl(int64_t epoch_ms = 0) : clock_(epoch_ms) {}

    const VirtualClock& clock() const noexcept { return clock_; }
    int64_t nowMs() const noexcept { return clock_.milliseconds(); }

    void at(int64_t time_ms, Action action) {
        if (time_ms < nowMs()) time_ms = nowMs();
        queue_.push(Event{time_ms, next_sequence_++, std::move(action)});
    }
    void after(int64_t delay_ms, Action action) { at(nowMs() + (delay_ms > 0 ? delay_ms : 0), std::move(action)); }

    bool idle() const noexcept { return queue_.empty(); }
    size_t pending() const noexcept { return queue_.size(); }
    uint64_t executed() const noexcept { return executed_; }
    // Time of the next event, or kForever when there is none.
    int64_t nextEventTime() const noexcept { return queue_.empty() ? kForever : queue_.top().time_ms; }

    // Runs the earliest event; false when there is none.
    bool runNext() {
        if (queue_.empty()) return false;
        // Move the action out before popping: the action may schedule new events.
        Event event = std::move(const_cast<Event&>(queue_.top()));
        queue_.pop();
        clock_.advanceTo(event.time_ms);
        ++executed_;
        event.action();
        return true;
    }

    // Runs events until done() holds or the next event lies after deadline_ms; then, if still not done,
    // moves the clock to deadline_ms (a timed wait that expires). Returns done().
    template <class Done>
    bool runUntil(int64_t deadline_ms, Done&& done) {
        while (!done()) {
            if (queue_.empty() || queue_.top().time_ms > deadline_ms) {
                if (deadline_ms == kForever) return false;  // nothing left that could make progress
                if (deadline_ms > nowMs()) clock_.advanceTo(deadline_ms);
                return done();
            }
            runNext();
        }
        return true;
    }

    // Runs every event due up to and including time_ms, then sets the clock to time_ms.
    void advanceTo(int64_t time_ms) {
        runUntil(time_ms, [] { return false; });
    }

    // Runs until no event is left. Bounded, so a component that reschedules itself forever is reported
    // instead of hanging the program.
    void runUntilIdle(uint64_t max_events = 100000000) {
        for (uint64_t n = 0; runNext(); ++n)
            if (n >= max_events)
                throw IllegalStateException("runUntilIdle: still busy after " + std::to_string(max_events) +
                                            " events; something reschedules itself forever");
    }

private:
    struct Event {
        int64_t time_ms;
        uint64_t sequence;
        Action action;
    };
    struct Later {
        bool operator()(const Event& a, const Event& b) const noexcept {
            return a.time_ms != b.time_ms ? a.time_ms > b.time_ms : a.sequence > b.sequence;
        }
    };

    VirtualClock clock_;
    std::priority_queue<Event, std::vector<Event>, Later> queue_;
    uint64_t next_sequence_ = 0;
    uint64_t executed_ = 0;
};

}  // namespace detail

}  // namespace kstream_sim

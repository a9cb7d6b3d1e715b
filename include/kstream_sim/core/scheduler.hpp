// The discrete-event scheduler: every delay in the simulation (network, linger.ms, timeouts) is an event here.
//
// Events run in (time, insertion order), so two events due at the same millisecond run in the order they
// were scheduled: the whole simulation is a deterministic function of its inputs and seed. Blocking client
// calls (future.get(), poll, flush) call runUntil() and so advance virtual time exactly as far as needed.
#pragma once

#include <cstdint>
#include <algorithm>
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
// A timer id no timer has: what a component holds for a timer it has not set (cancelling it does nothing).
constexpr uint64_t kNoTimer = ~uint64_t{0};

// A move-only callable `R(Args...)`: the scheduler's events and the broker's pending answers. Unlike
// std::function it keeps captures of up to kInlineBytes inside itself (most capture a few pointers, ids and
// a vector; the largest frequent one, a produce request on its way to a broker with what the producer does if
// the connection closes, takes 176), so making one does not allocate; larger ones live on the heap.
template <class Signature>
class UniqueFunction;

template <class R, class... Args>
class UniqueFunction<R(Args...)> {
public:
    static constexpr size_t kInlineBytes = 176;
    static constexpr size_t kInlineAlign = 16;  // alignof(std::max_align_t) on the usual 64-bit ABIs

    UniqueFunction() noexcept = default;
    template <class F, class Callable = std::decay_t<F>, class = std::enable_if_t<!std::is_same<Callable, UniqueFunction>::value>>
    UniqueFunction(F&& f) {  // NOLINT: implicit, so that at(t, [..] { .. }) takes a lambda as it is
        if constexpr (sizeof(Callable) <= kInlineBytes && alignof(Callable) <= kInlineAlign &&
                      std::is_nothrow_move_constructible<Callable>::value) {
            ::new (static_cast<void*>(storage_)) Callable(std::forward<F>(f));
            ops_ = &inlineOps<Callable>;
        } else {
            ::new (static_cast<void*>(storage_)) Callable*(new Callable(std::forward<F>(f)));
            ops_ = &heapOps<Callable>;
        }
    }
    UniqueFunction(UniqueFunction&& other) noexcept : ops_(other.ops_) {
        if (ops_) ops_->relocate(other.storage_, storage_);
        other.ops_ = nullptr;
    }
    UniqueFunction& operator=(UniqueFunction&& other) noexcept {
        if (this != &other) {
            reset();
            ops_ = other.ops_;
            if (ops_) ops_->relocate(other.storage_, storage_);
            other.ops_ = nullptr;
        }
        return *this;
    }
    UniqueFunction(const UniqueFunction&) = delete;
    UniqueFunction& operator=(const UniqueFunction&) = delete;
    ~UniqueFunction() { reset(); }

    explicit operator bool() const noexcept { return ops_ != nullptr; }
    R operator()(Args... args) { return ops_->invoke(storage_, std::forward<Args>(args)...); }

private:
    struct Ops {
        R (*invoke)(void* storage, Args&&... args);
        void (*relocate)(void* from, void* to) noexcept;  // moves the callable over and ends the one at `from`
        void (*destroy)(void* storage) noexcept;
    };
    template <class Callable>
    static constexpr Ops inlineOps = {
        [](void* s, Args&&... args) -> R { return (*static_cast<Callable*>(s))(std::forward<Args>(args)...); },
        [](void* from, void* to) noexcept {
            ::new (to) Callable(std::move(*static_cast<Callable*>(from)));
            static_cast<Callable*>(from)->~Callable();
        },
        [](void* s) noexcept { static_cast<Callable*>(s)->~Callable(); }};
    template <class Callable>
    static constexpr Ops heapOps = {
        [](void* s, Args&&... args) -> R { return (**static_cast<Callable**>(s))(std::forward<Args>(args)...); },
        [](void* from, void* to) noexcept { *static_cast<Callable**>(to) = *static_cast<Callable**>(from); },
        [](void* s) noexcept { delete *static_cast<Callable**>(s); }};

    void reset() noexcept {
        if (ops_) ops_->destroy(storage_);
        ops_ = nullptr;
    }

    alignas(kInlineAlign) unsigned char storage_[kInlineBytes];
    const Ops* ops_ = nullptr;
};

template <class D>
class SchedulerImpl {
public:
    // An event's action: any callable `void()`, moved in (see UniqueFunction). Move-only: an event runs once.
    using Action = UniqueFunction<void()>;
    static constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

    explicit SchedulerImpl(int64_t epoch_ms = 0) : clock_(epoch_ms) {}

    const VirtualClock& clock() const noexcept { return clock_; }
    int64_t nowMs() const noexcept { return clock_.milliseconds(); }

    void at(int64_t time_ms, Action&& action) { push(time_ms, std::move(action), Kind::Foreground); }
    void after(int64_t delay_ms, Action&& action) { at(nowMs() + (delay_ms > 0 ? delay_ms : 0), std::move(action)); }
    // A background event (a periodic check such as the ISR-shrink timer): it runs when time reaches it, but
    // it is not work that keeps runUntilIdle() going or lets a blocking call wait forever.
    void atBackground(int64_t time_ms, Action&& action) { push(time_ms, std::move(action), Kind::Background); }
    void afterBackground(int64_t delay_ms, Action&& action) {
        atBackground(nowMs() + (delay_ms > 0 ? delay_ms : 0), std::move(action));
    }

    // A cancellable event, for timeouts: cancel() it when what it guards has happened, so that a request
    // answered in time does not keep runUntilIdle() waiting for its timeout.
    using TimerId = uint64_t;
    TimerId timerAt(int64_t time_ms, Action&& action) { return timer(time_ms, std::move(action), Kind::Timer); }
    TimerId timerAfter(int64_t delay_ms, Action&& action) { return timerAt(nowMs() + (delay_ms > 0 ? delay_ms : 0), std::move(action)); }
    // A cancellable background event (a retry that is moot once what it guards has moved on).
    TimerId backgroundTimerAfter(int64_t delay_ms, Action&& action) {
        return timer(nowMs() + (delay_ms > 0 ? delay_ms : 0), std::move(action), Kind::BackgroundTimer);
    }
    // Cancels a timer that has not run yet (a no-op otherwise). Its action is destroyed now, so nothing it holds
    // outlives the cancel, and its slot is free for the next event; the queued event is skipped when its time comes.
    void cancel(TimerId id) {
        auto it = findLiveTimer(id);
        if (it == live_timers_.end()) return;
        Slot& slot = slots_[it->slot];
        const Action cancelled = std::move(slot.action);  // destroyed on return, after the bookkeeping
        slot.sequence = kNoEvent;
        if (slot.kind == Kind::Timer) --foreground_;
        free_slots_.push_back(it->slot);
        live_timers_.erase(it);
    }

    // True when no foreground event is left (background events may be).
    bool idle() const noexcept { return foreground_ == 0; }
    size_t pending() const noexcept { return soon_.size() + late_.size(); }
    uint64_t executed() const noexcept { return executed_; }
    // Time of the next event, or kForever when there is none.
    int64_t nextEventTime() const noexcept { return empty() ? kForever : next().time_ms; }

    // Runs the earliest event; false when there is none.
    bool runNext() {
        if (empty()) return false;
        auto& queue = nextQueue();
        const Event event = queue.top();
        queue.pop();
        Slot& slot = slots_[event.slot];
        if (slot.sequence != event.sequence) return true;  // a cancelled timer (its slot was freed, maybe reused)
        // Move the action out of its slot first: the action may schedule new events (and so reuse the slot).
        Action action = std::move(slot.action);
        const Kind kind = slot.kind;
        slot.sequence = kNoEvent;
        free_slots_.push_back(event.slot);
        if (kind == Kind::Timer || kind == Kind::BackgroundTimer) live_timers_.erase(findLiveTimer(event.sequence));
        if (kind == Kind::Foreground || kind == Kind::Timer) --foreground_;
        clock_.advanceTo(event.time_ms);
        ++executed_;
        action();
        return true;
    }

    // Runs events until done() holds or the next event lies after deadline_ms; then, if still not done,
    // moves the clock to deadline_ms (a timed wait that expires). Returns done().
    template <class Done>
    bool runUntil(int64_t deadline_ms, Done&& done) {
        while (!done()) {
            if (empty() || next().time_ms > deadline_ms || (deadline_ms == kForever && idle())) {
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

    // Runs until no foreground event is left. Bounded, so a component that reschedules itself forever is
    // reported instead of hanging the program.
    void runUntilIdle(uint64_t max_events = 100000000) {
        for (uint64_t n = 0; !idle() && runNext(); ++n)
            if (n >= max_events)
                throw IllegalStateException("runUntilIdle: still busy after " + std::to_string(max_events) +
                                            " events; something reschedules itself forever");
    }

private:
    // The queue holds small events; their actions wait in slots (reused), so ordering the queue moves no action.
    struct Event {
        int64_t time_ms;
        uint64_t sequence;
        uint32_t slot;  // in slots_
    };
    // A background event does not keep the scheduler busy; a timer may be cancelled (and is then skipped).
    enum class Kind : uint8_t { Foreground, Background, Timer, BackgroundTimer };
    static constexpr uint64_t kNoEvent = kNoTimer;  // timer ids are event sequences
    struct Slot {
        Action action;
        uint64_t sequence = kNoEvent;  // of the event whose action this is; kNoEvent when the slot is free
        Kind kind = Kind::Foreground;
    };
    struct LiveTimer {
        uint64_t sequence;
        uint32_t slot;
    };
    typename std::vector<LiveTimer>::iterator findLiveTimer(uint64_t sequence) {
        auto it = std::lower_bound(live_timers_.begin(), live_timers_.end(), sequence,
                                   [](const LiveTimer& t, uint64_t s) { return t.sequence < s; });
        return it != live_timers_.end() && it->sequence == sequence ? it : live_timers_.end();
    }
    // Queues an event; returns its slot. (The action is taken by reference all the way into its slot: moving
    // an action is an indirect call.)
    uint32_t push(int64_t time_ms, Action&& action, Kind kind) {
        if (time_ms < nowMs()) time_ms = nowMs();
        if (kind == Kind::Foreground || kind == Kind::Timer) ++foreground_;
        uint32_t slot;
        if (free_slots_.empty()) {
            slot = static_cast<uint32_t>(slots_.size());
            slots_.emplace_back();
        } else {
            slot = free_slots_.back();
            free_slots_.pop_back();
        }
        slots_[slot].action = std::move(action);
        slots_[slot].sequence = next_sequence_;
        slots_[slot].kind = kind;
        (time_ms - nowMs() >= kLateMs ? late_ : soon_).push(Event{time_ms, next_sequence_++, slot});
        return slot;
    }
    TimerId timer(int64_t time_ms, Action&& action, Kind kind) {
        const TimerId id = next_sequence_;
        live_timers_.push_back(LiveTimer{id, push(time_ms, std::move(action), kind)});
        return id;
    }
    struct Later {
        bool operator()(const Event& a, const Event& b) const noexcept {
            return a.time_ms != b.time_ms ? a.time_ms > b.time_ms : a.sequence > b.sequence;
        }
    };

    VirtualClock clock_;
    // Events due soon (network hops, linger.ms) and late (timeouts, most of them cancelled before they come due)
    // wait in two queues, so that the many late ones do not slow down every pop of a soon one. The next event is
    // the earlier of the two tops, so the order is the same as with one queue.
    static constexpr int64_t kLateMs = 1000;
    using Queue = std::priority_queue<Event, std::vector<Event>, Later>;
    Queue soon_, late_;
    bool empty() const noexcept { return soon_.empty() && late_.empty(); }
    // The queue whose top is the next event (the queues are not both empty).
    const Queue& nextQueue() const noexcept {
        if (soon_.empty()) return late_;
        if (late_.empty()) return soon_;
        return Later()(soon_.top(), late_.top()) ? late_ : soon_;
    }
    Queue& nextQueue() noexcept { return const_cast<Queue&>(static_cast<const SchedulerImpl*>(this)->nextQueue()); }
    const Event& next() const noexcept { return nextQueue().top(); }
    std::vector<Slot> slots_;
    std::vector<uint32_t> free_slots_;  // slots not in use
    uint64_t next_sequence_ = 0;
    uint64_t executed_ = 0;
    uint64_t foreground_ = 0;  // events in the queue that are neither background events nor cancelled timers
    std::vector<LiveTimer> live_timers_;  // timers queued and not cancelled, by sequence (few at a time: a sorted vector)
};

}  // namespace detail

}  // namespace kstream_sim

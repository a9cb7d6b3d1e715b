// KafkaFuture<T>: the result of an asynchronous client call; get() runs the virtual clock until it is there.
//
// No threads are needed. On failure get() rethrows the Kafka exception itself (Java wraps it in an
// ExecutionException; C++'s std::future rethrows directly, and so does this).
#pragma once

#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../core/dependent.hpp"
#include "../core/errors.hpp"
#include "../core/scheduler.hpp"

namespace kstream_sim {

namespace detail {

template <class T>
struct FutureValue {
    std::optional<T> value;
};
template <>
struct FutureValue<void> {};

template <class T>
struct FutureState : FutureValue<T> {
    bool done = false;
    std::exception_ptr error;
    std::vector<Dependent<std::function<void()>, T>> on_done;  // through T: built only with a future that is used

    void finish() {
        done = true;
        auto callbacks = std::move(on_done);
        for (auto& cb : callbacks) cb();
    }
};

// Runs the scheduler until `done` holds; a blocking call with nothing left to wait for is a deadlock. (The
// scheduler's type is a parameter so that the scheduler class is built only in programs that block.)
template <class Sched, class Done>
void blockUntil(Sched& scheduler, Done&& done, const char* what, int64_t timeout_ms = Sched::kForever) {
    const int64_t deadline = timeout_ms == Sched::kForever ? Sched::kForever : scheduler.nowMs() + timeout_ms;
    if (scheduler.runUntil(deadline, done)) return;
    if (deadline == Sched::kForever)
        throw IllegalStateException(std::string(what) +
                                    " would block forever: nothing is scheduled that could complete it (virtual time " +
                                    std::to_string(scheduler.nowMs()) + " ms)");
    throw TimeoutException(std::string(what) + " timed out after " + std::to_string(timeout_ms) + " ms");
}

}  // namespace detail

template <class T>
class KafkaFuture {
    using Scheduler = detail::Dependent<kstream_sim::Scheduler, T>;  // built only with a future that is used

public:
    KafkaFuture() = default;
    explicit KafkaFuture(Scheduler& scheduler) : scheduler_(&scheduler), state_(std::make_shared<detail::FutureState<T>>()) {}

    bool isDone() const noexcept { return state_ && state_->done; }
    bool isCompletedExceptionally() const noexcept { return isDone() && state_->error; }

    // Waits (in virtual time) for the result. Returns a copy, as Java returns the object: chained calls such
    // as `for (auto& p : admin.describeTopics(...).allTopicNames().get().at("t").partitions())` stay valid.
    T get() const { return getFor(Scheduler::kForever); }
    template <class Rep, class Period>
    T get(std::chrono::duration<Rep, Period> timeout) const {
        return getFor(std::chrono::duration_cast<Millis>(timeout).count());
    }

    // --- completion, used by the clients ---
    template <class U = T, std::enable_if_t<!std::is_void<U>::value, int> = 0>
    void complete(U value) const {
        state_->value = std::move(value);
        state_->finish();
    }
    template <class U = T, std::enable_if_t<std::is_void<U>::value, int> = 0>
    void complete() const { state_->finish(); }
    void completeExceptionally(std::exception_ptr error) const {
        state_->error = std::move(error);
        state_->finish();
    }
    void whenComplete(std::function<void()> callback) const {
        if (state_->done) callback();
        else state_->on_done.push_back(std::move(callback));
    }
    std::exception_ptr error() const noexcept { return state_ ? state_->error : nullptr; }

    // A future that completes when all of `futures` have; it fails with the first failure.
    template <class Futures>
    static KafkaFuture<void> allOf(Scheduler& scheduler, const Futures& futures) {
        KafkaFuture<void> all(scheduler);
        auto remaining = std::make_shared<size_t>(futures.size());
        if (*remaining == 0) all.complete();
        for (const auto& f : futures) {
            f.whenComplete([all, remaining, f] {
                if (all.isDone()) return;
                if (f.error()) return all.completeExceptionally(f.error());
                if (--*remaining == 0) all.complete();
            });
        }
        return all;
    }

private:
    T getFor(int64_t timeout_ms) const {
        if (!state_) throw IllegalStateException("KafkaFuture::get() on a future that belongs to no request");
        detail::blockUntil(*scheduler_, [this] { return state_->done; }, "KafkaFuture.get()", timeout_ms);
        if (state_->error) std::rethrow_exception(state_->error);
        if constexpr (!std::is_void<T>::value) return *state_->value;
    }

    Scheduler* scheduler_ = nullptr;
    std::shared_ptr<detail::FutureState<T>> state_;
};

}  // namespace kstream_sim

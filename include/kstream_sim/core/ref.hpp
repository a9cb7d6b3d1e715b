// Ref<T>: a small intrusive reference-counted pointer for objects that live on the simulation's one thread.
//
// std::shared_ptr counts with atomic instructions whenever a program may have threads; the simulation has
// none, and the producer hands out one reference per sent record, so a plain counter saves real time.
#pragma once

#include <cstdint>
#include <utility>

namespace kstream_sim {

// Derive from RefCounted to be held by Ref<T>.
class RefCounted {
public:
    RefCounted() = default;
    RefCounted(const RefCounted&) = delete;
    RefCounted& operator=(const RefCounted&) = delete;

private:
    template <class T>
    friend class Ref;
    uint32_t references_ = 0;
};

template <class T>
class Ref {
public:
    Ref() noexcept = default;
    explicit Ref(T* object) noexcept : object_(object) { retain(); }
    Ref(const Ref& other) noexcept : object_(other.object_) { retain(); }
    Ref(Ref&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
    Ref& operator=(Ref other) noexcept {
        std::swap(object_, other.object_);
        return *this;
    }
    ~Ref() { release(); }

    T* get() const noexcept { return object_; }
    T& operator*() const noexcept { return *object_; }
    T* operator->() const noexcept { return object_; }
    explicit operator bool() const noexcept { return object_ != nullptr; }

private:
    void retain() noexcept {
        if (object_) ++static_cast<RefCounted*>(object_)->references_;
    }
    void release() noexcept {
        if (object_ && --static_cast<RefCounted*>(object_)->references_ == 0) destroy(object_);
    }
    // Never inlined, so that release() is small enough to be inlined wherever a Ref goes out of scope.
    [[gnu::noinline]] static void destroy(T* object) noexcept { delete object; }

    T* object_ = nullptr;
};

template <class T, class... Args>
Ref<T> makeRef(Args&&... args) {
    return Ref<T>(new T(std::forward<Args>(args)...));
}

}  // namespace kstream_sim

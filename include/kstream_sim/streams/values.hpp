// Streams values: KeyValue, the engine's type-erased value box, and type-erased serdes.
//
// Inside the Streams engine a record's key and value travel as a detail::Box: one small object that holds a
// value of any type (inline when it is small, as std::string and integers are) or nothing, which is Java's
// null. Typed code exists only at the edges: the DSL's lambdas unbox with the stream's static types, and
// serdes turn boxes into bytes at sources, sinks and state stores, exactly where Kafka serializes. A
// mismatch between the type a box holds and the type code asks for is a ClassCastException, as in Java.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "../clients/serdes.hpp"
#include "../core/bytes.hpp"
#include "../core/dependent.hpp"
#include "../core/errors.hpp"

namespace kstream_sim {

// Kafka Streams' exceptions (org.apache.kafka.streams.errors), all KafkaExceptions here.
class StreamsException : public KafkaException {
public:
    explicit StreamsException(const std::string& message) : KafkaException(message) {}
    const char* name() const noexcept override { return "StreamsException"; }
};
// Kafka prefixes every TopologyException message with "Invalid topology: ".
class TopologyException : public StreamsException {
public:
    explicit TopologyException(const std::string& message) : StreamsException("Invalid topology: " + message) {}
    const char* name() const noexcept override { return "TopologyException"; }
};
class ProcessorStateException : public StreamsException {
public:
    explicit ProcessorStateException(const std::string& message) : StreamsException(message) {}
    const char* name() const noexcept override { return "ProcessorStateException"; }
};
class InvalidStateStoreException : public StreamsException {
public:
    explicit InvalidStateStoreException(const std::string& message) : StreamsException(message) {}
    const char* name() const noexcept override { return "InvalidStateStoreException"; }
};
class ClassCastException : public KafkaException {
public:
    explicit ClassCastException(const std::string& message) : KafkaException(message) {}
    const char* name() const noexcept override { return "ClassCastException"; }
};
class NullPointerException : public KafkaException {
public:
    explicit NullPointerException(const std::string& message) : KafkaException(message) {}
    const char* name() const noexcept override { return "NullPointerException"; }
};

// Kafka's KeyValue<K, V>: a pair with public key and value; KeyValue::pair(k, v) as in Java.
template <class K, class V>
struct KeyValue {
    K key;
    V value;
    KeyValue() = default;
    KeyValue(K k, V v) : key(std::move(k)), value(std::move(v)) {}
    static KeyValue pair(K k, V v) { return KeyValue(std::move(k), std::move(v)); }
    friend bool operator==(const KeyValue& a, const KeyValue& b) { return a.key == b.key && a.value == b.value; }
    friend bool operator!=(const KeyValue& a, const KeyValue& b) { return !(a == b); }
};

namespace detail {

// How a value of type T prints in toString()-like output (KeyValue, TestRecord, print()).
template <class T>
void printValue(std::ostream& out, const T& v);

}  // namespace detail

// "KeyValue(k, v)", as Java's KeyValue.toString().
template <class K, class V>
std::ostream& operator<<(std::ostream& out, const KeyValue<K, V>& kv) {
    out << "KeyValue(";
    detail::printValue(out, kv.key);
    out << ", ";
    detail::printValue(out, kv.value);
    return out << ")";
}

namespace detail {

template <class T, class = void>
struct IsStreamable : std::false_type {};
template <class T>
struct IsStreamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>> : std::true_type {};

template <class T>
void printValue(std::ostream& out, const T& v) {
    if constexpr (IsOptional<T>::value) {
        if (!v) out << "null";
        else printValue(out, *v);
    } else if constexpr (std::is_same<T, bool>::value) {
        out << (v ? "true" : "false");
    } else if constexpr (std::is_same<T, Bytes>::value) {
        out << "[B@" << toHex(v);
    } else if constexpr (IsStreamable<T>::value) {
        out << v;
    } else {
        out << "<" << serdeTypeName<T>() << ">";
    }
}

// The type a Box holds for a static type T: std::optional<X> is held as X (nullopt is an empty box).
template <class T>
using BoxedT = typename IsOptional<std::decay_t<T>>::value_type;

// ---- Box: one value of any type, or null ----------------------------------------------------------------------
struct BoxOps {
    const std::type_info* type;
    const BoxOps* owning;    // the ops of a copy: these, or for a borrowed value the ops that own a T
    const BoxOps* borrowed;  // the ops of a box that borrows the value
    void (*destroy)(void* storage) noexcept;
    void (*copy)(void* dst, const void* src);  // dst gets an owned copy (see `owning`)
    void (*move)(void* dst, void* src) noexcept;  // leaves src destroyed
    const void* (*get)(const void* storage) noexcept;
    const char* (*typeName)();
};

class Box {
    static constexpr size_t kInline = 32;

public:
    Box() noexcept = default;
    Box(const Box& other) : ops_(other.ops_ ? other.ops_->owning : nullptr) {
        if (ops_) other.ops_->copy(storage_, other.storage_);  // a copy owns its value, also of a borrowed one
    }
    Box(Box&& other) noexcept : ops_(other.ops_) {
        if (ops_) ops_->move(storage_, other.storage_);
        other.ops_ = nullptr;
    }
    Box& operator=(const Box& other) {
        if (this != &other) {
            Box copy(other);
            *this = std::move(copy);
        }
        return *this;
    }
    Box& operator=(Box&& other) noexcept {
        if (this != &other) {
            reset();
            ops_ = other.ops_;
            if (ops_) ops_->move(storage_, other.storage_);
            other.ops_ = nullptr;
        }
        return *this;
    }
    ~Box() { reset(); }

    // Boxes a value; std::optional<X> boxes as X, or as null when empty.
    template <class T>
    static Box of(T&& value) {
        using D = std::decay_t<T>;
        Box b;
        if constexpr (IsOptional<D>::value) {
            if (value) b.emplace<typename D::value_type>(*std::forward<T>(value));
        } else {
            b.emplace<D>(std::forward<T>(value));
        }
        return b;
    }
    static Box null() noexcept { return Box(); }
    // A box that refers to value instead of holding a copy: for a record handed down within one forward() while
    // value outlives it (a key passed on unchanged, a table update's parts). Copies of it hold copies of value.
    template <class T>
    static Box borrow(const T& value) noexcept {
        Box b;
        *reinterpret_cast<const T**>(b.storage_) = &value;
        b.ops_ = &borrowedOpsFor<T>();
        return b;
    }
    // A box that borrows this box's value (see borrow()); null for a null box.
    Box borrowed() const noexcept {
        Box b;
        if (!ops_) return b;
        *reinterpret_cast<const void**>(b.storage_) = ops_->get(storage_);
        b.ops_ = ops_->borrowed;
        return b;
    }

    bool isNull() const noexcept { return ops_ == nullptr; }
    void reset() noexcept {
        if (ops_) ops_->destroy(storage_);
        ops_ = nullptr;
    }
    template <class T>
    bool holds() const noexcept {
        return ops_ && (ops_ == &opsFor<T>() || *ops_->type == typeid(T));
    }
    const char* typeName() const noexcept { return ops_ ? ops_->typeName() : "null"; }

    // The held value as a T; a ClassCastException when the box holds another type. Not for null boxes.
    template <class T>
    const T& get() const {
        if (ops_ == &opsFor<T>()) {  // the common case: read the storage directly, no call through ops_
            if constexpr (fitsInline<T>()) return *std::launder(reinterpret_cast<const T*>(storage_));
            else return **reinterpret_cast<T* const*>(storage_);
        }
        if (ops_ == &borrowedOpsFor<T>()) return **reinterpret_cast<const T* const*>(storage_);
        if (ops_ && *ops_->type == typeid(T)) return *static_cast<const T*>(ops_->get(storage_));
        throw ClassCastException(std::string("class ") + typeName() + " cannot be cast to class " + serdeTypeName<T>() +
                                 ": a processor received a " + typeName() + " where its code expects a " +
                                 serdeTypeName<T>() + " (check the types of the stream or of the Processor API "
                                 "node that forwarded it)");
    }

    template <class T, class... Args>
    void emplace(Args&&... args) {
        reset();
        construct<T>(storage_, std::forward<Args>(args)...);
        ops_ = &opsFor<T>();
    }
    // Holds the T that make() returns, made in place (no temporary to move from: a deserialized value).
    template <class T, class Make>
    void emplaceResult(Make&& make) {
        reset();
        constructResult<T>(storage_, make);
        ops_ = &opsFor<T>();
    }

private:
    // Makes an owned T in a box's storage: in place when it fits, else on the heap with a pointer in place; from
    // constructor arguments, or as make()'s result, which C++17 constructs right there (no move).
    template <class T, class... Args>
    static void construct(void* storage, Args&&... args) {
        if constexpr (fitsInline<T>()) ::new (storage) T(std::forward<Args>(args)...);
        else *static_cast<T**>(storage) = new T(std::forward<Args>(args)...);
    }
    template <class T, class Make>
    static void constructResult(void* storage, Make& make) {
        if constexpr (fitsInline<T>()) ::new (storage) T(make());
        else *static_cast<T**>(storage) = new T(make());
    }
    template <class T>
    static constexpr bool fitsInline() {
        return sizeof(T) <= kInline && alignof(T) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible<T>::value;
    }
    // The ops of boxes of T: constants (no initialization guard is checked when a box is read).
    template <class T>
    struct OpsOf {
        static const BoxOps owning;
        static const BoxOps borrowed;
    };
    template <class T>
    static const BoxOps& opsFor() noexcept { return OpsOf<T>::owning; }
    template <class T>
    static const BoxOps& borrowedOpsFor() noexcept { return OpsOf<T>::borrowed; }
    template <class T>
    static constexpr BoxOps makeOwningOps() noexcept {
        if constexpr (fitsInline<T>()) {
            return BoxOps{&typeid(T),
                          &OpsOf<T>::owning,
                          &OpsOf<T>::borrowed,
                          [](void* s) noexcept { static_cast<T*>(s)->~T(); },
                          [](void* d, const void* s) { construct<T>(d, *static_cast<const T*>(s)); },
                          [](void* d, void* s) noexcept {
                              ::new (d) T(std::move(*static_cast<T*>(s)));
                              static_cast<T*>(s)->~T();
                          },
                          [](const void* s) noexcept -> const void* { return s; },
                          &serdeTypeName<T>};
        } else {
            return BoxOps{&typeid(T),
                          &OpsOf<T>::owning,
                          &OpsOf<T>::borrowed,
                          [](void* s) noexcept { delete *static_cast<T**>(s); },
                          [](void* d, const void* s) { construct<T>(d, **static_cast<T* const*>(s)); },
                          [](void* d, void* s) noexcept {
                              *static_cast<T**>(d) = *static_cast<T**>(s);
                              *static_cast<T**>(s) = nullptr;
                          },
                          [](const void* s) noexcept -> const void* { return *static_cast<T* const*>(s); },
                          &serdeTypeName<T>};
        }
    }
    template <class T>
    static constexpr BoxOps makeBorrowedOps() noexcept {
        return BoxOps{&typeid(T),
                      &OpsOf<T>::owning,
                      &OpsOf<T>::borrowed,
                      [](void*) noexcept {},
                      [](void* d, const void* s) { construct<T>(d, **static_cast<const T* const*>(s)); },  // owned
                      [](void* d, void* s) noexcept { *static_cast<const T**>(d) = *static_cast<const T**>(s); },
                      [](const void* s) noexcept -> const void* { return *static_cast<const T* const*>(s); },
                      &serdeTypeName<T>};
    }

    alignas(std::max_align_t) unsigned char storage_[kInline];
    const BoxOps* ops_ = nullptr;
};
template <class T>
const BoxOps Box::OpsOf<T>::owning = Box::makeOwningOps<T>();
template <class T>
const BoxOps Box::OpsOf<T>::borrowed = Box::makeBorrowedOps<T>();

// A default T for unboxing a null into a plain (non-optional) type, as Deserializer<T> gives T{} for null.
template <class T>
const T& defaultValue() {
    static const T value{};
    return value;
}

// Unboxes as the static type T: `const T&` for a plain T (T{} for null), std::optional<X> by value for T =
// std::optional<X> (nullopt for null).
template <class T>
decltype(auto) unbox(const Box& box) {
    using D = std::decay_t<T>;
    if constexpr (IsOptional<D>::value) {
        if (box.isNull()) return D();
        return D(box.get<typename D::value_type>());
    } else {
        if (box.isNull()) return static_cast<const D&>(defaultValue<D>());
        return static_cast<const D&>(box.get<D>());
    }
}

// A KTable update travelling between table processors: the new value and (when asked for) the old one.
struct Change {
    Box newValue;
    Box oldValue;
};

// ---- Type-erased serdes ------------------------------------------------------------------------------------------
// What the engine needs from a serde: box -> bytes (non-null boxes) and bytes -> box (nulls stay null).
class ErasedSerde {
public:
    virtual ~ErasedSerde() = default;
    virtual void serialize(const Box& value, Bytes& out) const = 0;
    virtual Box deserialize(const uint8_t* data, size_t size) const = 0;
    virtual const std::type_info& type() const noexcept = 0;
    virtual const char* typeName() const noexcept = 0;
    virtual const void* typedSerde() const noexcept = 0;  // the SerdeObject<T> it wraps

    // The bytes of a value, valid while both the box and `scratch` are: a view of the boxed value itself where
    // the type allows (strings, byte arrays), else serialized into `scratch`; a null view for a null box.
    virtual ByteView view(const Box& value, Bytes& scratch) const {
        if (value.isNull()) return ByteView{};
        scratch.clear();
        serialize(value, scratch);
        return ByteView{scratch.data(), static_cast<int32_t>(scratch.size())};
    }
    Box deserialize(ByteView bytes) const {
        if (bytes.isNull()) return Box();
        return deserialize(bytes.data, static_cast<size_t>(bytes.size));
    }
    Box deserialize(const std::optional<Bytes>& bytes) const {
        if (!bytes) return Box();
        return deserialize(bytes->data(), bytes->size());
    }
};

template <class T>
class ErasedSerdeImpl final : public ErasedSerde {
public:
    explicit ErasedSerdeImpl(SerdeObject<T> serde) : serde_(std::move(serde)) {}
    void serialize(const Box& value, Bytes& out) const override {
        if constexpr (HasSerdeView<T>::value) {  // strings, byte arrays: one copy of their bytes
            Bytes scratch;
            const ByteView v = serde_.serializer().bytesOf(value.get<T>(), scratch);
            out.insert(out.end(), v.data, v.data + v.size);
        } else {
            if constexpr (std::is_arithmetic<T>::value) out.reserve(out.size() + sizeof(T));  // one allocation, not four
            serde_.serializer().serializeInto(value.get<T>(), out);
        }
    }
    ByteView view(const Box& value, Bytes& scratch) const override {
        if (value.isNull()) return ByteView{};
        return serde_.serializer().bytesOf(value.get<T>(), scratch);
    }
    Box deserialize(const uint8_t* data, size_t size) const override {
        Box b;
        b.emplaceResult<T>([&] { return serde_.deserializer().deserializeNonNull(data, size); });
        return b;
    }
    const std::type_info& type() const noexcept override { return typeid(T); }
    const char* typeName() const noexcept override { return serdeTypeName<T>(); }
    const void* typedSerde() const noexcept override { return &serde_; }

private:
    SerdeObject<T> serde_;
};

using SerdePtr = std::shared_ptr<const ErasedSerde>;

// The erased serde for the static type T (optional stripped), from an explicit SerdeObject or Serde<T>.
template <class T>
SerdePtr erasedSerde(SerdeObject<BoxedT<T>> serde = {}) {
    return std::make_shared<ErasedSerdeImpl<BoxedT<T>>>(std::move(serde));
}

// A user-given erased serde if its type is T, else the default for T; a mismatch is a teaching error.
template <class T>
SerdePtr serdeFor(const SerdePtr& given, const char* role) {
    if (!given) return erasedSerde<T>();
    if (given->type() != typeid(BoxedT<T>))
        throw StreamsException(std::string("The ") + role + " serde handles " + given->typeName() + " but the " + role +
                               " type here is " + serdeTypeName<BoxedT<T>>() +
                               ": pass a serde for the stream's type (e.g. Serdes::String() for std::string)");
    return given;
}

// The typed SerdeObject<T> behind an erased serde (which must be for T).
template <class T>
const SerdeObject<T>& typedSerdeOf(const SerdePtr& serde) {
    return *static_cast<const SerdeObject<T>*>(serde->typedSerde());
}

}  // namespace detail

// A serde as the configuration objects (Consumed, Produced, Materialized, Grouped) hold it: any type.
class AnySerde {
public:
    AnySerde() = default;
    template <class T>
    AnySerde(SerdeObject<T> serde) : erased_(std::make_shared<detail::ErasedSerdeImpl<T>>(std::move(serde))) {}
    explicit AnySerde(detail::SerdePtr erased) : erased_(std::move(erased)) {}
    const detail::SerdePtr& erased() const noexcept { return erased_; }
    explicit operator bool() const noexcept { return static_cast<bool>(erased_); }

private:
    detail::SerdePtr erased_;
};

}  // namespace kstream_sim

// Serdes: typed values to Kafka's bytes and back, byte for byte as Kafka's built-in serializers write them.
//
// String: UTF-8. Integer (int32_t): 4 bytes big-endian. Long (int64_t): 8 bytes big-endian. Short (int16_t),
// Float, Double: big-endian IEEE 754 (NaN canonical, as Java's floatToIntBits/doubleToLongBits). Boolean: one
// byte 1 or 0. ByteArray (Bytes): as is. std::optional<T>: nullopt is Kafka's null.
//
// Add a type by specialising Serde<T> (static serialize/deserialize), or pass Serializer/Deserializer
// objects built from lambdas to a client.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <typeinfo>

#include "../core/bytes.hpp"
#include "../core/config.hpp"
#include "../core/dependent.hpp"
#include "../core/errors.hpp"

namespace kstream_sim {

// Specialise for your types: static void serialize(const T&, Bytes& out) appends the bytes;
// static T deserialize(const uint8_t* data, size_t size). Optional: static constexpr const char*
// serializerClass / deserializerClass (Kafka's class names, matched against key.serializer etc.).
template <class T>
struct Serde;

template <>
struct Serde<std::string> {
    static constexpr const char* typeName = "std::string";
    static constexpr const char* serializerClass = "org.apache.kafka.common.serialization.StringSerializer";
    static constexpr const char* deserializerClass = "org.apache.kafka.common.serialization.StringDeserializer";
    static void serialize(const std::string& v, Bytes& out) { detail::appendString(out, v); }
    // The bytes are the string's own: a client can use them without copying (optional for a Serde).
    static ByteView view(const std::string& v) { return {reinterpret_cast<const uint8_t*>(v.data()), static_cast<int32_t>(v.size())}; }
    static std::string deserialize(const uint8_t* data, size_t size) {
        return std::string(reinterpret_cast<const char*>(data), size);
    }
};

namespace detail {
template <class Int, int Width>
struct BigEndianSerde {
    static void serialize(Int v, Bytes& out) { appendBigEndian(out, static_cast<uint64_t>(v), Width); }
    static void write(Int v, uint8_t* p) noexcept { writeBigEndian(p, static_cast<uint64_t>(v), Width); }
    static Int deserialize(const uint8_t* data, size_t size, const char* deserializer) {
        if (size != Width)
            throw SerializationException(std::string("Size of data received by ") + deserializer + " is not " + std::to_string(Width));
        return static_cast<Int>(readBigEndian(data, Width));
    }
};
}  // namespace detail

template <>
struct Serde<int32_t> {
    static constexpr const char* typeName = "int32_t";
    static constexpr const char* serializerClass = "org.apache.kafka.common.serialization.IntegerSerializer";
    static constexpr const char* deserializerClass = "org.apache.kafka.common.serialization.IntegerDeserializer";
    static void serialize(int32_t v, Bytes& out) { detail::BigEndianSerde<int32_t, 4>::serialize(v, out); }
    static void write(int32_t v, uint8_t* p) noexcept { detail::BigEndianSerde<int32_t, 4>::write(v, p); }
    static int32_t deserialize(const uint8_t* d, size_t n) { return detail::BigEndianSerde<int32_t, 4>::deserialize(d, n, "IntegerDeserializer"); }
};

template <>
struct Serde<int64_t> {
    static constexpr const char* typeName = "int64_t";
    static constexpr const char* serializerClass = "org.apache.kafka.common.serialization.LongSerializer";
    static constexpr const char* deserializerClass = "org.apache.kafka.common.serialization.LongDeserializer";
    static void serialize(int64_t v, Bytes& out) { detail::BigEndianSerde<int64_t, 8>::serialize(v, out); }
    static void write(int64_t v, uint8_t* p) noexcept { detail::BigEndianSerde<int64_t, 8>::write(v, p); }
    static int64_t deserialize(const uint8_t* d, size_t n) { return detail::BigEndianSerde<int64_t, 8>::deserialize(d, n, "LongDeserializer"); }
};

template <>
struct Serde<int16_t> {
    static constexpr const char* typeName = "int16_t";
    static constexpr const char* serializerClass = "org.apache.kafka.common.serialization.ShortSerializer";
    static constexpr const char* deserializerClass = "org.apache.kafka.common.serialization.ShortDeserializer";
    static void serialize(int16_t v, Bytes& out) { detail::BigEndianSerde<int16_t, 2>::serialize(v, out); }
    static void write(int16_t v, uint8_t* p) noexcept { detail::BigEndianSerde<int16_t, 2>::write(v, p); }
    static int16_t deserialize(const uint8_t* d, size_t n) { return detail::BigEndianSerde<int16_t, 2>::deserialize(d, n, "ShortDeserializer"); }
};

template <>
struct Serde<double> {
    static constexpr const char* typeName = "double";
    static constexpr const char* serializerClass = "org.apache.kafka.common.serialization.DoubleSerializer";
    static constexpr const char* deserializerClass = "org.apache.kafka.common.serialization.DoubleDeserializer";
    static void serialize(double v, Bytes& out) { detail::appendBigEndian(out, bits(v), 8); }
    static void write(double v, uint8_t* p) noexcept { detail::writeBigEndian(p, bits(v), 8); }
    static uint64_t bits(double v) noexcept {
        uint64_t b = 0x7ff8000000000000ULL;  // Java's canonical NaN (doubleToLongBits)
        if (v == v) std::memcpy(&b, &v, sizeof b);  // v == v: not NaN (std::isnan needs <cmath>)
        return b;
    }
    static double deserialize(const uint8_t* d, size_t n) {
        if (n != 8) throw SerializationException("Size of data received by DoubleDeserializer is not 8");
        uint64_t bits = detail::readBigEndian(d, 8);
        double v;
        std::memcpy(&v, &bits, sizeof v);
        return v;
    }
};

template <>
struct Serde<float> {
    static constexpr const char* typeName = "float";
    static constexpr const char* serializerClass = "org.apache.kafka.common.serialization.FloatSerializer";
    static constexpr const char* deserializerClass = "org.apache.kafka.common.serialization.FloatDeserializer";
    static void serialize(float v, Bytes& out) { detail::appendBigEndian(out, bits(v), 4); }
    static void write(float v, uint8_t* p) noexcept { detail::writeBigEndian(p, bits(v), 4); }
    static uint32_t bits(float v) noexcept {
        uint32_t b = 0x7fc00000u;  // Java's canonical NaN (floatToIntBits)
        if (v == v) std::memcpy(&b, &v, sizeof b);  // v == v: not NaN (std::isnan needs <cmath>)
        return b;
    }
    static float deserialize(const uint8_t* d, size_t n) {
        if (n != 4) throw SerializationException("Size of data received by FloatDeserializer is not 4");
        uint32_t bits = static_cast<uint32_t>(detail::readBigEndian(d, 4));
        float v;
        std::memcpy(&v, &bits, sizeof v);
        return v;
    }
};

template <>
struct Serde<bool> {
    static constexpr const char* typeName = "bool";
    static constexpr const char* serializerClass = "org.apache.kafka.common.serialization.BooleanSerializer";
    static constexpr const char* deserializerClass = "org.apache.kafka.common.serialization.BooleanDeserializer";
    static void serialize(bool v, Bytes& out) { out.push_back(v ? 1 : 0); }
    static bool deserialize(const uint8_t* d, size_t n) {
        if (n != 1) throw SerializationException("Size of data received by BooleanDeserializer is not 1");
        if (d[0] > 1) throw SerializationException("Unexpected byte received by BooleanDeserializer: " + std::to_string(d[0]));
        return d[0] == 1;
    }
};

template <>
struct Serde<Bytes> {
    static constexpr const char* typeName = "Bytes";
    static constexpr const char* serializerClass = "org.apache.kafka.common.serialization.ByteArraySerializer";
    static constexpr const char* deserializerClass = "org.apache.kafka.common.serialization.ByteArrayDeserializer";
    static void serialize(const Bytes& v, Bytes& out) { out.insert(out.end(), v.begin(), v.end()); }
    static ByteView view(const Bytes& v) { return {v.data(), static_cast<int32_t>(v.size())}; }
    static Bytes deserialize(const uint8_t* d, size_t n) { return Bytes(d, d + n); }
};

namespace detail {

template <class T, class = void>
struct HasSerde : std::false_type {};
template <class T>
struct HasSerde<T, std::void_t<decltype(Serde<T>::serialize)>> : std::true_type {};

template <class T, class = void>
struct HasSerdeView : std::false_type {};
template <class T>
struct HasSerdeView<T, std::void_t<decltype(Serde<T>::view)>> : std::true_type {};
// Fixed-width serdes (numbers) also have write(value, p), which writes the sizeof(T) bytes at p.
template <class T, class = void>
struct HasSerdeWrite : std::false_type {};
template <class T>
struct HasSerdeWrite<T, std::void_t<decltype(Serde<T>::write)>> : std::true_type {};

template <class T>
struct IsOptional : std::false_type {
    using value_type = T;
};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {
    using value_type = T;
};

// The optional parts of a Serde<T> specialisation: a readable type name and Kafka's class names.
template <class T, class = void>
struct HasSerdeTypeName : std::false_type {};
template <class T>
struct HasSerdeTypeName<T, std::void_t<decltype(Serde<T>::typeName)>> : std::true_type {};
template <class T, class = void>
struct HasSerdeClassNames : std::false_type {};
template <class T>
struct HasSerdeClassNames<T, std::void_t<decltype(Serde<T>::serializerClass), decltype(Serde<T>::deserializerClass)>>
    : std::true_type {};

template <class T>
const char* serdeTypeName() {
    if constexpr (HasSerdeTypeName<T>::value) return Serde<T>::typeName;
    else return typeid(T).name();
}

}  // namespace detail

// Serializer<T>: Kafka's Serializer interface as a value type. Built from Serde<T> by default, or from a
// callable `void(const T&, Bytes&)` for types without a Serde specialisation.
template <class T>
class Serializer {
public:
    using Function = std::function<void(const T&, Bytes&)>;
    Serializer() = default;
    explicit Serializer(Function fn) : fn_(std::move(fn)) {}

    // Appends the bytes of a non-null value.
    void serializeInto(const T& value, Bytes& out) const {
        if (fn_) return fn_(value, out);
        if constexpr (detail::HasSerde<T>::value) Serde<T>::serialize(value, out);
        else throw SerializationException(std::string("No serializer for type ") + typeid(T).name() +
                                          ": specialise kstream_sim::Serde<T> or pass a Serializer to the client");
    }
    // Kafka's serialize(topic, data); nullopt for null.
    std::optional<Bytes> serialize(const std::string& /*topic*/, const T& value) const {
        Bytes out;
        serializeInto(value, out);
        return out;
    }
    bool custom() const noexcept { return static_cast<bool>(fn_); }

    // The serialized bytes of a non-null value: a view of the value itself where the type allows (strings,
    // byte arrays), else serialized into `scratch`. A number is written over scratch's bytes, so a scratch
    // buffer reused for one type keeps its size and is not resized per value.
    ByteView bytesOf(const T& value, Bytes& scratch) const {
        if constexpr (detail::HasSerdeView<T>::value) {
            if (!fn_) return Serde<T>::view(value);
        } else if constexpr (detail::HasSerdeWrite<T>::value) {
            if (!fn_) {
                if (scratch.size() != sizeof(T)) scratch.resize(sizeof(T));
                Serde<T>::write(value, scratch.data());
                return {scratch.data(), static_cast<int32_t>(sizeof(T))};
            }
        }
        scratch.clear();
        serializeInto(value, scratch);
        return {scratch.data(), static_cast<int32_t>(scratch.size())};
    }

private:
    Function fn_;
};

template <class T>
class Serializer<std::optional<T>> {
public:
    Serializer() = default;
    explicit Serializer(Serializer<T> inner) : inner_(std::move(inner)) {}
    void serializeInto(const T& value, Bytes& out) const { inner_.serializeInto(value, out); }
    std::optional<Bytes> serialize(const std::string& topic, const std::optional<T>& value) const {
        if (!value) return std::nullopt;
        return inner_.serialize(topic, *value);
    }
    bool custom() const noexcept { return inner_.custom(); }
    ByteView bytesOf(const T& value, Bytes& scratch) const { return inner_.bytesOf(value, scratch); }

private:
    Serializer<T> inner_;
};

// Deserializer<T>: Kafka's Deserializer as a value type. A null (absent) input gives T{} for a plain T and
// nullopt for std::optional<T>: use optional keys/values to tell tombstones from empty values.
template <class T>
class Deserializer {
public:
    using Function = std::function<T(const uint8_t*, size_t)>;
    Deserializer() = default;
    explicit Deserializer(Function fn) : fn_(std::move(fn)) {}

    T deserialize(ByteView bytes) const {
        if (bytes.isNull()) return T{};
        return deserializeNonNull(bytes.data, static_cast<size_t>(bytes.size));
    }
    T deserializeNonNull(const uint8_t* data, size_t size) const {
        if (fn_) return fn_(data, size);
        if constexpr (detail::HasSerde<T>::value) return Serde<T>::deserialize(data, size);
        else throw SerializationException(std::string("No deserializer for type ") + typeid(T).name() +
                                          ": specialise kstream_sim::Serde<T> or pass a Deserializer to the client");
    }
    // Kafka's deserialize(topic, data).
    T deserialize(const std::string& /*topic*/, const std::optional<Bytes>& data) const {
        return data ? deserializeNonNull(data->data(), data->size()) : T{};
    }

private:
    Function fn_;
};

template <class T>
class Deserializer<std::optional<T>> {
public:
    Deserializer() = default;
    explicit Deserializer(Deserializer<T> inner) : inner_(std::move(inner)) {}
    std::optional<T> deserialize(ByteView bytes) const {
        if (bytes.isNull()) return std::nullopt;
        return inner_.deserializeNonNull(bytes.data, static_cast<size_t>(bytes.size));
    }
    std::optional<T> deserialize(const std::string& topic, const std::optional<Bytes>& data) const {
        if (!data) return std::nullopt;
        return inner_.deserialize(topic, data);
    }

private:
    Deserializer<T> inner_;
};

// A serializer and deserializer pair (Kafka's Serde<T> object, as Serdes.String() returns).
template <class T>
class SerdeObject {
public:
    SerdeObject() = default;
    SerdeObject(Serializer<T> s, Deserializer<T> d) : serializer_(std::move(s)), deserializer_(std::move(d)) {}
    const Serializer<T>& serializer() const noexcept { return serializer_; }
    const Deserializer<T>& deserializer() const noexcept { return deserializer_; }

private:
    Serializer<T> serializer_;
    Deserializer<T> deserializer_;
};

// Kafka's Serdes factory. Serdes::String() etc.; Serdes::of<T>() for any type with a Serde<T>.
// (Templates, their type named through D, only so that each serde class is built when a program asks for it:
// see "Include cost" in docs/performance.md.)
namespace Serdes {
template <class T>
SerdeObject<T> of() { return SerdeObject<T>(); }
template <class D = void>
SerdeObject<detail::Dependent<std::string, D>> String() { return {}; }
template <class D = void>
SerdeObject<detail::Dependent<int32_t, D>> Integer() { return {}; }
template <class D = void>
SerdeObject<detail::Dependent<int64_t, D>> Long() { return {}; }
template <class D = void>
SerdeObject<detail::Dependent<int16_t, D>> Short() { return {}; }
template <class D = void>
SerdeObject<detail::Dependent<double, D>> Double() { return {}; }
template <class D = void>
SerdeObject<detail::Dependent<float, D>> Float() { return {}; }
template <class D = void>
SerdeObject<detail::Dependent<bool, D>> Boolean() { return {}; }
template <class D = void>
SerdeObject<detail::Dependent<kstream_sim::Bytes, D>> ByteArray() { return {}; }
}  // namespace Serdes

namespace detail {

// Does a configured class name (key.serializer etc.) fit the client's type T? Custom class names pass.
template <class T>
void checkConfiguredSerdeClass(const std::string& config_name, const std::string& configured, bool serializer) {
    using Base = typename IsOptional<T>::value_type;
    if constexpr (HasSerdeClassNames<Base>::value) {  // a user's Serde<T> need not name Kafka classes
        using S = Serde<Base>;
        const std::string expected = serializer ? S::serializerClass : S::deserializerClass;
        const bool builtin = configured.rfind("org.apache.kafka.common.serialization.", 0) == 0;
        const std::string short_expected = expected.substr(expected.rfind('.') + 1);
        if (configured == expected || configured == short_expected || !builtin) return;
        throw invalidConfigValue(config_name, configured, std::string("this client's type is ") + serdeTypeName<Base>() +
                                                                 ", whose " + (serializer ? "serializer" : "deserializer") +
                                                                 " is " + expected);
    }
}

}  // namespace detail

}  // namespace kstream_sim

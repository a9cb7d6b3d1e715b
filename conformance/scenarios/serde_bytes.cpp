// Conformance twin of conformance/expected/serde_bytes.txt (Java: SerdeBytes.java).
// Bytes of the built-in serializers, and what the deserializers make of some byte strings.
#include <kstream_sim.hpp>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "out.hpp"

using namespace kstream_sim;

namespace {

std::string b(const std::optional<Bytes>& bytes) { return bytes ? "[" + toHex(*bytes) + "]" : "null"; }

// Java's Double.toString for the simple values used here (shortest round-trip digits, ".0" when integral).
std::string javaDouble(double v) {
    for (int precision = 1; precision <= 17; ++precision) {
        std::ostringstream os;
        os.precision(precision);
        os << v;
        if (std::stod(os.str()) == v) {
            std::string s = os.str();
            if (s.find_first_of(".e") == std::string::npos) s += ".0";
            return s;
        }
    }
    return "?";
}

template <class T>
std::string shown(const T& v) { return std::to_string(v); }
std::string shown(const std::string& v) { return quote(v); }
std::string shown(const Bytes& v) { return "[" + toHex(v) + "]"; }
std::string shown(double v) { return javaDouble(v); }

template <class T>
void de(const std::string& type, const std::optional<Bytes>& bytes) {
    std::string label = "deserialize " + type + ":" + b(bytes) + " -> ";
    try {
        std::optional<T> v = Serdes::of<std::optional<T>>().deserializer().deserialize("t", bytes);
        std::cout << label << (v ? shown(*v) : std::string("null")) << "\n";
    } catch (const KafkaException& e) {
        std::cout << label << e.name() << "\n";
    }
}

double fromBits(uint64_t bits) {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}

}  // namespace

int main() {
    const auto strings = Serdes::of<std::optional<std::string>>().serializer();
    for (const std::optional<std::string>& v :
         {std::optional<std::string>(""), std::optional<std::string>("a"), std::optional<std::string>("alice"),
          std::optional<std::string>("h\xc3\xa9llo"), std::optional<std::string>("\xe6\x97\xa5\xe6\x9c\xac"),
          std::optional<std::string>("\xf0\x9f\x98\x80"), std::optional<std::string>("tab\there"),
          std::optional<std::string>()})
        std::cout << "string:" << (v ? quote(*v) : "null") << " -> " << b(strings.serialize("t", v)) << "\n";

    const auto ints = Serdes::of<std::optional<int32_t>>().serializer();
    for (const std::optional<int32_t>& v :
         {std::optional<int32_t>(0), std::optional<int32_t>(1), std::optional<int32_t>(-1), std::optional<int32_t>(42),
          std::optional<int32_t>(256), std::optional<int32_t>(std::numeric_limits<int32_t>::min()),
          std::optional<int32_t>(std::numeric_limits<int32_t>::max()), std::optional<int32_t>()})
        std::cout << "int:" << (v ? std::to_string(*v) : "null") << " -> " << b(ints.serialize("t", v)) << "\n";

    const auto longs = Serdes::of<std::optional<int64_t>>().serializer();
    for (const std::optional<int64_t>& v :
         {std::optional<int64_t>(0), std::optional<int64_t>(1), std::optional<int64_t>(-1),
          std::optional<int64_t>(1234567890123LL), std::optional<int64_t>(std::numeric_limits<int64_t>::min()),
          std::optional<int64_t>(std::numeric_limits<int64_t>::max()), std::optional<int64_t>()})
        std::cout << "long:" << (v ? std::to_string(*v) : "null") << " -> " << b(longs.serialize("t", v)) << "\n";

    const auto doubles = Serdes::of<std::optional<double>>().serializer();
    const double ds[] = {0.0, -0.0, 1.5, -2.25, 0.1, std::numeric_limits<double>::quiet_NaN(),
                         std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                         std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max()};
    const char* dn[] = {"0.0", "-0.0", "1.5", "-2.25", "0.1", "NaN", "Infinity", "-Infinity", "4.9e-324", "1.7976931348623157e308"};
    for (size_t k = 0; k < sizeof ds / sizeof ds[0]; ++k)
        std::cout << "double:" << dn[k] << " -> " << b(doubles.serialize("t", ds[k])) << "\n";
    // NaNs with other bits: Java's DoubleSerializer (doubleToLongBits) writes the canonical NaN.
    for (uint64_t bits : {0xfff8000000000000ULL, 0x7ff0000000000001ULL}) {
        char label[40];
        std::snprintf(label, sizeof label, "double:bits(%016llx)", static_cast<unsigned long long>(bits));
        std::cout << label << " -> " << b(doubles.serialize("t", fromBits(bits))) << "\n";
    }
    std::cout << "double:null -> " << b(doubles.serialize("t", std::nullopt)) << "\n";

    const auto arrays = Serdes::of<std::optional<Bytes>>().serializer();
    for (const std::optional<Bytes>& v : {std::optional<Bytes>(Bytes{}), std::optional<Bytes>(Bytes{0}),
                                          std::optional<Bytes>(Bytes{0x00, 0xff, 0x7f, 0x80}), std::optional<Bytes>()})
        std::cout << "bytearray:" << b(v) << " -> " << b(arrays.serialize("t", v)) << "\n";

    de<std::string>("string", Bytes{0x61, 0xc3, 0xa9});
    de<std::string>("string", Bytes{});
    de<std::string>("string", std::nullopt);
    de<int32_t>("int", Bytes{0, 0, 1, 0});
    de<int32_t>("int", Bytes{0xff, 0xff, 0xff, 0xfe});
    de<int32_t>("int", Bytes{0, 0, 1});
    de<int32_t>("int", Bytes{0, 0, 0, 0, 1});
    de<int32_t>("int", Bytes{});
    de<int32_t>("int", std::nullopt);
    de<int64_t>("long", Bytes{0, 0, 0, 0, 0, 0, 1, 0});
    de<int64_t>("long", Bytes{0, 0, 0, 1});
    de<int64_t>("long", std::nullopt);
    de<double>("double", Bytes{0x3f, 0xf8, 0, 0, 0, 0, 0, 0});
    de<double>("double", Bytes{0x3f, 0xf8, 0, 0});
    de<double>("double", std::nullopt);
    de<Bytes>("bytearray", Bytes{1, 2});
    de<Bytes>("bytearray", std::nullopt);
    return 0;
}

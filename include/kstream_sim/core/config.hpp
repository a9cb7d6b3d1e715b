// Configuration: Properties (Kafka's key/value settings), ConfigDef (known keys, types, defaults, checks)
// and AbstractConfig (a checked, typed view of one client's Properties).
//
// Values may be given as strings, integers, booleans or doubles, as with Java's Properties.put(). Checks
// follow Kafka's ConfigDef, with its messages ("Invalid value abc for configuration linger.ms: Not a number
// of type LONG"). One deliberate difference: Kafka only logs a warning for an unknown key; kstream_sim throws
// a ConfigException that names the closest known key, because a misspelt key is almost always a bug.
#pragma once

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "dependent.hpp"
#include "errors.hpp"

namespace kstream_sim {

// A setting as the user gave it: a string, an integer, a boolean or a double (a tagged struct rather than a
// std::variant: see "Include cost" in docs/performance.md).
class ConfigValue {
public:
    enum class Kind { String, Long, Boolean, Double };

    ConfigValue(const char* v) : kind_(Kind::String), string_(v) {}
    ConfigValue(std::string v) : kind_(Kind::String), string_(std::move(v)) {}
    ConfigValue(bool v) : kind_(Kind::Boolean), boolean_(v) {}
    ConfigValue(double v) : kind_(Kind::Double), double_(v) {}
    template <class Int, std::enable_if_t<std::is_integral<Int>::value && !std::is_same<Int, bool>::value, int> = 0>
    ConfigValue(Int v) : kind_(Kind::Long), long_(static_cast<int64_t>(v)) {}
    template <class Rep, class Period>
    ConfigValue(std::chrono::duration<Rep, Period> d)
        : kind_(Kind::Long), long_(static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count())) {}

    // The value as text, as Java's toString() would print it.
    std::string text() const {
        switch (kind_) {
            case Kind::String: return string_;
            case Kind::Boolean: return boolean_ ? "true" : "false";
            case Kind::Long: return std::to_string(long_);
            case Kind::Double: return std::to_string(double_);
        }
        return {};
    }
    Kind kind() const noexcept { return kind_; }
    // The value itself; only the one named by kind() is meaningful.
    const std::string& asString() const noexcept { return string_; }
    int64_t asLong() const noexcept { return long_; }
    bool asBoolean() const noexcept { return boolean_; }
    double asDouble() const noexcept { return double_; }

private:
    Kind kind_;
    std::string string_;
    int64_t long_ = 0;
    bool boolean_ = false;
    double double_ = 0;
};

namespace detail {

// A class template only so that it is compiled when used (see SchedulerImpl in scheduler.hpp); users write Properties.
template <class D = void>
class PropertiesImpl;

}  // namespace detail

using Properties = detail::PropertiesImpl<>;

namespace detail {

template <class D>
class PropertiesImpl {
    // Plain types named through D too: containers of them are then built only with this class.
    using ConfigValue = Dependent<kstream_sim::ConfigValue, D>;

public:
    PropertiesImpl() = default;
    PropertiesImpl(std::initializer_list<std::pair<const std::string, ConfigValue>> entries) : entries_(entries) {}

    PropertiesImpl& put(const std::string& key, ConfigValue value) {
        entries_.insert_or_assign(key, std::move(value));
        return *this;
    }
    PropertiesImpl& setProperty(const std::string& key, const std::string& value) { return put(key, value); }
    PropertiesImpl& putAll(const PropertiesImpl& other) {
        for (const auto& [k, v] : other.entries_) entries_.insert_or_assign(k, v);
        return *this;
    }

    std::optional<std::string> getProperty(const std::string& key) const {
        auto it = entries_.find(key);
        if (it == entries_.end()) return std::nullopt;
        return it->second.text();
    }
    std::string getProperty(const std::string& key, const std::string& fallback) const {
        return getProperty(key).value_or(fallback);
    }
    const ConfigValue* find(const std::string& key) const {
        auto it = entries_.find(key);
        return it == entries_.end() ? nullptr : &it->second;
    }
    bool containsKey(const std::string& key) const { return entries_.count(key) != 0; }
    void remove(const std::string& key) { entries_.erase(key); }
    size_t size() const noexcept { return entries_.size(); }
    bool isEmpty() const noexcept { return entries_.empty(); }

    // Sorted by key, so iteration order never depends on hashing.
    auto begin() const { return entries_.begin(); }
    auto end() const { return entries_.end(); }

private:
    std::map<std::string, ConfigValue> entries_;
};

}  // namespace detail

enum class ConfigType { BOOLEAN, STRING, INT, SHORT, LONG, DOUBLE, LIST, CLASS, PASSWORD };

inline const char* configTypeName(ConfigType t) noexcept {
    switch (t) {
        case ConfigType::BOOLEAN: return "BOOLEAN";
        case ConfigType::STRING: return "STRING";
        case ConfigType::INT: return "INT";
        case ConfigType::SHORT: return "SHORT";
        case ConfigType::LONG: return "LONG";
        case ConfigType::DOUBLE: return "DOUBLE";
        case ConfigType::LIST: return "LIST";
        case ConfigType::CLASS: return "CLASS";
        case ConfigType::PASSWORD: return "PASSWORD";
    }
    return "?";
}

// Kafka's ConfigException(name, value, message) text.
inline ConfigException invalidConfigValue(const std::string& name, const std::string& value, const std::string& why) {
    return ConfigException("Invalid value " + value + " for configuration " + name + ": " + why);
}

namespace detail {

// Edit distance, for "did you mean ...?" suggestions. (A template only so that it is compiled when used.)
template <class D = void>
size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

inline std::string lowercase(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

inline std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\n\r"), e = s.find_last_not_of(" \t\n\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

template <class D = void>
std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t comma = s.find(',', start);
        if (comma == std::string::npos) comma = s.size();
        std::string item = trim(s.substr(start, comma - start));
        if (!item.empty()) out.push_back(item);
        start = comma + 1;
    }
    return out;
}

}  // namespace detail

// The closest name in `candidates` to `name`, if it is close enough to be a plausible typo.
template <class D = void>
std::optional<std::string> closestName(const std::string& name, const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    size_t best_distance = std::max<size_t>(3, name.size() / 3) + 1;
    for (const auto& candidate : candidates) {
        size_t d = detail::editDistance(name, candidate);
        if (d < best_distance) best_distance = d, best = candidate;
    }
    return best;
}

// A typed config value after parsing: null, bool, integer, double, string or list.
struct ParsedValue {
    enum class Kind { Null, Boolean, Long, Double, String, List };

    ParsedValue() = default;
    ParsedValue(bool v) : kind(Kind::Boolean), boolean(v) {}
    ParsedValue(int64_t v) : kind(Kind::Long), long_value(v) {}
    ParsedValue(double v) : kind(Kind::Double), double_value(v) {}
    ParsedValue(std::string v) : kind(Kind::String), string(std::move(v)) {}
    ParsedValue(std::vector<std::string> v) : kind(Kind::List), list(std::move(v)) {}

    Kind kind = Kind::Null;
    bool boolean = false;
    int64_t long_value = 0;
    double double_value = 0;
    std::string string;
    std::vector<std::string> list;
};

struct ConfigKey {
    std::string name;
    ConfigType type;
    std::optional<std::string> default_value;  // nullopt: default is null (or required, see `required`)
    std::optional<int64_t> at_least;            // numeric lower bound
    std::optional<int64_t> at_most;             // numeric upper bound
    std::vector<std::string> valid_strings;     // allowed values (empty: any)
    bool case_insensitive = false;
    std::string doc;
};

namespace detail {
template <class D = void>
class ConfigDefImpl;
template <class D = void>
class AbstractConfigImpl;
}  // namespace detail

// The known keys of one kind of client or topic, with their types, defaults and checks.
using ConfigDef = detail::ConfigDefImpl<>;
// A client's checked configuration: every key known, every value parsed, defaults filled in.
using AbstractConfig = detail::AbstractConfigImpl<>;

namespace detail {

template <class D>
class ConfigDefImpl {
    // Plain types named through D too: containers of them are then built only with this class.
    using ConfigKey = Dependent<kstream_sim::ConfigKey, D>;

public:
    ConfigDefImpl& define(ConfigKey key) {
        keys_[key.name] = std::move(key);
        return *this;
    }
    ConfigDefImpl& define(const std::string& name, ConfigType type, std::optional<std::string> default_value,
                          std::string doc = {}) {
        return define(ConfigKey{name, type, std::move(default_value), {}, {}, {}, false, std::move(doc)});
    }
    ConfigDefImpl& defineRange(const std::string& name, ConfigType type, std::string default_value,
                               std::optional<int64_t> at_least, std::optional<int64_t> at_most = std::nullopt) {
        return define(ConfigKey{name, type, std::move(default_value), at_least, at_most, {}, false, {}});
    }
    ConfigDefImpl& defineIn(const std::string& name, std::optional<std::string> default_value,
                            std::vector<std::string> valid, bool case_insensitive = false) {
        return define(ConfigKey{name, ConfigType::STRING, std::move(default_value), {}, {}, std::move(valid),
                                case_insensitive, {}});
    }
    // Keys Kafka accepts but kstream_sim does not model (security, metrics, sockets): accepted, ignored.
    ConfigDefImpl& accept(std::initializer_list<const char*> names) {
        for (const char* n : names) define(n, ConfigType::STRING, std::nullopt, "accepted; has no effect in kstream_sim");
        return *this;
    }
    // Prefixes under which any key is accepted (e.g. "ssl.", "sasl.").
    ConfigDefImpl& acceptPrefix(std::string prefix) {
        prefixes_.push_back(std::move(prefix));
        return *this;
    }

    const ConfigKey* find(const std::string& name) const {
        auto it = keys_.find(name);
        return it == keys_.end() ? nullptr : &it->second;
    }
    bool acceptsPrefixOf(const std::string& name) const {
        for (const auto& p : prefixes_)
            if (name.compare(0, p.size(), p) == 0) return true;
        return false;
    }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& kv : keys_) out.push_back(kv.first);
        return out;
    }
    const std::map<std::string, ConfigKey>& keys() const noexcept { return keys_; }

    // Parses one value per its key's type and checks it, with Kafka's messages.
    static ParsedValue parse(const ConfigKey& key, const ConfigValue& value) {
        using Kind = ConfigValue::Kind;
        const std::string text = value.text();
        switch (key.type) {
            case ConfigType::BOOLEAN: {
                if (value.kind() == Kind::Boolean) return value.asBoolean();
                if (value.kind() == Kind::String) {
                    std::string t = detail::lowercase(detail::trim(value.asString()));
                    if (t == "true") return true;
                    if (t == "false") return false;
                }
                throw invalidConfigValue(key.name, text, "Expected value to be either true or false");
            }
            case ConfigType::INT:
            case ConfigType::SHORT:
            case ConfigType::LONG: {
                int64_t n = 0;
                if (value.kind() == Kind::Long) {
                    n = value.asLong();
                } else if (value.kind() == Kind::String) {
                    std::string t = detail::trim(value.asString());
                    char* end = nullptr;
                    errno = 0;
                    long long parsed = t.empty() ? 0 : std::strtoll(t.c_str(), &end, 10);
                    if (t.empty() || *end != '\0' || errno == ERANGE)
                        throw invalidConfigValue(key.name, text, std::string("Not a number of type ") + configTypeName(key.type));
                    n = parsed;
                } else {
                    throw invalidConfigValue(key.name, text, std::string("Expected value to be a 32-bit integer, but it was a ") +
                                                                 (value.kind() == Kind::Boolean ? "java.lang.Boolean" : "java.lang.Double"));
                }
                if (key.type == ConfigType::INT && (n < INT32_MIN || n > INT32_MAX))
                    throw invalidConfigValue(key.name, text, "Not a number of type INT");
                if (key.at_least && n < *key.at_least)
                    throw invalidConfigValue(key.name, text, "Value must be at least " + std::to_string(*key.at_least));
                if (key.at_most && n > *key.at_most)
                    throw invalidConfigValue(key.name, text, "Value must be no more than " + std::to_string(*key.at_most));
                return n;
            }
            case ConfigType::DOUBLE: {
                if (value.kind() == Kind::Double) return value.asDouble();
                if (value.kind() == Kind::Long) return static_cast<double>(value.asLong());
                if (value.kind() == Kind::String) {
                    std::string t = detail::trim(value.asString());
                    char* end = nullptr;
                    double d = t.empty() ? 0 : std::strtod(t.c_str(), &end);
                    if (!t.empty() && *end == '\0') return d;
                }
                throw invalidConfigValue(key.name, text, "Not a number of type DOUBLE");
            }
            case ConfigType::LIST: return detail::splitList(text);
            case ConfigType::STRING:
            case ConfigType::CLASS:
            case ConfigType::PASSWORD: {
                std::string t = key.type == ConfigType::STRING ? detail::trim(text) : text;
                if (!key.valid_strings.empty()) {
                    bool ok = false;
                    for (const auto& v : key.valid_strings)
                        ok = ok || (key.case_insensitive ? detail::lowercase(v) == detail::lowercase(t) : v == t);
                    if (!ok) {
                        std::string allowed;
                        for (const auto& v : key.valid_strings) allowed += (allowed.empty() ? "" : ", ") + v;
                        throw invalidConfigValue(key.name, text, "String must be one of: " + allowed);
                    }
                    if (key.case_insensitive) t = detail::lowercase(t);
                }
                return t;
            }
        }
        return ParsedValue();
    }

private:
    std::map<std::string, ConfigKey> keys_;
    std::vector<std::string> prefixes_;
};

template <class D>
class AbstractConfigImpl {
    // Plain types named through D too: containers of them are then built only with this class.
    using ParsedValue = Dependent<kstream_sim::ParsedValue, D>;

public:
    AbstractConfigImpl(const ConfigDefImpl<D>& def, const PropertiesImpl<D>& props, const std::string& owner) : owner_(owner) {
        for (const auto& [name, value] : props) {
            const ConfigKey* key = def.find(name);
            if (!key) {
                if (def.acceptsPrefixOf(name)) continue;
                std::string message = "Unknown configuration '" + name + "' for " + owner;
                if (auto suggestion = closestName(name, def.names())) message += ": did you mean '" + *suggestion + "'?";
                else message += ".";
                message += " (Kafka itself would only log a warning and ignore the key.)";
                throw ConfigException(message);
            }
            values_[name] = ConfigDefImpl<D>::parse(*key, value);
            explicit_.push_back(name);
        }
        for (const auto& [name, key] : def.keys()) {
            if (values_.count(name)) continue;
            values_[name] = key.default_value ? ConfigDefImpl<D>::parse(key, ConfigValue(*key.default_value)) : ParsedValue{};
        }
    }

    const std::string& owner() const noexcept { return owner_; }
    bool isExplicit(const std::string& name) const {
        return std::find(explicit_.begin(), explicit_.end(), name) != explicit_.end();
    }
    bool isNull(const std::string& name) const { return get(name).kind == ParsedValue::Kind::Null; }

    bool getBoolean(const std::string& name) const { return as(name, ParsedValue::Kind::Boolean).boolean; }
    int32_t getInt(const std::string& name) const { return static_cast<int32_t>(getLong(name)); }
    int64_t getLong(const std::string& name) const { return as(name, ParsedValue::Kind::Long).long_value; }
    double getDouble(const std::string& name) const { return as(name, ParsedValue::Kind::Double).double_value; }
    std::string getString(const std::string& name) const {
        return isNull(name) ? std::string() : as(name, ParsedValue::Kind::String).string;
    }
    std::optional<std::string> getOptionalString(const std::string& name) const {
        if (isNull(name)) return std::nullopt;
        return as(name, ParsedValue::Kind::String).string;
    }
    std::vector<std::string> getList(const std::string& name) const {
        return isNull(name) ? std::vector<std::string>{} : as(name, ParsedValue::Kind::List).list;
    }

    // Overrides a value after validation (e.g. idempotence turned off implicitly, as Kafka does).
    void set(const std::string& name, ParsedValue value) { values_[name] = std::move(value); }

private:
    const ParsedValue& get(const std::string& name) const {
        auto it = values_.find(name);
        if (it == values_.end()) throw ConfigException("kstream_sim internal: " + owner_ + " has no configuration " + name);
        return it->second;
    }
    const ParsedValue& as(const std::string& name, typename ParsedValue::Kind kind) const {
        const ParsedValue& v = get(name);
        if (v.kind == kind) return v;
        throw ConfigException("Missing required configuration \"" + name + "\" which has no default value.");
    }

    std::string owner_;
    std::map<std::string, ParsedValue> values_;
    std::vector<std::string> explicit_;
};

}  // namespace detail

}  // namespace kstream_sim

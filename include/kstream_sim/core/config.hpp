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
#include <variant>
#include <vector>

#include "errors.hpp"

namespace kstream_sim {

// A setting as the user gave it.
class ConfigValue {
public:
    ConfigValue(const char* v) : value_(std::string(v)) {}
    ConfigValue(std::string v) : value_(std::move(v)) {}
    ConfigValue(bool v) : value_(v) {}
    ConfigValue(double v) : value_(v) {}
    template <class Int, std::enable_if_t<std::is_integral<Int>::value && !std::is_same<Int, bool>::value, int> = 0>
    ConfigValue(Int v) : value_(static_cast<int64_t>(v)) {}
    template <class Rep, class Period>
    ConfigValue(std::chrono::duration<Rep, Period> d)
        : value_(static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count())) {}

    // The value as text, as Java's toString() would print it.
    std::string text() const {
        if (auto s = std::get_if<std::string>(&value_)) return *s;
        if (auto b = std::get_if<bool>(&value_)) return *b ? "true" : "false";
        if (auto i = std::get_if<int64_t>(&value_)) return std::to_string(*i);
        std::string d = std::to_string(std::get<double>(value_));
        return d;
    }
    const std::variant<std::string, int64_t, bool, double>& raw() const noexcept { return value_; }

private:
    std::variant<std::string, int64_t, bool, double> value_;
};

class Properties {
public:
    Properties() = default;
    Properties(std::initializer_list<std::pair<const std::string, ConfigValue>> entries) : entries_(entries) {}

    Properties& put(const std::string& key, ConfigValue value) {
        entries_.insert_or_assign(key, std::move(value));
        return *this;
    }
    Properties& setProperty(const std::string& key, const std::string& value) { return put(key, value); }
    Properties& putAll(const Properties& other) {
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

// Edit distance, for "did you mean ...?" suggestions.
inline size_t editDistance(const std::string& a, const std::string& b) {
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

inline std::vector<std::string> splitList(const std::string& s) {
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
inline std::optional<std::string> closestName(const std::string& name, const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    size_t best_distance = std::max<size_t>(3, name.size() / 3) + 1;
    for (const auto& candidate : candidates) {
        size_t d = detail::editDistance(name, candidate);
        if (d < best_distance) best_distance = d, best = candidate;
    }
    return best;
}

// A typed config value after parsing: null, bool, integer, double, string or list.
using ParsedValue = std::variant<std::monostate, bool, int64_t, double, std::string, std::vector<std::string>>;

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

class ConfigDef {
public:
    ConfigDef& define(ConfigKey key) {
        keys_[key.name] = std::move(key);
        return *this;
    }
    ConfigDef& define(const std::string& name, ConfigType type, std::optional<std::string> default_value,
                      std::string doc = {}) {
        return define(ConfigKey{name, type, std::move(default_value), {}, {}, {}, false, std::move(doc)});
    }
    ConfigDef& defineRange(const std::string& name, ConfigType type, std::string default_value,
                           std::optional<int64_t> at_least, std::optional<int64_t> at_most = std::nullopt) {
        return define(ConfigKey{name, type, std::move(default_value), at_least, at_most, {}, false, {}});
    }
    ConfigDef& defineIn(const std::string& name, std::optional<std::string> default_value,
                        std::vector<std::string> valid, bool case_insensitive = false) {
        return define(ConfigKey{name, ConfigType::STRING, std::move(default_value), {}, {}, std::move(valid),
                                case_insensitive, {}});
    }
    // Keys Kafka accepts but kstream_sim does not model (security, metrics, sockets): accepted, ignored.
    ConfigDef& accept(std::initializer_list<const char*> names) {
        for (const char* n : names) define(n, ConfigType::STRING, std::nullopt, "accepted; has no effect in kstream_sim");
        return *this;
    }
    // Prefixes under which any key is accepted (e.g. "ssl.", "sasl.").
    ConfigDef& acceptPrefix(std::string prefix) {
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
        const auto& raw = value.raw();
        const std::string text = value.text();
        switch (key.type) {
            case ConfigType::BOOLEAN: {
                if (auto b = std::get_if<bool>(&raw)) return *b;
                if (auto s = std::get_if<std::string>(&raw)) {
                    std::string t = detail::lowercase(detail::trim(*s));
                    if (t == "true") return true;
                    if (t == "false") return false;
                }
                throw invalidConfigValue(key.name, text, "Expected value to be either true or false");
            }
            case ConfigType::INT:
            case ConfigType::SHORT:
            case ConfigType::LONG: {
                int64_t n = 0;
                if (auto i = std::get_if<int64_t>(&raw)) {
                    n = *i;
                } else if (auto s = std::get_if<std::string>(&raw)) {
                    std::string t = detail::trim(*s);
                    char* end = nullptr;
                    errno = 0;
                    long long parsed = t.empty() ? 0 : std::strtoll(t.c_str(), &end, 10);
                    if (t.empty() || *end != '\0' || errno == ERANGE)
                        throw invalidConfigValue(key.name, text, std::string("Not a number of type ") + configTypeName(key.type));
                    n = parsed;
                } else {
                    throw invalidConfigValue(key.name, text, std::string("Expected value to be a 32-bit integer, but it was a ") +
                                                                 (std::holds_alternative<bool>(raw) ? "java.lang.Boolean" : "java.lang.Double"));
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
                if (auto d = std::get_if<double>(&raw)) return *d;
                if (auto i = std::get_if<int64_t>(&raw)) return static_cast<double>(*i);
                if (auto s = std::get_if<std::string>(&raw)) {
                    std::string t = detail::trim(*s);
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
        return std::monostate{};
    }

private:
    std::map<std::string, ConfigKey> keys_;
    std::vector<std::string> prefixes_;
};

// A client's checked configuration: every key known, every value parsed, defaults filled in.
class AbstractConfig {
public:
    AbstractConfig(const ConfigDef& def, const Properties& props, const std::string& owner) : owner_(owner) {
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
            values_[name] = ConfigDef::parse(*key, value);
            explicit_.push_back(name);
        }
        for (const auto& [name, key] : def.keys()) {
            if (values_.count(name)) continue;
            values_[name] = key.default_value ? ConfigDef::parse(key, ConfigValue(*key.default_value)) : ParsedValue{};
        }
    }

    const std::string& owner() const noexcept { return owner_; }
    bool isExplicit(const std::string& name) const {
        return std::find(explicit_.begin(), explicit_.end(), name) != explicit_.end();
    }
    bool isNull(const std::string& name) const { return std::holds_alternative<std::monostate>(get(name)); }

    bool getBoolean(const std::string& name) const { return as<bool>(name); }
    int32_t getInt(const std::string& name) const { return static_cast<int32_t>(as<int64_t>(name)); }
    int64_t getLong(const std::string& name) const { return as<int64_t>(name); }
    double getDouble(const std::string& name) const { return as<double>(name); }
    std::string getString(const std::string& name) const { return isNull(name) ? std::string() : as<std::string>(name); }
    std::optional<std::string> getOptionalString(const std::string& name) const {
        if (isNull(name)) return std::nullopt;
        return as<std::string>(name);
    }
    std::vector<std::string> getList(const std::string& name) const {
        return isNull(name) ? std::vector<std::string>{} : as<std::vector<std::string>>(name);
    }

    // Overrides a value after validation (e.g. idempotence turned off implicitly, as Kafka does).
    void set(const std::string& name, ParsedValue value) { values_[name] = std::move(value); }

private:
    const ParsedValue& get(const std::string& name) const {
        auto it = values_.find(name);
        if (it == values_.end()) throw ConfigException("kstream_sim internal: " + owner_ + " has no configuration " + name);
        return it->second;
    }
    template <class T>
    const T& as(const std::string& name) const {
        const ParsedValue& v = get(name);
        if (auto p = std::get_if<T>(&v)) return *p;
        throw ConfigException("Missing required configuration \"" + name + "\" which has no default value.");
    }

    std::string owner_;
    std::map<std::string, ParsedValue> values_;
    std::vector<std::string> explicit_;
};

}  // namespace kstream_sim

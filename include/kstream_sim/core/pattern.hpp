// Pattern: Java's java.util.regex.Pattern, for topic subscriptions by consumers and Kafka Streams sources.
//
// consumer.subscribe(Pattern::compile("orders-.*")) and builder.stream(Pattern::compile("orders-.*")) take one.
//
// A small backtracking matcher for the part of Java's regular expressions topic patterns use, written here
// because <regex> alone costs about a third of a second of compile time in every program that includes the
// header (see "Include cost" in docs/performance.md). matches() is Java's Matcher.matches(): the whole topic
// name must match. Supported: literals, `.`, escapes (`\.`, `\d`, `\w`, `\s` and their negations, `\t`, `\n`),
// classes (`[a-z_]`, `[^0-9]`), groups (`(...)`, `(?:...)`), alternation `|`, the quantifiers `*`, `+`, `?`,
// `{n}`, `{n,}`, `{n,m}`, and the anchors `^` and `$`. Anything else (back references, lookaround, lazy or
// possessive quantifiers, named classes) is an IllegalArgumentException naming it, never a silent mismatch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "../core/dependent.hpp"
#include "../core/errors.hpp"

namespace kstream_sim {

namespace detail {
// A class template only so that it is compiled when used (see "Include cost" in docs/performance.md); the type is
// Pattern.
template <class D = void>
class PatternImpl;
}  // namespace detail
using Pattern = detail::PatternImpl<>;

namespace detail {

template <class D>
class PatternImpl {
public:
    static PatternImpl compile(std::string regex) { return PatternImpl(std::move(regex)); }

    // Java's Pattern.matcher(input).matches(): the whole input matches.
    bool matches(const std::string& input) const {
        return matchSeq(*root_, 0, input, 0, [&](size_t end) { return end == input.size(); });
    }
    // The regular expression as written (Java's pattern() and toString(); describe() prints it).
    const std::string& pattern() const noexcept { return regex_; }
    const std::string& toString() const noexcept { return regex_; }
    friend std::ostream& operator<<(std::ostream& out, const PatternImpl& p) { return out << p.regex_; }

private:
    struct Node;
    using Seq = std::vector<Node>;
    // A character range [first, second], named through D so that its vector is built only with this class.
    using Range = Dependent<std::pair<unsigned char, unsigned char>, D>;
    struct Node {
        enum class Kind { Char, Any, Class, Group, Start, End };
        Kind kind = Kind::Char;
        char c = 0;
        std::vector<Range> ranges;                                     // Class
        bool negated = false;                                          // Class
        std::vector<Seq> alternatives;                                 // Group
        int min = 1, max = 1;                                          // max -1: unbounded
    };
    using Cont = std::function<bool(size_t)>;

    explicit PatternImpl(std::string regex) : regex_(std::move(regex)) {
        size_t pos = 0;
        Node top;
        top.kind = Node::Kind::Group;
        top.alternatives = parseAlternatives(pos);
        if (pos != regex_.size()) fail("Unmatched closing ')'", pos);
        root_ = std::make_shared<const Seq>(Seq{std::move(top)});
    }

    [[noreturn]] void fail(const std::string& what, size_t pos) const {
        throw IllegalArgumentException(what + " near index " + std::to_string(pos) + " of the pattern " + regex_);
    }

    std::vector<Seq> parseAlternatives(size_t& pos) {
        std::vector<Seq> alts(1);
        while (pos < regex_.size() && regex_[pos] != ')') {
            if (regex_[pos] == '|') {
                ++pos;
                alts.emplace_back();
                continue;
            }
            Node atom = parseAtom(pos);
            parseQuantifier(pos, atom);
            alts.back().push_back(std::move(atom));
        }
        return alts;
    }

    Node parseAtom(size_t& pos) {
        Node n;
        const char c = regex_[pos++];
        switch (c) {
            case '.': n.kind = Node::Kind::Any; break;
            case '^': n.kind = Node::Kind::Start; break;
            case '$': n.kind = Node::Kind::End; break;
            case '(': {
                if (pos < regex_.size() && regex_[pos] == '?') {
                    if (pos + 1 < regex_.size() && regex_[pos + 1] == ':') pos += 2;
                    else fail("kstream_sim's Pattern does not support (?...) constructs other than (?:...)", pos);
                }
                n.kind = Node::Kind::Group;
                n.alternatives = parseAlternatives(pos);
                if (pos >= regex_.size()) fail("Unclosed group", pos);
                ++pos;
                break;
            }
            case '[': parseClass(pos, n); break;
            case '\\': parseEscape(pos, n, false); break;
            case '*': case '+': case '?': case '{': fail(std::string("Dangling meta character '") + c + "'", pos - 1);
            default: n.c = c;
        }
        return n;
    }

    void parseQuantifier(size_t& pos, Node& n) {
        if (pos >= regex_.size()) return;
        const char q = regex_[pos];
        if (q == '*') n.min = 0, n.max = -1;
        else if (q == '+') n.min = 1, n.max = -1;
        else if (q == '?') n.min = 0, n.max = 1;
        else if (q == '{') {
            size_t p = pos + 1;
            auto number = [&]() {
                const size_t start = p;
                int v = 0;
                while (p < regex_.size() && regex_[p] >= '0' && regex_[p] <= '9') v = v * 10 + (regex_[p++] - '0');
                if (p == start) fail("Illegal repetition", pos);
                return v;
            };
            n.min = n.max = number();
            if (p < regex_.size() && regex_[p] == ',') {
                ++p;
                n.max = (p < regex_.size() && regex_[p] == '}') ? -1 : number();
            }
            if (p >= regex_.size() || regex_[p] != '}') fail("Unclosed counted closure", pos);
            if (n.max >= 0 && n.max < n.min) fail("Illegal repetition range", pos);
            pos = p;
        } else {
            return;
        }
        ++pos;
        if (pos < regex_.size() && (regex_[pos] == '?' || regex_[pos] == '+'))
            fail("kstream_sim's Pattern does not support lazy or possessive quantifiers", pos);
        if (n.kind == Node::Kind::Start || n.kind == Node::Kind::End) fail("A quantifier cannot follow an anchor", pos);
    }

    void addShorthand(char e, Node& n, bool in_class) {
        std::vector<Range> r;
        const char lower = static_cast<char>(e | 0x20);
        if (lower == 'd') r = {{'0', '9'}};
        else if (lower == 'w') r = {{'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'_', '_'}};
        else r = {{' ', ' '}, {'\t', '\r'}};  // \s: space, \t \n \v \f \r
        if (e >= 'A' && e <= 'Z') {          // \D \W \S: the complement
            if (in_class) fail("kstream_sim's Pattern does not support \\D, \\W or \\S inside a class", 0);
            n.negated = true;
        }
        n.kind = Node::Kind::Class;
        n.ranges.insert(n.ranges.end(), r.begin(), r.end());
    }

    // After a backslash: a shorthand class, a control character or an escaped literal.
    void parseEscape(size_t& pos, Node& n, bool in_class) {
        if (pos >= regex_.size()) fail("Unexpected internal error: pattern ends with a backslash", pos);
        const char e = regex_[pos++];
        switch (e) {
            case 'd': case 'D': case 'w': case 'W': case 's': case 'S': addShorthand(e, n, in_class); return;
            case 't': n.c = '\t'; break;
            case 'n': n.c = '\n'; break;
            case 'r': n.c = '\r'; break;
            default:
                if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))
                    fail(std::string("kstream_sim's Pattern does not support the escape \\") + e, pos - 1);
                n.c = e;
        }
        if (in_class) n.ranges.emplace_back(static_cast<unsigned char>(n.c), static_cast<unsigned char>(n.c));
    }

    void parseClass(size_t& pos, Node& n) {
        n.kind = Node::Kind::Class;
        if (pos < regex_.size() && regex_[pos] == '^') {
            n.negated = true;
            ++pos;
        }
        bool first = true;
        while (pos < regex_.size() && (regex_[pos] != ']' || first)) {
            first = false;
            unsigned char lo;
            if (regex_[pos] == '\\') {
                ++pos;
                const size_t before = n.ranges.size();
                parseEscape(pos, n, true);
                if (n.ranges.size() != before + 1 || n.ranges.back().first != n.ranges.back().second) continue;  // a shorthand
                lo = n.ranges.back().first;
                n.ranges.pop_back();
            } else {
                if (regex_[pos] == '[') fail("kstream_sim's Pattern does not support nested classes", pos);
                lo = static_cast<unsigned char>(regex_[pos++]);
            }
            unsigned char hi = lo;
            if (pos + 1 < regex_.size() && regex_[pos] == '-' && regex_[pos + 1] != ']') {
                hi = static_cast<unsigned char>(regex_[pos + 1]);
                pos += 2;
                if (hi < lo) fail("Illegal character range", pos);
            }
            n.ranges.emplace_back(lo, hi);
        }
        if (pos >= regex_.size()) fail("Unclosed character class", pos);
        ++pos;
    }

    static bool matchOne(const Node& n, const std::string& s, size_t pos, const Cont& k) {
        switch (n.kind) {
            case Node::Kind::Char: return pos < s.size() && s[pos] == n.c && k(pos + 1);
            case Node::Kind::Any: return pos < s.size() && s[pos] != '\n' && s[pos] != '\r' && k(pos + 1);
            case Node::Kind::Class: {
                if (pos >= s.size()) return false;
                const auto ch = static_cast<unsigned char>(s[pos]);
                bool in = false;
                for (const auto& [lo, hi] : n.ranges) in = in || (ch >= lo && ch <= hi);
                return in != n.negated && k(pos + 1);
            }
            case Node::Kind::Group:
                for (const auto& alt : n.alternatives)
                    if (matchSeq(alt, 0, s, pos, k)) return true;
                return false;
            case Node::Kind::Start: return pos == 0 && k(pos);
            case Node::Kind::End: return pos == s.size() && k(pos);
        }
        return false;
    }
    // Greedy repetition with backtracking; an iteration that consumes nothing ends the loop.
    static bool matchRepeat(const Node& n, int count, const std::string& s, size_t pos, const Cont& k) {
        if (n.max < 0 || count < n.max) {
            const bool more = matchOne(n, s, pos, [&](size_t next) {
                if (next == pos && count >= n.min) return false;
                return matchRepeat(n, count + 1, s, next, k);
            });
            if (more) return true;
        }
        return count >= n.min && k(pos);
    }
    static bool matchSeq(const Seq& seq, size_t i, const std::string& s, size_t pos, const Cont& k) {
        if (i == seq.size()) return k(pos);
        const Node& n = seq[i];
        const Cont rest = [&](size_t next) { return matchSeq(seq, i + 1, s, next, k); };
        if (n.min == 1 && n.max == 1) return matchOne(n, s, pos, rest);
        return matchRepeat(n, 0, s, pos, rest);
    }

    std::string regex_;
    std::shared_ptr<const Seq> root_;  // shared: copies of a Pattern share the parsed form
};

}  // namespace detail

}  // namespace kstream_sim

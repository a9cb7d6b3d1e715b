// The cell splitter's self-test: the constructs run_in_repl.py must cut right (cells_selftest.cells lists the
// cells; cells_selftest.expected is what the compiled program prints, and clang-repl must print the same).
#include <functional>  // a comment after a directive
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
/* a block comment
   over two lines */
struct Point { int x; int y; } origin{0, 0};
enum class Color { Red, Green };
template <typename T>
T twice(T v) { return v + v; }
void run(const std::function<void()>& f);
namespace util { inline int answer() { return 42; } }
#define GREETING \
    "hello"
#if defined(KSTREAM_SIM_NOT_DEFINED)  // a conditional block is one cell, up to its #endif
#error "not taken"
#else
inline const char* branch() { return " else-branch"; }
#endif

int main() {
    int count = 1'000;
    std::string s = "a // not a comment; {";  // a real comment }
    char c = '}';
    // --- branches
    std::cout << s << c << GREETING << branch() << "\n";
    if (count > 10) {
        std::cout << "big\n";
    } else if (count > 5)
        std::cout << "medium\n";
    else {
        std::cout << "small\n";
    }
    // --- a stored capture-less lambda
    // (clang-repl 19 crashes on capturing or in-place lambdas at the top level: see docs/notebooks.md)
    count += 1;
    count += twice(1);
    auto plain = [](int v) { return v * 2; };
    std::cout << count << " " << util::answer() << " " << origin.x << " " << plain(2) << "\n";
    // ---
    do { --count; } while (count > 1000);
    try {
        throw std::runtime_error("boom");
    } catch (const std::exception& e) {
        std::cout << e.what() << " " << count << "\n";
    }
    std::map<std::string, int> m{{"k", 1}};
    for (const auto& [k, v] : m)
        std::cout << k << "=" << v
                  << "\n";
    auto raw = R"(raw "string")";
    std::cout << raw << " " << static_cast<int>(Color::Green) << "\n";
    return 0;
}

void run(const std::function<void()>& f) { f(); }

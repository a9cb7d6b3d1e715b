// stableSort: a stable sort that needs no temporary buffer (std::stable_sort warns under clang with libstdc++ 12).
//
// libstdc++ 12 implements std::stable_sort with std::get_temporary_buffer, which clang 19 reports as
// deprecated in C++17 wherever a stable sort is instantiated: in a user's -Werror build, or in every notebook
// cell that uses one. kstream_sim sorts small sequences (members, nodes, partitions), so binary insertion is
// enough: O(n log n) comparisons, equal elements keep their order.
#pragma once

#include <algorithm>
#include <iterator>

namespace kstream_sim {
namespace detail {

template <class It, class Less>
void stableSort(It first, It last, Less less) {
    for (It i = first; i != last; ++i) std::rotate(std::upper_bound(first, i, *i, less), i, std::next(i));
}

}  // namespace detail
}  // namespace kstream_sim

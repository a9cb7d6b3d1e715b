// detail::Dependent<T, Dep...>: T, named through types that depend on template parameters Dep.
//
// A template compiles, where it is *defined*, everything its code says about types that do not depend on its
// parameters: naming `detail::ConsumerCore` in KafkaConsumer<K, V> would build that class (and every member
// type it has) in every program, used or not. `Dependent<T, K>` is T, but only once K is known, so that work
// moves to the programs that use the template (see "Include cost" in docs/performance.md).
#pragma once

namespace kstream_sim {
namespace detail {

template <class T, class... Dep>
struct DependentType {
    using type = T;
};
template <class T, class... Dep>
using Dependent = typename DependentType<T, Dep...>::type;

}  // namespace detail
}  // namespace kstream_sim

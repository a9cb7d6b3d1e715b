// What every test file includes first: Catch2 (v3 or v2, whichever CMake found) and kstream_sim.
//
// <kstream_sim.hpp> is the umbrella over the parts in include/ or, with KSTREAM_SIM_TEST_SINGLE_HEADER=ON,
// the generated single header; tests cannot tell which, and must not care.
#pragma once

#if KSTREAM_SIM_CATCH2_MAJOR >= 3
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

#include <kstream_sim.hpp>

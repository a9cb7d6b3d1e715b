// kstream_sim: the developers' umbrella header -- every part, in reading order.
//
// Users include the generated single header kstream_sim.hpp (repository root); tests and examples compile
// against this umbrella instead, so compiler errors point into the readable parts. Both are spelled
// `#include <kstream_sim.hpp>`; CMake's KSTREAM_SIM_TEST_SINGLE_HEADER picks which one.
//
// Adding a part: create include/kstream_sim/<layer>/<part>.hpp (a `//` comment whose first line describes
// it, then `#pragma once`), add ONE line below in its layer, in reading order (a part after the parts it
// uses), then run `python3 tools/amalgamate.py` to regenerate kstream_sim.hpp. Only comments and part
// includes belong in this file. Layers: core, broker, clients, streams, present.
#pragma once

// core
#include "kstream_sim/core/errors.hpp"

// broker

// clients

// streams

// present

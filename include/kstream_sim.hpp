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
#include "kstream_sim/core/clock.hpp"
#include "kstream_sim/core/scheduler.hpp"
#include "kstream_sim/core/random.hpp"
#include "kstream_sim/core/ref.hpp"
#include "kstream_sim/core/dependent.hpp"
#include "kstream_sim/core/arena.hpp"
#include "kstream_sim/core/bytes.hpp"
#include "kstream_sim/core/algorithms.hpp"
#include "kstream_sim/core/hashing.hpp"
#include "kstream_sim/core/trace.hpp"
#include "kstream_sim/core/config.hpp"
#include "kstream_sim/core/pattern.hpp"

// broker
#include "kstream_sim/broker/record.hpp"
#include "kstream_sim/broker/partition_log.hpp"
#include "kstream_sim/broker/topic.hpp"
#include "kstream_sim/broker/group_coordinator.hpp"
#include "kstream_sim/broker/transaction_coordinator.hpp"
#include "kstream_sim/broker/network.hpp"
#include "kstream_sim/broker/cluster.hpp"
#include "kstream_sim/broker/fault_plan.hpp"
#include "kstream_sim/broker/determinism.hpp"

// clients
#include "kstream_sim/clients/serdes.hpp"
#include "kstream_sim/clients/client_configs.hpp"
#include "kstream_sim/clients/future.hpp"
#include "kstream_sim/clients/admin.hpp"
#include "kstream_sim/clients/producer_record.hpp"
#include "kstream_sim/clients/consumer_record.hpp"
#include "kstream_sim/clients/producer.hpp"
#include "kstream_sim/clients/assignors.hpp"
#include "kstream_sim/clients/consumer.hpp"

// streams
#include "kstream_sim/streams/values.hpp"
#include "kstream_sim/streams/timestamp_extractor.hpp"
#include "kstream_sim/streams/state_stores.hpp"
#include "kstream_sim/streams/topology_builder.hpp"
#include "kstream_sim/streams/stream_task.hpp"
#include "kstream_sim/streams/processor_api.hpp"
#include "kstream_sim/streams/topology.hpp"
#include "kstream_sim/streams/dsl_config.hpp"
#include "kstream_sim/streams/dsl_nodes.hpp"
#include "kstream_sim/streams/dsl.hpp"
#include "kstream_sim/streams/streams_config.hpp"
#include "kstream_sim/streams/topology_test_driver.hpp"

// present
#include "kstream_sim/present/topology_diagrams.hpp"

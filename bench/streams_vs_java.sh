#!/usr/bin/env bash
# kstream_sim's TopologyTestDriver beside Kafka's Java TopologyTestDriver (Kafka 4.3.1), same topologies, same
# inputs (1,000,000 records, 10,000 keys by default), measured in one run. Needs g++, a JDK 17 and Maven (the
# Java side is conformance/'s Maven project; conformance/refresh fetches its dependencies once).
#   bench/streams_vs_java.sh [records] [keys]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
records=${1:-1000000}
keys=${2:-10000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $(g++ --version | head -n 1)"
g++ -std=c++17 -O2 -DNDEBUG -I. bench/streams_driver.cpp -o "$out/streams_driver"
"$out/streams_driver" "$records" "$keys"

(cd conformance && { mvn -q -o compile >/dev/null 2>&1 || mvn -q compile >/dev/null; } &&
    mvn -q -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null 2>&1 || true)
java -XX:+UseParallelGC -cp "conformance/target/classes:$(cat conformance/target/classpath.txt)" \
    kstreamsim.bench.StreamsDriverBench "$records" "$keys" 2>/dev/null | grep -v SLF4J

#!/usr/bin/env bash
# Builds and runs the benchmarks of docs/performance.md in one run, and prints a markdown table:
#   bench/produce_throughput.cpp     kstream_sim: default (acks=all, idempotent), idempotence off, acks=1, and the
#                                    default with each ProducerRecord built in the loop (built-per-send)
#   bench/librdkafka_mock_produce.c  the same workload on librdkafka's mock cluster (test.mock.num.brokers=3)
#   bench/memory_write_limit.cpp     the physical limit: the same bytes written into fresh memory (malloc, vector,
#                                    and mmap with MAP_POPULATE)
#   bench/include_cost.sh            g++/clang++ -O0 compile time of an empty program including the header
#
# Everything is built with g++ -O2 -DNDEBUG (gcc for the C file), one compile at a time. Every measurement
# runs in a fresh process, RUNS times (default 5), the benchmarks interleaved round by round so that each
# sees the same machine; the table shows the best run and the median. Best-of-N because the machine may be
# shared: other work only ever makes a run slower. kstream_sim is single-threaded; librdkafka uses its own
# threads (its broker threads and the mock cluster's), on as many cores as it gets.
#
# Usage: bench/run_benchmarks.sh
#   env: RUNS=5  RECORDS=2000000  BUILD_DIR=build/bench-run
#        KSTREAM_SIM_BENCH_HEADER=single (the generated kstream_sim.hpp users get; default) | parts (include/)
#        SKIP_INCLUDE_COST=1 to leave out the compile-time measurement
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs="${RUNS:-5}"
records="${RECORDS:-2000000}"
build="${BUILD_DIR:-$root/build/bench-run}"
header_mode="${KSTREAM_SIM_BENCH_HEADER:-single}"
CXX="${CXX:-g++}"
CC="${CC:-gcc}"

case "$header_mode" in
    single) include_dir="$root" ;;
    parts) include_dir="$root/include" ;;
    *) echo "KSTREAM_SIM_BENCH_HEADER must be single or parts" >&2; exit 2 ;;
esac

mkdir -p "$build"
echo "== building in $build ($CXX -O2 -DNDEBUG, header: $header_mode)" >&2
cxxflags=(-std=c++17 -O2 -DNDEBUG -Wall -Wextra -Wpedantic -Werror)
"$CXX" "${cxxflags[@]}" -I"$include_dir" "$here/produce_throughput.cpp" -o "$build/bench_produce_throughput"
"$CXX" "${cxxflags[@]}" "$here/memory_write_limit.cpp" -o "$build/bench_memory_write_limit"
have_rdkafka=1
if ! "$CC" -std=c11 -O2 -DNDEBUG -Wall -Wextra -Wpedantic -Werror "$here/librdkafka_mock_produce.c" \
        -o "$build/bench_librdkafka_mock_produce" -lrdkafka; then
    echo "librdkafka benchmark not built (apt-get install -y librdkafka-dev); its row stays empty" >&2
    have_rdkafka=0
fi

results="$build/results.txt"
: > "$results"
# run <command...>: runs one measurement, keeps its RESULT lines; a failing benchmark stops the script.
run() {
    local out
    if ! out="$("$@")"; then
        echo "FAILED: $*" >&2
        exit 1
    fi
    grep '^RESULT ' <<< "$out" | tee -a "$results" >&2
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= runs; ++r)); do
    echo "== round $r of $runs" >&2
    run "$build/bench_memory_write_limit" malloc "$records"
    run "$build/bench_memory_write_limit" vector "$records"
    run "$build/bench_memory_write_limit" populate "$records"
    for variant in default no-idempotence acks1 built-per-send; do
        run "$build/bench_produce_throughput" "$variant" "$records"
    done
    if ((have_rdkafka)); then run "$build/bench_librdkafka_mock_produce" "$records"; fi
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# rates <name> [cpu]: that benchmark's records/s of every run, ascending (with cpu: records per CPU-second).
rates() {
    awk -v n="$1" -v cpu="${2:-}" '$2 == n {
        r = ""; c = ""; k = ""
        for (i = 3; i <= NF; ++i) {
            split($i, kv, "=")
            if (kv[1] == "records_per_s") r = kv[2]
            if (kv[1] == "cpu_s") c = kv[2]
            if (kv[1] == "records") k = kv[2]
        }
        if (cpu == "") print r; else if (c > 0) printf "%.0f\n", k / c
    }' "$results" | sort -n
}
best() { rates "$@" | tail -n 1; }
median() { rates "$@" | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
millions() { [[ -z "$1" ]] && { echo "–"; return; }; awk -v x="$1" 'BEGIN { printf "%.2f M", x / 1e6 }'; }
ratio() { [[ -z "$1" || -z "$2" ]] && { echo "–"; return; }; awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# row <label> <threads> <name> [bold]: one line of the table.
row() {
    local b="" best_rate
    [[ "${4:-}" == bold ]] && b="**"
    best_rate="$(best "$3")"
    echo "| $1 | $2 | $b$(millions "$best_rate")$b | $(millions "$(median "$3")") | $(millions "$(best "$3" cpu)") |"
}

ks="$(best default)"
rd="$( ((have_rdkafka)) && best librdkafka-mock || true)"
lim_malloc="$(best limit-malloc)"
lim_vector="$(best limit-vector)"
lim_populate="$(best limit-populate)"
limit="$(printf '%s\n%s\n%s\n' "$lim_malloc" "$lim_vector" "$lim_populate" | sort -n | tail -n 1)"

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo
echo "Machine: $cpu, $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM;" \
     "$("$CXX" --version | head -n 1); librdkafka $(pkg-config --modversion rdkafka 2> /dev/null || echo '?')." \
     "Load average before/after: $load_before / $load_after."
commit="$(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo '?')"
dirty=""
if ! git -C "$root" diff --quiet HEAD -- kstream_sim.hpp include 2> /dev/null; then dirty=" (the header or its parts differ from that commit)"; fi
echo "Code: commit $commit$dirty; header: $header_mode."
echo "Workload: $records records, 1,000 keys, 100-byte values, 3 partitions (RF 3), 3 brokers, linger.ms=5." \
     "Best and median of $runs runs, each in a fresh process;" \
     "records per CPU-second counts the CPU time of all the process's threads."
echo
echo "| benchmark | threads | best records/s (wall) | median records/s (wall) | best records per CPU-second |"
echo "| --- | --- | --- | --- | --- |"
row "kstream_sim, acks=all (idempotent: Kafka's default)" 1 default bold
row "kstream_sim, acks=all, enable.idempotence=false" 1 no-idempotence
row "kstream_sim, acks=1" 1 acks1
row "kstream_sim, acks=all, each ProducerRecord built in the loop" 1 built-per-send
if ((have_rdkafka)); then row "librdkafka mock cluster, acks=all" "all it gets" librdkafka-mock bold; fi
row "fresh-memory limit: malloc + memcpy, 110 B/record" 1 limit-malloc
row "fresh-memory limit: std::vector reserve + insert" 1 limit-vector
row "fresh-memory limit: mmap MAP_POPULATE + memcpy" 1 limit-populate
echo
echo "| ratio | value | target |"
echo "| --- | --- | --- |"
echo "| kstream_sim (default) / librdkafka mock | **$(ratio "$ks" "$rd")x** | ≥ 4x |"
echo "| kstream_sim (default) / fresh-memory limit | $(ratio "$ks" "$limit") | (1.0 is the ceiling) |"

if [[ "${SKIP_INCLUDE_COST:-0}" != 1 ]]; then
    echo
    KSTREAM_SIM_HEADER="$root/kstream_sim.hpp" RUNS="$runs" "$here/include_cost.sh" --markdown | sed -n '/^$/,$p' | tail -n +2
fi

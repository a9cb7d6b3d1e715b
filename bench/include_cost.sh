#!/usr/bin/env bash
# Include cost: how long `<compiler> -std=c++17 -O0 -c` takes on an empty program that includes the single
# header kstream_sim.hpp, against the same program including nlohmann/json.hpp (Debian's nlohmann-json3-dev).
# Target: kstream_sim at most 0.85 of nlohmann's time with g++.
#
# Each compile runs RUNS times (default 5), the two programs alternating (so a slow spell of the machine hits both);
# the best wall-clock time and the best CPU time (user+sys) of each are kept. Best-of-N because the machine is
# shared: other people's compiles only ever make a run slower.
#
# Usage: bench/include_cost.sh [--markdown]
#   env: RUNS=5  COMPILERS="g++ clang++-19" (those not installed are skipped)  KSTREAM_SIM_HEADER=<path>
#        LAYERS="core broker clients": instead of the single header, include the parts of these layers only
#        (from include/, in reading order), e.g. to see what the Streams layer adds.
#        INSTRUCTIONS=1: also count the instructions each compile executes (one run under valgrind's
#        cachegrind, about 30 times slower). The count does not depend on the machine's load, so it compares
#        two versions of the header reliably on a busy machine; times remain the measure of the target.
# Prints one line per compiler and header, then the ratio; with --markdown also a table for docs/performance.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
header="${KSTREAM_SIM_HEADER:-$root/kstream_sim.hpp}"
runs="${RUNS:-5}"
compilers="${COMPILERS:-g++ clang++-19}"
markdown=0
[[ "${1:-}" == "--markdown" ]] && markdown=1

nlohmann=""
for dir in /usr/include /usr/local/include; do
    [[ -f "$dir/nlohmann/json.hpp" ]] && nlohmann="$dir/nlohmann/json.hpp" && break
done
if [[ -z "$nlohmann" ]]; then
    echo "include_cost: nlohmann/json.hpp not found; install it with: apt-get install -y nlohmann-json3-dev" >&2
    exit 1
fi
if [[ -z "${LAYERS:-}" && ! -f "$header" ]]; then
    echo "include_cost: $header not found" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [[ -n "${LAYERS:-}" ]]; then
    {
        for part in $(python3 "$root/tools/amalgamate.py" --list-parts); do
            for layer in $LAYERS; do
                [[ "$part" == "kstream_sim/$layer/"* ]] && printf '#include "%s/include/%s"\n' "$root" "$part"
            done
        done
        printf 'int main() { return 0; }\n'
    } > "$work/kstream_sim_empty.cpp"
    header="parts of layers: $LAYERS"
else
    printf '#include "%s"\nint main() { return 0; }\n' "$header" > "$work/kstream_sim_empty.cpp"
fi
printf '#include <nlohmann/json.hpp>\nint main() { return 0; }\n' > "$work/nlohmann_empty.cpp"

# best_times <compiler> <source> <source2>: prints "<best wall s> <best cpu s> <best wall s 2> <best cpu s 2>" over
# $runs compiles of each, alternating.
best_times() {
    local cxx="$1" out wall user sys cpu i j
    local -a best_wall=("" "") best_cpu=("" "") srcs=("$2" "$3")
    for ((i = 0; i < runs; ++i)); do
        for j in 0 1; do
            out="$( { TIMEFORMAT='%R %U %S'; time "$cxx" -std=c++17 -O0 -c "${srcs[j]}" -o "$work/out.o" 2> /dev/null; } 2>&1 )"
            read -r wall user sys <<< "$(tail -n 1 <<< "$out")"
            cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')"
            if [[ -z "${best_wall[j]}" ]] || awk -v a="$wall" -v b="${best_wall[j]}" 'BEGIN { exit !(a < b) }'; then best_wall[j]="$wall"; fi
            if [[ -z "${best_cpu[j]}" ]] || awk -v a="$cpu" -v b="${best_cpu[j]}" 'BEGIN { exit !(a < b) }'; then best_cpu[j]="$cpu"; fi
        done
    done
    echo "${best_wall[0]} ${best_cpu[0]} ${best_wall[1]} ${best_cpu[1]}"
}

# instructions <compiler> <source>: instructions executed by the compile (all its processes), in billions, or
# "n/a" when the compile fails under valgrind (clang++ 19 does on the full header here).
instructions() {
    local out
    if out="$(valgrind --tool=cachegrind --cache-sim=no --trace-children=yes --cachegrind-out-file=/dev/null \
                  "$1" -std=c++17 -O0 -c "$2" -o "$work/out.o" 2>&1)"; then
        awk '/I *refs:/ { gsub(",", "", $NF); total += $NF } END { printf "%.2f", total / 1e9 }' <<< "$out"
    else
        echo "n/a"
    fi
}
count="${INSTRUCTIONS:-0}"
if [[ "$count" == 1 ]] && ! command -v valgrind > /dev/null 2>&1; then
    echo "include_cost: INSTRUCTIONS=1 needs valgrind (apt-get install -y valgrind)" >&2
    exit 1
fi

rows=()
for cxx in $compilers; do
    if ! command -v "$cxx" > /dev/null 2>&1; then
        echo "include_cost: $cxx not installed, skipped" >&2
        continue
    fi
    # One untimed compile each first: warms the page cache for the compiler and the headers, and shows the
    # compiler's diagnostics once (the timed runs discard them). A failed compile stops the script.
    for src in kstream_sim_empty nlohmann_empty; do
        if ! "$cxx" -std=c++17 -O0 -c "$work/$src.cpp" -o "$work/out.o" 2> "$work/diag.txt"; then
            cat "$work/diag.txt" >&2
            exit 1
        fi
        if [[ -s "$work/diag.txt" ]]; then
            echo "include_cost: $cxx printed $(grep -c 'warning:' "$work/diag.txt") warning(s) for $src.cpp:" >&2
            grep 'warning:' "$work/diag.txt" | sed 's/^/    /' >&2
        fi
    done
    read -r k_wall k_cpu n_wall n_cpu <<< "$(best_times "$cxx" "$work/kstream_sim_empty.cpp" "$work/nlohmann_empty.cpp")"
    ratio_wall="$(awk -v a="$k_wall" -v b="$n_wall" 'BEGIN { printf "%.2f", a / b }')"
    ratio_cpu="$(awk -v a="$k_cpu" -v b="$n_cpu" 'BEGIN { printf "%.2f", a / b }')"
    version="$("$cxx" --version | head -n 1)"
    echo "INCLUDE $cxx kstream_sim wall_s=$k_wall cpu_s=$k_cpu"
    echo "INCLUDE $cxx nlohmann_json wall_s=$n_wall cpu_s=$n_cpu"
    echo "INCLUDE $cxx ratio wall=$ratio_wall cpu=$ratio_cpu (target <= 0.85)"
    if [[ "$count" == 1 ]]; then
        k_ins="$(instructions "$cxx" "$work/kstream_sim_empty.cpp")"
        n_ins="$(instructions "$cxx" "$work/nlohmann_empty.cpp")"
        echo "INCLUDE $cxx instructions kstream_sim=${k_ins}G nlohmann_json=${n_ins}G ratio=$(awk -v a="$k_ins" -v b="$n_ins" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "n/a" }')"
    fi
    rows+=("| $version | $k_wall s ($k_cpu s CPU) | $n_wall s ($n_cpu s CPU) | **$ratio_wall** ($ratio_cpu CPU) |")
done

if ((markdown)); then
    echo
    echo "Include cost, \`-std=c++17 -O0 -c\` of an empty program, best of $runs (wall clock; CPU user+sys in brackets):"
    echo
    echo "| compiler | kstream_sim.hpp | nlohmann/json.hpp | ratio (target ≤ 0.85) |"
    echo "| --- | --- | --- | --- |"
    for row in "${rows[@]}"; do echo "$row"; done
fi

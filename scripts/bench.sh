#!/usr/bin/env bash
# Runs the performance suite and writes BENCHMARKS.md and benches/scaling.svg.
#
#   scripts/bench.sh                          # everything, at the sizes below
#   ONLY="zen hugo" scripts/bench.sh          # only some parts; the others keep their last figures
#   NATIONAL=343-20-10000-2000 scripts/bench.sh
#
# Parts (each writes benches/results/PART.jsonl, stamped with this run):
#   sizes   every size of the example, national and scaling series: `pathways check` as a
#           whole process (wall time, peak memory) and the divan phase benchmarks in process
#   zen     zen-engine against our evaluator and checker (peers/), at each of ZEN_SIZES
#   hugo    Hugo against `pathways build` (with and without the finder) on the service
#           pages of HUGO_SIZE (hyperfine), in rounds of one run of each command
#   memory  peak memory of `pathways check` and `pathways build` (with and without the
#           finder) at NATIONAL (/usr/bin/time -v)
#   serve   `pathways serve` on a copy of the example, rebuilding after SERVE_EDITS one-line
#           rule changes (scripts/serve-rebuild.py): the times serve reports, and from save
#
# Settings (environment):
#   NATIONAL    national size LOCALITIES-QUESTIONS-SERVICES-PATHWAYS (default 343-20-10000-2000)
#   ZEN_SIZES   sizes zen-engine is compared at (default: "example NATIONAL")
#   HUGO_SIZE   size Hugo is compared at (default 343-20-10000-2: the national directory, whose
#               10,000 service pages are the comparison, with a finder small enough to build)
#   MEMORY_LIMIT_KB  address-space limit of each of our measured processes (default 8 GiB),
#               so that a size the engine cannot handle fails instead of exhausting the machine
#   BASE        base of the scaling series (default 15-7-100-12); each series varies one part:
#   LOCALITIES, QUESTIONS, PATHWAYS, SERVICES  the values of each series (4 or more)
#   TIMEOUT     seconds any one whole-process run may take (default 120)
#   DIVAN_TIMEOUT  seconds the phase benchmarks of one size may take (default 900)
#   RUNS        runs of each command in the Hugo part: rounds of one run each (default 5)
#   CHECK_RUNS  runs of each whole-process `pathways check`; the median is kept (default 5)
#   SERVE_EDITS one-line changes `serve` rebuilds after (default 20)
#   RUN_NOTE    a sentence recorded with this run's figures (why these sizes, say)
#   PEERS_TARGET  the peers' own Cargo target folder (default peers/target)
#   DIVAN_SAMPLE_COUNT, DIVAN_MAX_TIME  divan's own (defaults 10 samples, 5 s a benchmark)
# Needs: cargo, python3, /usr/bin/time; installs Debian's hugo and hyperfine if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

NATIONAL="${NATIONAL:-343-20-10000-2000}"
ZEN_SIZES="${ZEN_SIZES:-example $NATIONAL}"
HUGO_SIZE="${HUGO_SIZE:-343-20-10000-2}"
MEMORY_LIMIT_KB="${MEMORY_LIMIT_KB:-8388608}"
BASE="${BASE:-15-7-100-12}"
LOCALITIES="${LOCALITIES:-15 45 120 343}"
QUESTIONS="${QUESTIONS:-6 8 10 14}"
PATHWAYS="${PATHWAYS:-12 25 50 100}"
SERVICES="${SERVICES:-100 1000 3000 10000}"
TIMEOUT="${TIMEOUT:-120}"
DIVAN_TIMEOUT="${DIVAN_TIMEOUT:-900}"
RUNS="${RUNS:-5}"
CHECK_RUNS="${CHECK_RUNS:-5}"
ONLY="${ONLY:-sizes zen hugo memory serve}"
SERVE_EDITS="${SERVE_EDITS:-20}"
OUT="${BENCH_OUT:-target/bench-suite}"
RESULTS=benches/results
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"
PEERS_TARGET="${PEERS_TARGET:-$PWD/peers/target}"
# Outputs of timed runs, moved out of the way rather than deleted (see the Hugo part).
TRASH="$OUT/trash"
mkdir -p "$OUT" "$RESULTS" "$TRASH"
export CARGO_TARGET_DIR="$TARGET"

RUN=$(python3 -c 'import json,sys; print(json.dumps({"at": sys.argv[1], "commit": sys.argv[2], "note": sys.argv[3]}))' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src benches/phases.rs peers || echo +changes)" \
    "${RUN_NOTE:-}")

wants() { [[ " $ONLY " == *" $1 "* ]]; }

# tool NAME: installs Debian's package NAME when the command is missing.
tool() {
    command -v "$1" >/dev/null 2>&1 && return
    echo "installing Debian's $1"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null; }
}

cargo build --release --bin pathways --example synthetic
PATHWAYS_BIN="$TARGET/release/pathways"
if wants sizes; then
    PHASES=$(cargo bench --bench phases --no-run --message-format=json 2>/dev/null \
        | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "phases" and m.get("executable"):
        print(m["executable"])')
fi
if wants zen || wants hugo; then
    # The peers keep their own target folder (zen-engine brings hundreds of crates the
    # tool itself never builds).
    (cd peers && CARGO_TARGET_DIR="$PEERS_TARGET" cargo build --release)
    PEERS="$PEERS_TARGET/release/pathways-peers"
fi

# area SIZE: prints the root of a synthetic area of SIZE (L-Q-S-P), generated once.
area() {
    if [ "$1" = example ]; then echo "$PWD"; return; fi
    local root="$OUT/area-$1"
    [ -d "$root" ] || "$TARGET/release/examples/synthetic" "$root" ${1//-/ }
    echo "$root"
}

# timed FILE CMD...: runs CMD under /usr/bin/time -v and TIMEOUT; prints JSON
# {"status", "wall_s", "peak_kb"} (status ok, timeout or failed).
timed() {
    local file="$1"; shift
    local status=ok
    (ulimit -v "$MEMORY_LIMIT_KB"; /usr/bin/time -v -o "$file" timeout "$TIMEOUT" "$@" >/dev/null 2>&1) || true
    # pathways exits 1 when it finds problems (warnings included): still a finished run.
    case "$(sed -n 's/.*Exit status: //p' "$file")" in
        0|1) ;; 124) status=timeout ;; *) status=failed ;;
    esac
    python3 - "$file" "$status" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
h, m, s = (float(x or 0) for x in wall.groups()) if wall else (0, 0, 0)
peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
print(json.dumps({"status": sys.argv[2], "wall_s": h * 3600 + m * 60 + s, "peak_kb": int(peak.group(1)) if peak else 0}))
EOF
}

# timed_median N FILE CMD...: `timed` N times; prints the median wall time, the largest
# peak memory and the first status that is not ok (one run of a whole process on a
# shared machine can be a third off).
timed_median() {
    local n="$1" file="$2"; shift 2
    local i results=()
    for ((i = 1; i <= n; i++)); do results+=("$(timed "$file" "$@")"); done
    python3 -c 'import json, statistics, sys
runs = [json.loads(r) for r in sys.argv[1:]]
bad = [r["status"] for r in runs if r["status"] != "ok"]
print(json.dumps({"status": bad[0] if bad else "ok", "wall_s": statistics.median(r["wall_s"] for r in runs),
                  "peak_kb": max(r["peak_kb"] for r in runs), "runs": len(runs)}))' "${results[@]}"
}

# size_of SERIES VALUE: the base size with one part replaced.
size_of() {
    local l q s p
    IFS=- read -r l q s p <<<"$BASE"
    case "$1" in
        localities) l=$2 ;; questions) q=$2 ;; services) s=$2 ;; pathways) p=$2 ;;
    esac
    echo "$l-$q-$s-$p"
}

if wants sizes; then
    declare -A SERIES_OF=()
    add() { SERIES_OF[$2]="${SERIES_OF[$2]:-} $1"; }
    add example example
    add national "$NATIONAL"
    for v in $LOCALITIES; do add localities "$(size_of localities "$v")"; done
    for v in $QUESTIONS; do add questions "$(size_of questions "$v")"; done
    for v in $PATHWAYS; do add pathways "$(size_of pathways "$v")"; done
    for v in $SERVICES; do add services "$(size_of services "$v")"; done
    : > "$RESULTS/sizes.jsonl"
    for size in "${!SERIES_OF[@]}"; do
        root=$(area "$size")
        check=$(timed_median "$CHECK_RUNS" "$OUT/time-check-$size.txt" "$PATHWAYS_BIN" --root "$root" check)
        (ulimit -v "$MEMORY_LIMIT_KB"; PATHWAYS_BENCH_SIZES="$size" timeout "$DIVAN_TIMEOUT" \
            "$PHASES" --bench --color never > "$OUT/divan-$size.txt" 2>"$OUT/divan-$size.err") || true
        phases=$(python3 scripts/bench-report.py divan "$OUT/divan-$size.txt")
        series=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1].split()))' "${SERIES_OF[$size]}")
        echo "{\"run\": $RUN, \"size\": \"$size\", \"series\": $series, \"check\": $check, \"phases\": $phases}" \
            >> "$RESULTS/sizes.jsonl"
        echo "size $size (${SERIES_OF[$size]# }): check $check"
    done
fi

if wants zen; then
    : > "$RESULTS/zen.jsonl"
    for size in $ZEN_SIZES; do
        root=$(area "$size")
        if report=$(ulimit -v "$MEMORY_LIMIT_KB"; timeout "$((TIMEOUT * 10))" "$PEERS" zen "$root" 2>"$OUT/zen-$size.err"); then
            status=ok
        else
            status=failed; report='{}'
        fi
        echo "{\"run\": $RUN, \"size\": \"$size\", \"status\": \"$status\", \"error\": $(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()[-2000:]))' "$OUT/zen-$size.err"), \"report\": $report}" \
            >> "$RESULTS/zen.jsonl"
        echo "zen $size: $status"
    done
fi

if wants hugo; then
    tool hugo
    tool hyperfine
    root=$(area "$HUGO_SIZE")
    rm -rf "$OUT/hugo-src"
    "$PEERS" hugo-site "$root" "$OUT/hugo-src"
    site="$OUT/site-pathways" pages="$OUT/site-pages" public="$OUT/site-hugo"
    directory="$OUT/site-directory"
    # Every run writes into a folder that does not exist yet; the previous run's output
    # is moved aside, and deleted when the suite ends. Deleting it in between would
    # time the kernel instead: an ext4 file system without a journal (as on the
    # machine these figures were taken on) skips inodes freed in the last minute (five,
    # until they are flushed) and walks past each of them again for every file it
    # creates, which added about 2.5 s to either tool's 10,000 pages.
    sync
    aside() { echo "if [ -e $1 ]; then mv $1 $TRASH/\$(date +%s%N); fi"; }
    names=(hugo pathways-build pathways-build-no-finder pathways-service-pages)
    commands=("hugo --quiet --source $OUT/hugo-src --destination $PWD/$public"
        "$PATHWAYS_BIN --root $root build --out $site"
        "$PATHWAYS_BIN --root $root build --no-finder --out $directory"
        "$PEERS service-pages $root $pages")
    outputs=("$public" "$site" "$directory" "$pages")
    # Rounds of one run of each command, each round starting one command later: the
    # machine's speed drifts within minutes (other tenants, the kernel flushing what
    # the last command wrote), and runs taken in turn meet the same drift, where a
    # command's runs taken together met whatever that stretch of time brought. Round 0
    # is the warm-up.
    rm -f "$OUT"/hugo-round-*.json
    for round in $(seq 0 "$RUNS"); do
        args=()
        for i in 0 1 2 3; do
            k=$(( (i + round) % 4 ))
            args+=(--prepare "$(aside "${outputs[$k]}")" -n "${names[$k]}" "${commands[$k]}")
        done
        json=/dev/null
        [ "$round" -gt 0 ] && json="$OUT/hugo-round-$round.json"
        hyperfine --runs 1 --style none --export-json "$json" "${args[@]}" \
            || echo "hyperfine failed in round $round (see above)"
    done
    python3 scripts/bench-report.py hugo "$OUT/hugo-round-*.json" "$public" "$site" "$pages" "$directory" \
        "$HUGO_SIZE" "$(hugo version | cut -d' ' -f2)" "$RUN" > "$RESULTS/hugo.jsonl"
fi

if wants memory; then
    root=$(area "$NATIONAL")
    # The Hugo part leaves hundreds of thousands of written pages for the kernel to
    # flush; flushed now, that work does not share the cores with the timed check.
    sync
    check=$(timed_median "$CHECK_RUNS" "$OUT/time-national-check.txt" "$PATHWAYS_BIN" --root "$root" check)
    build=$(timed "$OUT/time-national-build.txt" "$PATHWAYS_BIN" --root "$root" build --out "$OUT/site-national")
    directory=$(timed "$OUT/time-national-directory.txt" "$PATHWAYS_BIN" --root "$root" build --no-finder --out "$OUT/site-national-directory")
    echo "{\"run\": $RUN, \"size\": \"$NATIONAL\", \"check\": $check, \"build\": $build, \"directory\": $directory}" > "$RESULTS/memory.jsonl"
    echo "memory $NATIONAL: check $check, build $build, build --no-finder $directory"
fi

if wants serve; then
    python3 scripts/serve-rebuild.py "$PATHWAYS_BIN" "$PWD" "$SERVE_EDITS" "$RUN" > "$RESULTS/serve.jsonl"
fi

rm -rf "$TRASH"
python3 scripts/bench-report.py report "$RESULTS" BENCHMARKS.md benches/scaling.svg
echo "wrote BENCHMARKS.md and benches/scaling.svg"

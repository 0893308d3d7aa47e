#!/usr/bin/env bash
# Runs every fuzz target for a bounded time: scripts/fuzz.sh [SECONDS per target, default 60].
#
# Not part of CI's default path. cargo-fuzz needs nightly compiler flags
# (-Zsanitizer=address); on a machine with only a stable toolchain, RUSTC_BOOTSTRAP=1
# lets stable rustc accept them. Seeds come from the example area and the test fixtures;
# crashes land in fuzz/artifacts/<target>/: turn each into a test in tests/ and fix it.
set -euo pipefail
shopt -s nullglob

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
# The fuzz crate is its own workspace with its own target folder.
unset CARGO_TARGET_DIR

# seed TARGET INDEX FILE: a corpus entry replacing file number INDEX with FILE's text.
seed() {
  local dir="corpus/$1" name
  name="$(printf '%02d' "$2")-$(echo "$3" | tr '/' '_')"
  mkdir -p "$dir"
  { printf "\\x$(printf '%02x' "$2")"; cat "$3"; } >"$dir/$name"
}

seeds() {
  mkdir -p corpus/rules
  local i=0 file
  for file in questions victims perpetrators; do
    cp "$root/rules/$file.pathways" "corpus/rules/$file.pathways"
    seed pipeline "$i" "$root/rules/$file.pathways"
    i=$((i + 1))
  done
  # Directory files: index 0 area, 1 localities, 2 categories, 3 a service
  # (the pipeline target numbers them after the three rule files).
  for file in "$root"/directory/area.yaml "$root"/tests/fixtures/directory/*/directory/area.yaml; do
    seed directory 0 "$file"
  done
  for file in "$root"/directory/localities.yaml "$root"/tests/fixtures/directory/*/directory/localities.yaml; do
    seed directory 1 "$file"
  done
  for file in "$root"/directory/categories.yaml "$root"/tests/fixtures/directory/*/directory/categories.yaml; do
    seed directory 2 "$file"
  done
  for file in "$root"/directory/services/*.yaml "$root"/tests/fixtures/directory/*/directory/services/*.yaml; do
    seed directory 3 "$file"
  done
  mkdir -p corpus/scenarios
  for file in "$root"/tests/golden/*.yaml "$root"/tests/fixtures/golden/*.yaml "$root"/tests/fixtures/golden/errors/*.yaml; do
    cp "$file" "corpus/scenarios/$(echo "${file#"$root"/}" | tr '/' '_')"
  done
  seed pipeline 3 "$root/directory/area.yaml"
  seed pipeline 4 "$root/directory/localities.yaml"
  seed pipeline 5 "$root/directory/categories.yaml"
  for file in "$root"/directory/services/*.yaml; do
    seed pipeline 6 "$file"
  done
}

seeds
status=0
for target in rules directory scenarios pipeline; do
  echo "== fuzzing $target for ${seconds}s"
  cargo fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=262144 || status=1
done
exit "$status"

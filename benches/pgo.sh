#!/usr/bin/env bash
# Builds a profile-guided (PGO), link-time optimised `welfare` binary for overnight batches: an
# instrumented build runs `welfare batch` on synthetic households at every explanation level,
# and the profile it writes guides a second build (which functions to inline, how to lay out
# branches and where to place the hot code).
#
#   bash benches/pgo.sh            → prints the path of the optimised binary
#   bash benches/pgo.sh --check    → also checks that it writes byte for byte the outputs of
#                                    the plain release build (CI runs this)
#
# Results are the same as the plain build's: PGO changes only how the same code is compiled
# (the check above compares results and rejects at none, motivazione and full, on 20,000
# households and on lines that are not household records). The training households come
# from another seed than the benches' (seed 7), so the bench figures are not measured on the
# data the profile was trained on.
#
# Needs `llvm-profdata` of an LLVM that reads this rustc's raw profiles: rustup's
# `llvm-tools` component, or a Debian/Ubuntu `llvm-NN` package (LLVM 19 reads the profiles
# of rustc 1.95's LLVM 22). Set LLVM_PROFDATA to choose one. The builds use their own target
# folders (target/pgo-generate, target/pgo), so the plain release build is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
[ "${1:-}" = "--check" ] && check=true

find_profdata() {
  if [ -n "${LLVM_PROFDATA:-}" ]; then
    echo "$LLVM_PROFDATA"
    return
  fi
  local sysroot tool
  sysroot="$(rustc --print sysroot)"
  for tool in "$sysroot"/lib/rustlib/*/bin/llvm-profdata; do
    [ -x "$tool" ] && { echo "$tool"; return; }
  done
  # The newest versioned tool on the PATH, then the unversioned one.
  for tool in $(compgen -c llvm-profdata- | sort -t- -k3 -n -r | uniq); do
    echo "$tool"
    return
  done
  command -v llvm-profdata || true
}

profdata="$(find_profdata)"
if [ -z "$profdata" ]; then
  echo "pgo.sh: no llvm-profdata found: install rustup's llvm-tools component or a" >&2
  echo "Debian llvm-19 package, or set LLVM_PROFDATA" >&2
  exit 1
fi

root="$(pwd)"
data="$root/target/pgo-data"
rm -rf "$data"
mkdir -p "$data"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

export CARGO_INCREMENTAL=0
# Both builds link-time optimised as one unit, so that the profile can place and inline across
# the crates (the record reader, the rulebooks and the result lines are three crates). Measured
# on the batch: 7.6 % fewer instructions than the plain build and 12 % less time, where PGO
# without LTO saved 6.5 % of the instructions; the whole script takes about 7 minutes on 2 cores.
export CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
echo "pgo.sh: instrumented build" >&2
CARGO_TARGET_DIR="$root/target/pgo-generate" RUSTFLAGS="-Cprofile-generate=$data" \
  cargo build --release -q -p welfare-cli
gen="$root/target/pgo-generate/release/welfare"

echo "pgo.sh: training run" >&2
"$gen" gen households --n 200000 --seed 2026 --year 2026 > "$tmp/train.jsonl"
head -n 20000 "$tmp/train.jsonl" > "$tmp/train-20k.jsonl"
"$gen" batch --input "$tmp/train.jsonl" --date 2026-09-01 --output /dev/null 2> /dev/null
for level in motivazione full; do
  "$gen" batch --input "$tmp/train-20k.jsonl" --date 2026-09-01 --explain "$level" \
    --output /dev/null 2> /dev/null
done
"$gen" batch --input "$tmp/train-20k.jsonl" --date 2026-09-01 \
  --measure it/assegno-unico --measure it/assegno-maternita --output /dev/null 2> /dev/null

"$profdata" merge -o "$data/merged.profdata" "$data"/*.profraw

echo "pgo.sh: optimised build" >&2
CARGO_TARGET_DIR="$root/target/pgo" RUSTFLAGS="-Cprofile-use=$data/merged.profdata" \
  cargo build --release -q -p welfare-cli
pgo="$root/target/pgo/release/welfare"

if $check; then
  echo "pgo.sh: comparing with the plain release build" >&2
  unset CARGO_PROFILE_RELEASE_LTO CARGO_PROFILE_RELEASE_CODEGEN_UNITS
  cargo build --release -q -p welfare-cli
  plain="$root/target/release/welfare"
  "$plain" gen households --n 20000 --seed 7 --year 2026 > "$tmp/check.jsonl"
  # Lines that are not household records: each must be rejected with the same text.
  {
    head -n 50 "$tmp/check.jsonl"
    printf '{"not":"a household"}\n{"group_identifier":\n\n[1,2,3]\n'
    printf '\xff\xfe not UTF-8\n'
    sed -n '51,52p' "$tmp/check.jsonl" | sed 's/"birth_date":"[^"]*"/"birth_date":"1990-02-30"/'
    sed -n '53,100p' "$tmp/check.jsonl"
  } > "$tmp/mixed.jsonl"
  for input in check mixed; do
    for level in none motivazione full; do
      for bin in plain pgo; do
        # A batch with rejected records exits with 1: the exit codes are compared too.
        status=0
        "${!bin}" batch --input "$tmp/$input.jsonl" --date 2026-09-01 --explain "$level" \
          --output "$tmp/$bin.out" --rejects "$tmp/$bin.rej" 2> /dev/null || status=$?
        echo "$status" > "$tmp/$bin.status"
      done
      if ! cmp -s "$tmp/plain.out" "$tmp/pgo.out" || ! cmp -s "$tmp/plain.rej" "$tmp/pgo.rej" \
        || ! cmp -s "$tmp/plain.status" "$tmp/pgo.status"; then
        echo "pgo.sh: the PGO build's output differs ($input, $level)" >&2
        exit 1
      fi
    done
    if [ "$input" = mixed ] && [ "$(wc -l < "$tmp/pgo.rej")" -ne 6 ]; then
      echo "pgo.sh: expected the 6 malformed lines of the check to be rejected" >&2
      exit 1
    fi
  done
  echo "pgo.sh: outputs identical at none, motivazione and full" >&2
fi
echo "$pgo"

#!/usr/bin/env bash
# Regenerates the shipped default model, data/default-model/, from NSMC ratings_train.txt
# with the product's own command, deterministically: `nunchi train --config
# data/default-model.toml` (seed 42), so the same inputs and code give the same files. Then
# `nunchi eval` writes data/default-model-metrics.json: dev, NSMC test, KoBEST SentiNeg dev,
# each test set also restricted to the posts whose text is not in the training file, and
# the time `nunchi train` took. Needs jq.
#
#   scripts/train-default-model.sh [SHARED_DATA_DIR]     # default ../shared/data
#
# The model is trained into target/ and moves to data/default-model/ only once training and
# every evaluation succeeded. (Building nunchi embeds the current data/default-model/, but
# training never loads it.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=$(cd "${1:-$root/../shared/data}" && pwd)
cd "$root"
command -v jq >/dev/null || { echo "train-default-model.sh needs jq" >&2; exit 1; }
scripts/ko-dic-offline.sh
cargo build --release -p nunchi-cli
nunchi=$root/target/release/nunchi
train=$data/nsmc/ratings_train.txt
test=$data/nsmc/ratings_test.txt
kobest=$data/kobest_sentineg/dev.tsv
md5=$(md5sum "$train" | cut -d' ' -f1)
work=$(mktemp -d "$root/target/default-model.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Exit code 2 means rows were skipped (NSMC has empty reviews), each reported on stderr.
allow_skipped() { "$@" || [ $? -eq 2 ]; }

allow_skipped /usr/bin/time -f '%e %U %S' -o "$work/time" \
  "$nunchi" train --config data/default-model.toml --no-quoting --json \
  --source "NSMC ratings_train.txt (github e9t/nsmc cc0670e872d4ac27bfe36c87456783004b39ef6c, CC0 1.0), md5 $md5" \
  -o "$work/model" "$train" >"$work/dev.json"

# The rows of a TAB-separated file whose text (column $2, trimmed) is not a training text.
unseen() {
  awk -F'\t' -v col="$2" '
    function trim(s) { gsub(/^[[:space:]]+|[[:space:]]+$/, "", s); return s }
    FNR == NR { if (FNR > 1) seen[trim($2)] = 1; next }
    FNR == 1 || !(trim($col) in seen)' "$train" "$1"
}
unseen "$test" 2 >"$work/test_unseen.txt"
unseen "$kobest" 3 >"$work/kobest_unseen.tsv"

evaluate() { # name, file, then the columns and quoting options
  local name=$1 file=$2
  shift 2
  allow_skipped "$nunchi" eval --model "$work/model" --json "$@" "$file" >"$work/$name.json"
}
evaluate test "$test" --no-quoting
evaluate test_unseen "$work/test_unseen.txt" --no-quoting
evaluate kobest "$kobest" --text-column Text --label-column Label
evaluate kobest_unseen "$work/kobest_unseen.tsv" --text-column Text --label-column Label

# time's last line (it starts with a note when the exit code is not 0).
read -r wall user system < <(tail -n 1 "$work/time")
jq -n --argjson wall "$wall" --argjson cpu "$(awk "BEGIN { print $user + $system }")" \
  --slurpfile dev "$work/dev.json" --slurpfile test "$work/test.json" \
  --slurpfile test_unseen "$work/test_unseen.json" --slurpfile kobest "$work/kobest.json" \
  --slurpfile kobest_unseen "$work/kobest_unseen.json" \
  '{train_wall_seconds: $wall, train_cpu_seconds: $cpu, dev: $dev[0], test: $test[0],
    test_unseen: $test_unseen[0], kobest: $kobest[0], kobest_unseen: $kobest_unseen[0]}' \
  >data/default-model-metrics.json
rm -rf data/default-model
mv "$work/model" data/default-model
ls -l data/default-model

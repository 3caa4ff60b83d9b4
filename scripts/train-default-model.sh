#!/usr/bin/env bash
# Regenerates the shipped default model, data/default-model/, from NSMC ratings_train.txt,
# deterministically (the TrainConfig defaults, seed 42): the same inputs and code give the
# same files. Also writes data/default-model-metrics.json (dev, NSMC test, KoBEST dev).
#
#   scripts/train-default-model.sh [SHARED_DATA_DIR]     # default ../shared/data
#
# For now it runs the nunchi-score `train` example (built without the embedded model, so
# that retraining never needs the previous one); `nunchi train` wraps the same library calls.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=$(cd "${1:-$root/../shared/data}" && pwd)
cd "$root"
scripts/ko-dic-offline.sh
train=$data/nsmc/ratings_train.txt
md5=$(md5sum "$train" | cut -d' ' -f1)
cargo run --release -p nunchi-score --no-default-features --example train -- \
  --train "$train" \
  --test "$data/nsmc/ratings_test.txt" \
  --kobest "$data/kobest_sentineg/dev.tsv" \
  --source "NSMC ratings_train.txt (github e9t/nsmc cc0670e872d4ac27bfe36c87456783004b39ef6c, CC0 1.0), md5 $md5" \
  --out data/default-model \
  --json data/default-model-metrics.json
ls -l data/default-model

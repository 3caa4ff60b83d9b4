#!/usr/bin/env bash
# One mix experiment: build the mix, train a model on it, evaluate it on the dev splits.
#   scripts/social/experiment.sh NAME SPEC...      (SPEC as in mix.py)
# Writes target/social/runs/NAME/{mix.tsv,model/,train.log,dev.txt,dev.json}; needs
# target/release/nunchi and the files of prepare.py. Extra `nunchi train` arguments go in
# the TRAIN_ARGS environment variable (e.g. TRAIN_ARGS="--lexicon target/social/emoji_prior.tsv").
# With TRAINER=example, the crate's `train` example trains instead (build it first:
# cargo build --release -p nunchi-score --no-default-features --example train), so that
# settings the CLI does not expose can be changed: SETS="--set l2=1e-3,3e-3 --set max_epochs=8".
set -euo pipefail
name=$1; shift
root=target/social
run=$root/runs/$name
rm -rf "$run"; mkdir -p "$run"
python3 scripts/social/mix.py -o "$run/mix.tsv" "$@" 2> "$run/mix.log"
timed=(/usr/bin/time -f 'train wall %e s, cpu %U+%S s, max rss %M KB')
if [ "${TRAINER:-cli}" = example ]; then
  # The example reads NSMC's layout: columns document/label, labels 0/1 or names.
  sed '1s/^text\tlabel$/document\tlabel/' "$run/mix.tsv" > "$run/mix-nsmc.tsv"
  # shellcheck disable=SC2086
  "${timed[@]}" target/release/examples/train --train "$run/mix-nsmc.tsv" --out "$run/model" \
    ${SETS:-} > "$run/train-dev.txt" 2> "$run/train.log" || { tail "$run/train.log"; exit 1; }
  rm "$run/mix-nsmc.tsv"
else
  # shellcheck disable=SC2086
  "${timed[@]}" target/release/nunchi train --labels names --text-column text \
    --label-column label --no-quoting -d tab ${TRAIN_ARGS:-} -o "$run/model" "$run/mix.tsv" \
    > "$run/train-dev.txt" 2> "$run/train.log" || { tail "$run/train.log"; exit 1; }
fi
d=$root/dev
python3 scripts/social/evaluate.py --model "$run/model" --json "$run/dev.json" \
  kodoli=$d/kodoli.tsv nsmc=$d/nsmc.tsv kobest=$d/kobest.tsv kote=$d/kote.tsv \
  ${EXTRA_EVAL:-} > "$run/dev.txt"
{ echo "== $name: $* ${TRAIN_ARGS:-} ${SETS:-}"; cat "$run/mix.log" | tail -1; tail -1 "$run/train.log"; cat "$run/dev.txt"; } | tee -a $root/runs/summary.txt

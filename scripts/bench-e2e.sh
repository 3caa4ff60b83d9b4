#!/usr/bin/env bash
# End-to-end benchmark of `nunchi classify` against the raw lindera tokenizer on the same posts.
#
#   scripts/bench-e2e.sh [MEGABYTES] [RUNS]     # defaults: 1100 MB, 3 runs
#
# Builds (once) a CSV of real posts from ../shared/data of at least MEGABYTES, then for RUNS
# rounds measures: raw lindera segmentation of the text column (one thread, segmentation time
# only), and `nunchi classify` with 1 and 2 threads (wall time and peak RSS by /usr/bin/time -v).
# Prints one line per measurement and a median summary; raw results go to
# target/bench/e2e-MEGABYTESm/, with the load average at each run's start and end (load.txt).
# The classify runs' RSS is also sampled every 2 s (rss-*.tsv there): the summary compares
# the peak of the first half of a run with that of the second (flat = no growth).
# NUNCHI=/path/to/nunchi measures that build of nunchi instead of this checkout's (e.g. the
# build before a change, for a before/after pair of runs).
# Needs: cargo, python3, zstd, GNU time (/usr/bin/time).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
megabytes=${1:-1100}
runs=${2:-3}
data=${NUNCHI_SHARED_DATA:-$root/../shared/data}
csv=$root/target/bench/posts-${megabytes}m.csv
out=$root/target/bench/e2e-${megabytes}m # this size's results, logs and RSS samples
rm -rf "$out"
mkdir -p "$out"

cargo build --release -p nunchi-cli --quiet
cargo build --release --example lindera_raw_throughput --quiet
nunchi=${NUNCHI:-$root/target/release/nunchi}
raw=$root/target/release/examples/lindera_raw_throughput

[ -s "$csv" ] || python3 scripts/make-bench-csv.py --data "$data" --megabytes "$megabytes" -o "$csv"
input_bytes=$(stat -c %s "$csv")
results=$out/e2e-results.tsv
printf 'run\twhat\trows\tseconds\trows_per_s\tinput_mb_per_s\tpeak_rss_mb\n' >"$results"

load_log=$out/load.txt
: >"$load_log"
for run in $(seq 1 "$runs"); do
  echo "run $run start: $(uptime)" >>"$load_log"
  # Raw lindera: JSON line with rows, seconds (segmentation only).
  line=$("$raw" "$csv" text)
  rows=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["rows"])' "$line")
  secs=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$line")
  printf '%s\tlindera_raw_1t\t%s\t%s\t%.0f\t%.2f\t-\n' "$run" "$rows" "$secs" \
    "$(echo "$rows / $secs" | bc -l)" "$(echo "$input_bytes / 1000000 / $secs" | bc -l)" >>"$results"
  for threads in 1 2; do
    log=$out/time-${threads}t-run${run}.txt
    /usr/bin/time -v "$nunchi" --threads "$threads" classify "$csv" --text-column text \
      --quiet -o "$out/classified.csv" 2>"$log" &
    timer=$!
    samples=$out/rss-${threads}t-run${run}.tsv
    : >"$samples"
    while kill -0 "$timer" 2>/dev/null; do
      pid=$(pgrep -P "$timer" | head -1 || true)
      [ -n "$pid" ] && awk -v t="$SECONDS" '/VmRSS/ {print t "\t" $2}' "/proc/$pid/status" >>"$samples" 2>/dev/null
      sleep 2
    done
    wait "$timer"
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$log")
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    rows_out=$(($(wc -l <"$out/classified.csv") - 1))
    printf '%s\tnunchi_classify_%st\t%s\t%s\t%.0f\t%.2f\t%.0f\n' "$run" "$threads" "$rows" "$secs" \
      "$(echo "$rows / $secs" | bc -l)" "$(echo "$input_bytes / 1000000 / $secs" | bc -l)" \
      "$(echo "$rss_kb / 1024" | bc -l)" >>"$results"
    [ "$rows_out" -ge "$rows" ] || echo "warning: $rows_out output lines for $rows rows" >&2
  done
  rm -f "$out/classified.csv"
  echo "run $run end: $(uptime)" >>"$load_log"
done

column -t -s $'\t' "$results"
cat "$load_log"
python3 - "$results" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
med = lambda what, key: statistics.median(float(r[key]) for r in rows if r["what"] == what)
raw = med("lindera_raw_1t", "rows_per_s")
import glob
for path in sorted(glob.glob(sys.argv[1].rsplit("/", 1)[0] + "/rss-*.tsv")):
    kb = [int(line.split("\t")[1]) for line in open(path) if "\t" in line]
    if len(kb) >= 4:
        half = len(kb) // 2
        print(f"{path.rsplit('/', 1)[1]}: peak RSS first half {max(kb[:half]) / 1024:.0f} MB, "
              f"second half {max(kb[half:]) / 1024:.0f} MB ({len(kb)} samples)")
one = med("nunchi_classify_1t", "rows_per_s")
two = med("nunchi_classify_2t", "rows_per_s")
print(f"\nmedians over runs: raw lindera {raw:.0f} rows/s; classify 1 thread {one:.0f} rows/s "
      f"({one / raw:.0%} of raw lindera); 2 threads {two:.0f} rows/s ({two / one:.2f}x one thread); "
      f"peak RSS 1t {med('nunchi_classify_1t', 'peak_rss_mb'):.0f} MB, "
      f"2t {med('nunchi_classify_2t', 'peak_rss_mb'):.0f} MB")
PY

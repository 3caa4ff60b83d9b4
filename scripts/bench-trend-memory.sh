#!/usr/bin/env bash
# Peak memory of `nunchi trend` on inputs whose span or number of targets is large.
#
#   scripts/bench-trend-memory.sh [NUNCHI]     # default: target/release/nunchi (built here)
#
# Cases (inputs written to target/bench/trend-memory/):
#   sample        data/sample/posts.csv (205 posts over 16 months), hourly buckets
#   1000-targets  the same with 1,000 --target names: the sample's first distinct words, then
#                 made-up names that no post mentions
#   1900-2199-1m  two posts, 1900-01-01 and 2199-12-31, `--bucket 1m`
#   1900-2199-1s  the same two posts, `--bucket 1s`
# Each runs under /usr/bin/time -v (peak RSS, wall time) with the series, the episodes, the
# JSON and the chart written to files; one line per case: peak RSS, wall time, series rows and
# the sizes of the series and JSON files. A case that fails (e.g. killed by the OOM killer) is
# reported with its exit code; one still running after TREND_TIMEOUT seconds (default 600) is
# stopped (exit code 124). Needs: cargo, python3, GNU time (/usr/bin/time), timeout.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ $# -ge 1 ]; then
  nunchi=$1
else
  cargo build --release -p nunchi-cli --quiet || exit 1
  nunchi=$root/target/release/nunchi
fi
out=$root/target/bench/trend-memory
mkdir -p "$out"

printf 'created_at,text\n1900-01-01T00:00:00+00:00,좋은 아침이네요\n2199-12-31T23:59:00+00:00,정말 황당하군요\n' \
  >"$out/two-posts.csv"
python3 - "$root/data/sample/posts.csv" "$out/targets.txt" <<'EOF'
import csv, re, sys
words = []
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        for word in row["text"].split():
            word = re.sub(r"[^0-9A-Za-z가-힣]", "", word)
            if len(word) >= 2 and word not in words:
                words.append(word)
words = words[:1000]
words += [f"없는이름{i:04d}" for i in range(1000 - len(words))]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("\n".join(words) + "\n")
EOF
targets=()
while IFS= read -r name; do targets+=(--target "$name"); done <"$out/targets.txt"

run() {
  local name=$1
  shift
  local dir=$out/$name
  mkdir -p "$dir"
  /usr/bin/time -v -o "$dir/time.txt" timeout "${TREND_TIMEOUT:-600}" "$nunchi" trend "$@" --quiet \
    --out-series "$dir/series.csv" --out-episodes "$dir/episodes.csv" \
    --out-json "$dir/trend.json" --chart "$dir/chart.svg" 2>"$dir/stderr.txt"
  local rc=$?
  local rss wall rows series json
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f MB", $2 / 1024}' "$dir/time.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$dir/time.txt")
  rows=$([ -f "$dir/series.csv" ] && python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))) - 1)' "$dir/series.csv" || echo -)
  series=$([ -f "$dir/series.csv" ] && du -h "$dir/series.csv" | cut -f1 || echo -)
  json=$([ -f "$dir/trend.json" ] && du -h "$dir/trend.json" | cut -f1 || echo -)
  printf '%-14s rc %-3s peak RSS %-10s wall %-8s series rows %-9s series %-6s json %s\n' \
    "$name" "$rc" "$rss" "$wall" "$rows" "$series" "$json"
  rm -f "$dir/series.csv" "$dir/trend.json" "$dir/chart.svg"
}

echo "nunchi: $nunchi; load: $(uptime)"
run sample data/sample/posts.csv --timezone Asia/Seoul
run 1000-targets data/sample/posts.csv --timezone Asia/Seoul "${targets[@]}"
run 1900-2199-1m "$out/two-posts.csv" --bucket 1m
run 1900-2199-1s "$out/two-posts.csv" --bucket 1s
echo "load: $(uptime)"

#!/usr/bin/env bash
# Peak memory of one long post: `nunchi score`, `classify` and `tokenize` on a 1 MB and a
# 50 MB post, at 1 and 8 threads (issue 12, item 6).
#
#   scripts/bench-long-posts.sh [NUNCHI_BINARY]    # default: this checkout's release build
#
# Builds (once) posts of real NSMC training reviews joined by spaces, one line each, into
# target/bench/long-posts/: post-1m.txt, post-50m.txt, and CSVs (`id,text`) of one such
# post and of 16 posts of 1 MB (so that 8 threads each meet two). Prints one TSV line a
# measurement: what, threads, peak RSS in MB, wall seconds, exit code. The 50 MB runs take a
# few minutes each and several GB of memory. Give another build's binary to measure it on
# the same posts (before/after).
# Needs: cargo, python3, GNU time (/usr/bin/time).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
data=${NUNCHI_SHARED_DATA:-$root/../shared/data}
out=$root/target/bench/long-posts
mkdir -p "$out"
if [ $# -ge 1 ]; then
  nunchi=$1
else
  cargo build --release -p nunchi-cli --quiet
  nunchi=$root/target/release/nunchi
fi

[ -s "$out/post-50m.csv" ] || python3 - "$data/nsmc/ratings_train.txt" "$out" <<'EOF'
import csv, sys
source, out = sys.argv[1], sys.argv[2]
with open(source, encoding="utf-8") as f:
    next(f)
    reviews = [p[1].strip() for p in (l.rstrip("\n").split("\t") for l in f)
               if len(p) == 3 and p[1].strip()]

def post(size, start):
    """About `size` bytes of reviews from `start` on (cut at a char boundary), and the next."""
    parts, length, i = [], 0, start
    while length < size:
        review = reviews[i % len(reviews)]
        parts.append(review)
        length += len(review.encode()) + 1
        i += 1
    return " ".join(parts).encode()[:size].decode("utf-8", "ignore"), i

def write_csv(name, sizes):
    start = 0
    with open(f"{out}/{name}", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        for number, size in enumerate(sizes):
            text, start = post(size, start)
            writer.writerow([number, text])

for name, size in [("post-1m.txt", 1 << 20), ("post-50m.txt", 50 << 20)]:
    with open(f"{out}/{name}", "w", encoding="utf-8") as f:
        f.write(post(size, 0)[0] + "\n")
write_csv("post-1m.csv", [1 << 20])
write_csv("posts-16x1m.csv", [1 << 20] * 16)
write_csv("post-50m.csv", [50 << 20])
EOF

measure() { # what threads command...
  local what=$1 threads=$2
  shift 2
  local log=$out/time.txt rc=0
  /usr/bin/time -f '%M %e' -o "$log" "$nunchi" --threads "$threads" "$@" >/dev/null 2>&1 || rc=$?
  read -r rss_kb secs <"$log"
  printf '%s\t%s\t%.0f\t%s\t%s\n' "$what" "$threads" "$(echo "$rss_kb / 1024" | bc -l)" "$secs" "$rc"
}

printf 'what\tthreads\tpeak_rss_mb\tseconds\texit\n'
for threads in 1 8; do
  measure "score, 1 MB post" "$threads" score <"$out/post-1m.txt"
  measure "classify, 1 MB post" "$threads" classify "$out/post-1m.csv"
  measure "classify, 16 posts of 1 MB" "$threads" classify "$out/posts-16x1m.csv"
  measure "tokenize, 1 MB post" "$threads" tokenize <"$out/post-1m.txt"
done
big=$((60 << 20)) # --max-field-bytes above the 50 MB post
measure "tokenize, 50 MB post" 1 tokenize <"$out/post-50m.txt"
for threads in 1 8; do
  measure "classify, 50 MB post" "$threads" classify "$out/post-50m.csv" --max-field-bytes "$big"
done

#!/usr/bin/env python3
"""Builds a large, realistic CSV of Korean posts for the end-to-end benchmark.

Mixes real posts from the shared data folder (NSMC's full crawl of movie reviews, tweets,
news comments) into `id,created_at,source,text` rows, repeating the mix with fresh ids and
timestamps until the file reaches the requested size. Needs python3 and the zstd command.

    scripts/make-bench-csv.py --data ../shared/data --megabytes 1100 -o target/bench/posts-1g.csv
"""
import argparse
import csv
import datetime
import os
import subprocess
import sys


def nsmc_raw_reviews(data):
    """Review texts of the whole NSMC crawl (zstd-compressed TSV)."""
    path = os.path.join(data, "nsmc_raw", "reviews.tsv.zst")
    raw = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    lines = raw.decode("utf-8").split("\n")
    header = lines[0].split("\t")
    col = header.index("review")
    return [line.split("\t")[col] for line in lines[1:] if line.count("\t") == len(header) - 1]


def tweets(data):
    with open(os.path.join(data, "korean_sarcasm", "train.csv"), encoding="utf-8", newline="") as f:
        return [row["tokens"] for row in csv.DictReader(f)]


def comments(data):
    with open(os.path.join(data, "korean_hate_speech", "train.tsv"), encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f][1:]
    return [row[0] for row in rows if row]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    parser.add_argument("--megabytes", type=float, default=1100)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()

    sources = [("review", nsmc_raw_reviews(args.data)), ("tweet", tweets(args.data)),
               ("comment", comments(args.data))]
    # Interleave the sources so that every chunk the CLI reads holds a realistic mix.
    mix = []
    longest = max(len(texts) for _, texts in sources)
    for i in range(longest):
        for name, texts in sources:
            if i < len(texts) and texts[i].strip():
                mix.append((name, texts[i]))
    target = int(args.megabytes * 1024 * 1024)
    start = datetime.datetime(2024, 3, 1, tzinfo=datetime.timezone.utc)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    written = rows = 0
    with open(args.output, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "created_at", "source", "text"])
        while written < target:
            for name, text in mix:
                stamp = (start + datetime.timedelta(seconds=rows * 3)).isoformat()
                writer.writerow([rows, stamp, name, text])
                rows += 1
                if rows % 10000 == 0:
                    written = f.tell()
                    if written >= target:
                        break
    print(f"{args.output}: {rows} rows, {os.path.getsize(args.output) / 2**20:.0f} MiB", file=sys.stderr)


if __name__ == "__main__":
    main()

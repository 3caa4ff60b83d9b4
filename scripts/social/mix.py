"""Builds one training TSV from parts written by prepare.py, with per-source weights
simulated by subsampling and replication.

Each SPEC is `NAME[@ROWS][*COPIES][=LABEL][>NEWLABEL]`:
  NAME     a part: OUT/train/NAME.tsv (kodoli, nsmc, kobest, kote, raw_neg, raw_mid56,
           raw_mid78, raw_pos)
  @ROWS    keep a seeded random sample of this many rows (all rows if absent or larger)
  *COPIES  write every kept row this many times (weight COPIES)
  =LABEL   only the rows with this label (negative, neutral, positive)
  >NEWLABEL  write the rows with this label instead (e.g. a neutral-vs-polar gate model:
           `kodoli=neutral>negative kodoli=negative>positive kodoli=positive>positive`)

`nunchi train` drops repeated texts (after trimming whitespace), so copy k of a row gets k
zero-width spaces (U+200B) appended: not whitespace to the de-duplicator, and removed by the
tokenizer's normaliser, so every copy has the same features as the row itself (checked with
`nunchi classify`: identical probabilities). Caveat: the trainer's own dev split then holds
copies of training rows, so its dev figures (and its choice of epochs/L2) are optimistic;
judge the model only on the dev files of prepare.py.

Usage: python3 scripts/social/mix.py [--parts target/social/train] [--seed 1] -o OUT.tsv SPEC...
"""

import argparse
import os
import random
import re
import sys
from collections import Counter

SPEC = re.compile(r"^(?P<name>[a-z0-9_]+)(@(?P<rows>\d+))?(\*(?P<copies>\d+))?(=(?P<label>negative|neutral|positive))?(>(?P<new>negative|neutral|positive))?$")
ZWSP = "\u200b"


def read_part(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        header = next(f).rstrip("\n").split("\t")
        if header != ["text", "label"]:
            sys.exit(f"{path}: expected the header text<TAB>label")
        return [tuple(line.rstrip("\n").split("\t")) for line in f]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parts", default="target/social/train")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("specs", nargs="+", metavar="SPEC")
    args = ap.parse_args()
    out_rows = []
    for spec in args.specs:
        m = SPEC.match(spec)
        if not m:
            sys.exit(f"bad spec {spec!r}: NAME[@ROWS][*COPIES][=LABEL][>NEWLABEL]")
        rows = read_part(os.path.join(args.parts, m["name"] + ".tsv"))
        if m["label"]:
            rows = [r for r in rows if r[1] == m["label"]]
        if m["new"]:
            rows = [(text, m["new"]) for text, _ in rows]
        if m["rows"] and int(m["rows"]) < len(rows):
            rows = random.Random(f"{args.seed}:{spec}").sample(rows, int(m["rows"]))
        copies = int(m["copies"] or 1)
        for text, label in rows:
            for k in range(copies):
                out_rows.append((text + ZWSP * k, label))
        counts = Counter(label for _, label in rows)
        print(f"{spec}: {len(rows)} rows x {copies} ({dict(sorted(counts.items()))})",
              file=sys.stderr)
    random.Random(args.seed).shuffle(out_rows)
    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write("text\tlabel\n")
        for text, label in out_rows:
            f.write(f"{text}\t{label}\n")
    os.replace(tmp, args.output)
    total = Counter(label for _, label in out_rows)
    print(f"{args.output}: {len(out_rows)} rows {dict(sorted(total.items()))}", file=sys.stderr)


if __name__ == "__main__":
    main()

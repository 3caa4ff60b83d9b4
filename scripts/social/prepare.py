"""Training parts, dev splits and test files for the three-class social model experiments.

Reads ../shared/data only; writes TSV files `text<TAB>label` (label negative / neutral /
positive, header line, no tabs or line breaks in the text) to
  OUT/train/   training parts (never contain a dev or test text)
  OUT/dev/     dev splits carved from the training parts (choose on these)
  TEST/        test splits (report only; never choose on them)
with OUT = target/social and TEST = /tmp/nunchi-social-test by default.

Splits (deterministic, no randomness):
  kodoli   test = index % 10 == 0 (the data README's fixed split); dev = index % 10 == 5;
           train = the rest.
  nsmc     ratings_train.txt: dev = data rows whose 0-based number % 10 == 5; train = the
           rest. test = ratings_test.txt.
  kobest   train.tsv: dev = ID % 10 == 5; train = the rest. test = dev.tsv (a test set here).
  kote     val.tsv through scripts/social/kote_polarity.py: dev = ID % 5 == 0; train = the
           rest. test = test.tsv through the same rule.
  nsmc_raw rows with nsmc_split '-' only (the 'train' rows are NSMC train, the 'test' rows
           are excluded by its README), and never a review whose text occurs in
           ratings_test.txt; written by star band: raw_neg (1-4), raw_mid56, raw_mid78,
           raw_pos (9-10), each labelled by its band's usual reading (raw_mid* as neutral).
Every training part drops rows whose text (whitespace removed) occurs in any dev or test
split, so no dev or test text is trained on through another source.

Also writes OUT/emoji_prior.tsv: a seed lexicon (term, pos, weight, support) from
emoji_sentiment, weight = (positive - negative) / (occurrences + 10), emoji with at least
20 occurrences and |weight| >= 0.2.

Usage: python3 scripts/social/prepare.py [--shared ../shared/data] [--out target/social]
       [--test-out /tmp/nunchi-social-test]
"""

import argparse
import csv
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kote_polarity  # noqa: E402

csv.field_size_limit(1 << 24)

BINARY = {"0": "negative", "1": "positive"}
KODOLI = {"NEG": "negative", "NEU": "neutral", "POS": "positive"}


def clean(text):
    """One line, single spaces: what every file here stores."""
    return " ".join(text.split())


def key(text):
    """Texts that differ only in whitespace are the same text."""
    return "".join(text.split())


def write(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    n = 0
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write("text\tlabel\n")
        for text, label in rows:
            text = clean(text)
            if text:
                f.write(f"{text}\t{label}\n")
                n += 1
    os.replace(tmp, path)
    print(f"{path}: {n} rows", file=sys.stderr)


def read_nsmc(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        next(f)
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                yield parts[1], BINARY[parts[2]]


def read_kobest(path):
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            yield int(row["ID"]), row["Text"], BINARY[row["Label"].strip()]


def read_kodoli(path):
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            yield int(row["index"]), row["sentences"], KODOLI[row["sentiment"]]


def read_raw(path):
    """(rating, nsmc_split, review) of nsmc_raw, decompressed by the zstd tool."""
    proc = subprocess.Popen(["zstd", "-dc", path], stdout=subprocess.PIPE)
    header = None
    for raw in proc.stdout:
        parts = raw.decode("utf-8").rstrip("\n").split("\t")
        if header is None:
            header = parts
            continue
        row = dict(zip(header, parts))
        yield int(row["rating"]), row["nsmc_split"], row["review"]
    if proc.wait() != 0:
        sys.exit(f"zstd failed on {path}")


def emoji_prior(path):
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            occurrences = int(row["Occurrences"])
            weight = (int(row["Positive"]) - int(row["Negative"])) / (occurrences + 10)
            if occurrences >= 20 and abs(weight) >= 0.2:
                yield row["Emoji"], round(weight, 4), occurrences


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default="../shared/data")
    ap.add_argument("--out", default="target/social")
    ap.add_argument("--test-out", default="/tmp/nunchi-social-test")
    args = ap.parse_args()
    s = args.shared

    kodoli = list(read_kodoli(f"{s}/kodoli/kodoli.csv"))
    nsmc = list(read_nsmc(f"{s}/nsmc/ratings_train.txt"))
    nsmc_test = list(read_nsmc(f"{s}/nsmc/ratings_test.txt"))
    kobest = list(read_kobest(f"{s}/kobest_sentineg/train.tsv"))
    kobest_test = [(t, l) for _, t, l in read_kobest(f"{s}/kobest_sentineg/dev.tsv")]
    kote = [(i, t, kote_polarity.polarity(e))
            for i, t, e in kote_polarity.read_kote(f"{s}/kote/val.tsv")]
    kote_test = [(t, kote_polarity.polarity(e))
                 for _, t, e in kote_polarity.read_kote(f"{s}/kote/test.tsv")]

    dev = {
        "kodoli": [(t, l) for i, t, l in kodoli if i % 10 == 5],
        "nsmc": [r for n, r in enumerate(nsmc) if n % 10 == 5],
        "kobest": [(t, l) for i, t, l in kobest if i % 10 == 5],
        "kote": [(t, l) for i, t, l in kote if int(i) % 5 == 0],
    }
    test = {
        "kodoli": [(t, l) for i, t, l in kodoli if i % 10 == 0],
        "nsmc": nsmc_test,
        "kobest": kobest_test,
        "kote": kote_test,
    }
    held_out = {key(t) for rows in list(dev.values()) + list(test.values()) for t, _ in rows}
    nsmc_test_keys = {key(t) for t, _ in nsmc_test}

    def train_part(rows):
        return [(t, l) for t, l in rows if key(t) not in held_out]

    train = {
        "kodoli": train_part((t, l) for i, t, l in kodoli if i % 10 not in (0, 5)),
        "nsmc": train_part(r for n, r in enumerate(nsmc) if n % 10 != 5),
        "kobest": train_part((t, l) for i, t, l in kobest if i % 10 != 5),
        "kote": train_part((t, l) for i, t, l in kote if int(i) % 5 != 0),
    }
    bands = {"raw_neg": [], "raw_mid56": [], "raw_mid78": [], "raw_pos": []}
    for rating, split, review in read_raw(f"{s}/nsmc_raw/reviews.tsv.zst"):
        if split != "-" or key(review) in nsmc_test_keys:
            continue
        if rating <= 4:
            bands["raw_neg"].append((review, "negative"))
        elif rating <= 6:
            bands["raw_mid56"].append((review, "neutral"))
        elif rating <= 8:
            bands["raw_mid78"].append((review, "neutral"))
        else:
            bands["raw_pos"].append((review, "positive"))
    for name, rows in bands.items():
        train[name] = train_part(rows)

    for name, rows in train.items():
        write(f"{args.out}/train/{name}.tsv", rows)
    for name, rows in dev.items():
        write(f"{args.out}/dev/{name}.tsv", rows)
    for name, rows in test.items():
        write(f"{args.test_out}/{name}.tsv", rows)
    prior = f"{args.out}/emoji_prior.tsv"
    with open(prior, "w", encoding="utf-8", newline="\n") as f:
        f.write("term\tpos\tweight\tsupport\n")
        for emoji, weight, support in emoji_prior(f"{s}/emoji_sentiment/Emoji_Sentiment_Data_v1.0.csv"):
            f.write(f"{emoji}\tEMOJI\t{weight}\t{support}\n")
    print(f"{prior} written", file=sys.stderr)


if __name__ == "__main__":
    main()

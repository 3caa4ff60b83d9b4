"""Scores labeled TSV files with `nunchi classify` and prints the figures of the findings.

Each input is a TSV with a header and at least the columns `text` and `label`
(negative / neutral / positive), read with --no-quoting. Optional columns:
  pair_id, phenomenon   minimal pairs: a pair is right when both of its rows are
  kind                  story rows: accuracy per kind (notice, apology, thanks, ...)

Figures per file:
  three-class data (some gold label is neutral): accuracy, macro-F1, per-class F1, the
    predicted class shares, the mean probability of each class, and the class-wise ECE
    (15 equal-width bins of p_c against the share of rows of class c);
  two-class data (no neutral gold label): forced-choice accuracy (the larger of p_negative
    and p_positive) and the share of rows whose three-way prediction is neutral;
  pairs: the share of pairs with both halves right (three-way argmax), and of pairs whose
    more positive half has the higher polarity (p_positive - p_negative), per phenomenon.

With --polar-model, a second (negative/positive) model is fused in: the neutral probability
stays the first model's, and P(positive | polar) becomes
sigmoid((1 - w) * logit(first model's) + w * logit(second model's)) for each weight w of
--polar-weights (or sigmoid(a * logit(first) + b * logit(second)) for a weight written a:b):
late fusion, a stand-in for training binary sources with the neutral output masked out.

With --gate-model too, the neutral probability comes from that negative/positive model
trained with neutral rows labelled negative and polar rows labelled positive (a
neutral-vs-polar gate): P(neutral) = its P(negative | polar).

With --class-weights a,b,c, the probabilities are multiplied by (a, b, c) and renormalised
before anything else: a class-prior correction (e.g. log-prior shift) simulated after the fact.

Usage: python3 scripts/social/evaluate.py [--nunchi target/release/nunchi]
           [--class-weights 1,1,1]
           [--model DIR|default] [--polar-model DIR --polar-weights 0,0.5,1]
           [--json OUT.json] NAME=FILE.tsv ...
"""

import math

import argparse
import csv
import json
import subprocess
import sys
from collections import Counter, defaultdict

LABELS = ("negative", "neutral", "positive")
ORDER = {label: i for i, label in enumerate(LABELS)}
BINS = 15


def classify(nunchi, model, path):
    """Rows of `path` with the model's probabilities added (dicts)."""
    cmd = [nunchi, "classify", "-q", "--no-quoting", "-d", "tab", "-f", "tsv",
           "--model", model, path]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = []
    for row in csv.DictReader(out.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE):
        probs = [float(row[f"nunchi_p_{label}"]) for label in LABELS]
        rows.append({**row, "p": probs, "polarity": probs[2] - probs[0]})
    return rows


def logit(p):
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def polar_share(probs):
    """P(positive | polar) of a probability triple."""
    polar = probs[0] + probs[2]
    return probs[2] / polar if polar > 0 else 0.5


def fuse(rows, polar_rows, weights, gate_rows=None):
    """Rows with probabilities fused as the module doc says; `weights` = (a, b)."""
    fused = []
    for n, (r, b) in enumerate(zip(rows, polar_rows)):
        neu = r["p"][1]
        if gate_rows is not None:
            neu = 1 - polar_share(gate_rows[n]["p"])
        own = polar_share(r["p"])
        other = polar_share(b["p"])
        z = weights[0] * logit(own) + weights[1] * logit(other)
        q = 1 / (1 + math.exp(-z))
        probs = [(1 - neu) * (1 - q), neu, (1 - neu) * q]
        fused.append({**r, "p": probs, "polarity": probs[2] - probs[0]})
    return fused


def reweight(rows, weights):
    out = []
    for r in rows:
        probs = [p * w for p, w in zip(r["p"], weights)]
        total = sum(probs) or 1.0
        probs = [p / total for p in probs]
        out.append({**r, "p": probs, "polarity": probs[2] - probs[0]})
    return out


def argmax(probs):
    return LABELS[max(range(3), key=lambda i: probs[i])]


def f1(tp, predicted, actual):
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def classwise_ece(rows, c):
    bins = defaultdict(lambda: [0, 0.0, 0])
    for r in rows:
        p = r["p"][c]
        b = bins[min(int(p * BINS), BINS - 1)]
        b[0] += 1
        b[1] += p
        b[2] += r["label"] == LABELS[c]
    return sum(abs(hits - total) for _, total, hits in bins.values()) / max(len(rows), 1)


def three_class(rows):
    predicted = [argmax(r["p"]) for r in rows]
    gold = [r["label"] for r in rows]
    tp = Counter(g for g, p in zip(gold, predicted) if g == p)
    pc, gc = Counter(predicted), Counter(gold)
    per_class = {label: f1(tp[label], pc[label], gc[label]) for label in LABELS}
    n = len(rows)
    return {
        "n": n,
        "accuracy": sum(tp.values()) / n,
        "macro_f1": sum(per_class.values()) / 3,
        "f1": per_class,
        "gold_share": {label: gc[label] / n for label in LABELS},
        "predicted_share": {label: pc[label] / n for label in LABELS},
        "mean_p": {label: sum(r["p"][i] for r in rows) / n for i, label in enumerate(LABELS)},
        "ece": {label: classwise_ece(rows, i) for i, label in enumerate(LABELS)},
    }


def two_class(rows):
    right = sum((r["p"][2] > r["p"][0]) == (r["label"] == "positive") for r in rows)
    neutral = sum(argmax(r["p"]) == "neutral" for r in rows)
    return {"n": len(rows), "forced_accuracy": right / len(rows),
            "neutral_rate": neutral / len(rows)}


def pairs(rows):
    by_pair = defaultdict(list)
    for r in rows:
        by_pair[(r["phenomenon"], r["pair_id"])].append(r)
    result = defaultdict(lambda: [0, 0, 0])
    for (phenomenon, _), members in by_pair.items():
        both = all(argmax(m["p"]) == m["label"] for m in members)
        lo, hi = sorted(members, key=lambda m: ORDER[m["label"]])
        ordered = hi["polarity"] > lo["polarity"]
        for name in (phenomenon, "all"):
            result[name][0] += 1
            result[name][1] += both
            result[name][2] += ordered
    return {name: {"pairs": n, "both_right": b / n, "ordered": o / n}
            for name, (n, b, o) in sorted(result.items())}


def by_kind(rows):
    kinds = defaultdict(list)
    for r in rows:
        kinds[r["kind"]].append(argmax(r["p"]) == r["label"])
    kinds["all"] = [argmax(r["p"]) == r["label"] for r in rows]
    return {k: {"n": len(v), "accuracy": sum(v) / len(v)} for k, v in sorted(kinds.items())}


def evaluate(rows):
    result = {}
    if any(r["label"] == "neutral" for r in rows):
        result["three_class"] = three_class(rows)
    else:
        result["two_class"] = two_class(rows)
    if rows and "pair_id" in rows[0]:
        result["pairs"] = pairs(rows)
    if rows and "kind" in rows[0]:
        result["kinds"] = by_kind(rows)
    return result


def show(name, result):
    if "three_class" in result:
        t = result["three_class"]
        f = t["f1"]
        print(f"{name:<12} n={t['n']:<6} acc {t['accuracy']:.4f}  macro-F1 {t['macro_f1']:.4f}"
              f"  F1 neg {f['negative']:.4f} neu {f['neutral']:.4f} pos {f['positive']:.4f}")
        share = " ".join(f"{label[:3]} {t['gold_share'][label]:.3f}/{t['predicted_share'][label]:.3f}"
                         f"/{t['mean_p'][label]:.3f}" for label in LABELS)
        ece = " ".join(f"{label[:3]} {t['ece'][label]:.3f}" for label in LABELS)
        print(f"{'':<12} gold/predicted/mean-p share: {share}  ECE {ece}")
    if "two_class" in result:
        t = result["two_class"]
        print(f"{name:<12} n={t['n']:<6} forced-choice acc {t['forced_accuracy']:.4f}"
              f"  neutral rate {t['neutral_rate']:.4f}")
    for key in ("pairs", "kinds"):
        for group, g in result.get(key, {}).items():
            figures = "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                for k, v in g.items())
            print(f"{'':<12} {group:<22} {figures}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nunchi", default="target/release/nunchi")
    ap.add_argument("--model", default="default")
    ap.add_argument("--class-weights")
    ap.add_argument("--polar-model")
    ap.add_argument("--polar-weights", default="0.5")
    ap.add_argument("--gate-model")
    ap.add_argument("--json")
    ap.add_argument("files", nargs="+", metavar="NAME=FILE.tsv")
    args = ap.parse_args()
    results = {}
    for spec in args.files:
        name, _, path = spec.partition("=")
        if not path:
            sys.exit(f"expected NAME=FILE.tsv, got {spec!r}")
        rows = classify(args.nunchi, args.model, path)
        bad = [r["label"] for r in rows if r["label"] not in ORDER]
        if bad:
            sys.exit(f"{path}: labels must be negative/neutral/positive, found {bad[0]!r}")
        if args.class_weights:
            rows = reweight(rows, [float(w) for w in args.class_weights.split(",")])
        if not args.polar_model:
            results[name] = evaluate(rows)
            show(name, results[name])
            continue
        polar_rows = classify(args.nunchi, args.polar_model, path)
        gate_rows = classify(args.nunchi, args.gate_model, path) if args.gate_model else None
        for spec in args.polar_weights.split(","):
            a, _, b = spec.partition(":")
            weights = (float(a), float(b)) if b else (1 - float(a), float(a))
            label = f"{name}@w{spec}"
            results[label] = evaluate(fuse(rows, polar_rows, weights, gate_rows))
            show(label, results[label])
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"model": args.model, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()

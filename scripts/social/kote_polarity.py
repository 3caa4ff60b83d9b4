"""KOTE emotion set -> negative / neutral / positive (the rule of tests/challenge/README.md).

KOTE's label column is the union of the emotions its five raters chose, so a comment
usually carries several emotions of both signs. The rule counts the negative and the
positive emotions of a row (the five emotions in NEUTRAL_EMOTIONS count for neither):
positive when it has at least two positive emotions and no fewer positive than negative
ones; else negative when it has at least three negative emotions and at least four times as
many negative as positive ones; else neutral. Negative needs more because 26 of the 44
emotions are negative and raters add a stray one (어이없음, 당황/난처, 의심/불신) to plain
statements and questions.

Usable as a module (`polarity(indices)`) or as a script:
    python3 scripts/social/kote_polarity.py ../shared/data/kote/val.tsv > /tmp/kote.tsv
writes `id<TAB>text<TAB>label` with a header.
"""

import sys

# Index -> name, in the order of the KOTE README (0-based).
EMOTIONS = (
    "불평/불만 환영/호의 감동/감탄 지긋지긋 고마움 슬픔 화남/분노 존경 기대감 우쭐댐/무시함 "
    "안타까움/실망 비장함 의심/불신 뿌듯함 편안/쾌적 신기함/관심 아껴주는 부끄러움 공포/무서움 "
    "절망 한심함 역겨움/징그러움 짜증 어이없음 없음 패배/자기혐오 귀찮음 힘듦/지침 즐거움/신남 "
    "깨달음 죄책감 증오/혐오 흐뭇함(귀여움/예쁨) 당황/난처 경악 부담/안_내킴 서러움 재미없음 "
    "불쌍함/연민 놀람 행복 불안/걱정 기쁨 안심/신뢰"
).split()

NEGATIVE_EMOTIONS = frozenset(
    [0, 3, 5, 6, 9, 10, 12, 17, 18, 19, 20, 21, 22, 23, 25, 26, 27, 30, 31, 33, 34, 35, 36,
     37, 38, 41]
)
POSITIVE_EMOTIONS = frozenset([1, 2, 4, 7, 8, 13, 14, 16, 28, 32, 40, 42, 43])
NEUTRAL_EMOTIONS = frozenset([11, 15, 24, 29, 39])

assert len(EMOTIONS) == 44
assert NEGATIVE_EMOTIONS | POSITIVE_EMOTIONS | NEUTRAL_EMOTIONS == frozenset(range(44))
assert not NEGATIVE_EMOTIONS & POSITIVE_EMOTIONS
assert not (NEGATIVE_EMOTIONS | POSITIVE_EMOTIONS) & NEUTRAL_EMOTIONS

# Positive: at least this many positive emotions, and no fewer than negative ones.
MIN_POSITIVE = 2
# Negative: at least this many negative emotions, and this many times the positive ones.
MIN_NEGATIVE = 3
NEGATIVE_DOMINANCE = 4


def polarity(indices):
    """The polarity label of a set of KOTE emotion indices."""
    negative = sum(1 for i in set(indices) if i in NEGATIVE_EMOTIONS)
    positive = sum(1 for i in set(indices) if i in POSITIVE_EMOTIONS)
    if positive >= MIN_POSITIVE and positive >= negative:
        return "positive"
    if negative >= MIN_NEGATIVE and negative >= NEGATIVE_DOMINANCE * positive:
        return "negative"
    return "neutral"


def parse_labels(field):
    """`"0,6,10"` -> [0, 6, 10]; raises ValueError on an index outside 0..43."""
    indices = [int(x) for x in field.split(",") if x.strip()]
    if any(not 0 <= i < len(EMOTIONS) for i in indices):
        raise ValueError(f"emotion index out of range in {field!r}")
    return indices


def read_kote(path):
    """Yields (id, text, emotion indices) of a KOTE TSV (no header: id, text, labels)."""
    with open(path, encoding="utf-8", newline="\n") as f:
        for number, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                raise ValueError(f"{path}:{number}: expected 3 fields, found {len(parts)}")
            yield parts[0], parts[1], parse_labels(parts[2])


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: kote_polarity.py KOTE.tsv > out.tsv")
    out = sys.stdout
    out.write("id\ttext\tlabel\n")
    for row_id, text, indices in read_kote(argv[1]):
        out.write(f"{row_id}\t{' '.join(text.split())}\t{polarity(indices)}\n")


if __name__ == "__main__":
    main(sys.argv)

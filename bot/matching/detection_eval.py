"""Measure question detection against a labelled set of chat messages.

Used by the detection test (which holds the detector to precision and recall floors)
and by `learnlink bench detection`. Run directly to print the figures:

    python -m bot.matching.detection_eval tests/matching/data/detection_labelled.csv
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypedDict

from bot.matching.detection import MessageFacts, detect_question

__all__ = ["EvaluationResult", "evaluate", "format_report", "main", "read_labelled"]


class EvaluationResult(TypedDict):
    """Precision, recall and F1 of "is a question", the confusion counts, and the misses."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int
    tn: int
    total: int
    misclassified: list[str]


def evaluate(rows: Iterable[tuple[str, bool]]) -> EvaluationResult:
    """Run the detector on plain channel messages (text, expected) and score it.

    Precision is the share of routed messages that really were questions (what experts
    feel); recall is the share of questions we caught (what askers feel). A ratio with
    an empty denominator is 0.0, so an empty set scores 0 rather than raising.
    """
    tp = fp = fn = tn = 0
    misclassified: list[str] = []
    for text, expected in rows:
        predicted = detect_question(MessageFacts(text=text)).is_question
        if predicted and expected:
            tp += 1
        elif predicted:
            fp += 1
        elif expected:
            fn += 1
        else:
            tn += 1
        if predicted != expected:
            misclassified.append(text)
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    return EvaluationResult(
        precision=precision,
        recall=recall,
        f1=_ratio(2 * precision * recall, precision + recall),
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        total=tp + fp + fn + tn,
        misclassified=misclassified,
    )


def read_labelled(path: Path) -> Iterator[tuple[str, bool]]:
    """Rows of a `text,is_question` CSV (1/0 labels) as (text, expected) pairs."""
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield row["text"], row["is_question"].strip() == "1"


def format_report(result: EvaluationResult) -> str:
    """A short human-readable report: the figures, then each misclassified message."""
    lines = [
        f"messages  {result['total']}",
        f"precision {result['precision']:.3f}",
        f"recall    {result['recall']:.3f}",
        f"f1        {result['f1']:.3f}",
        f"tp {result['tp']}  fp {result['fp']}  fn {result['fn']}  tn {result['tn']}",
    ]
    if result["misclassified"]:
        lines.append("misclassified:")
        lines.extend(f"  {text!r}" for text in result["misclassified"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the report for the CSV named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bot.matching.detection_eval LABELLED.csv", file=sys.stderr)
        return 2
    print(format_report(evaluate(read_labelled(Path(args[0])))))
    return 0


def _ratio(numerator: float, denominator: float) -> float:
    """Division that treats an empty denominator as a score of zero."""
    return numerator / denominator if denominator else 0.0


if __name__ == "__main__":
    raise SystemExit(main())

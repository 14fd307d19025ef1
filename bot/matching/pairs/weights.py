"""The weights of the pair score, in one place so a programme can tune them.

Why these defaults: one topic taught is worth 1; teaching both ways earns a
bonus so reciprocity clearly beats the same amount one way; interests and
team mixing are tie-breakers in learning mode; hardly overlapping working
hours cost about two topics; a recent repeat outweighs anything a pair can
gain, so it only happens when nothing else places everyone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ScoreWeights:
    teach_per_topic: float = 1.0
    teach_cap: int = 3
    mutual_bonus: float = 2.0
    interest_per_topic: float = 0.25
    interest_cap: int = 4
    cross_team_learning: float = 0.3
    cross_team_mode: float = 3.0
    overlap_good_hours: float = 4.0
    overlap_weight: float = 1.0
    overlap_min_hours: float = 2.0
    no_overlap_penalty: float = 2.0
    repeat_penalty: float = 100.0
    random_scale: float = 1.0

"""The pairing solver on hand-made people: scores, constraints, reasons, determinism."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, datetime

import numpy as np
import pytest

from bot.matching.pairing import (
    Lesson,
    Mode,
    PairingOptions,
    Participant,
    pair_participants,
    pair_score,
)
from bot.matching.pairs.solver import build_scorer

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # Wednesday 10:00 UTC


def person(
    pid: str,
    *,
    knows: Iterable[str] = (),
    wants: Iterable[str] = (),
    interests: Iterable[str] = (),
    team: str | None = "core",
    tz: str = "Europe/London",
) -> Participant:
    return Participant(pid, team, tz, frozenset(knows), frozenset(wants), frozenset(interests))


def pairs_of(participants: list[Participant], **kwargs: object) -> set[frozenset[str]]:
    result = pair_participants(participants, now=NOW, **kwargs)  # type: ignore[arg-type]
    return {frozenset(g.members) for g in result.groups}


def score(a: Participant, b: Participant, **kwargs: object) -> float:
    return pair_score(a, b, now=NOW, **kwargs)  # type: ignore[arg-type]


def test_reciprocal_teaching_beats_the_same_amount_one_way() -> None:
    both_ways = score(
        person("a", knows=["go"], wants=["rust"]), person("b", knows=["rust"], wants=["go"])
    )
    one_way_two = score(person("c", knows=["go", "rust"]), person("d", wants=["go", "rust"]))
    one_way_many = score(
        person("e", knows=["go", "rust", "sql", "k8s"]),
        person("f", wants=["go", "rust", "sql", "k8s"]),
    )
    nothing = score(person("g"), person("h"))
    assert both_ways > one_way_many >= one_way_two > nothing
    assert both_ways - one_way_two >= 1.5  # clearly, not by a rounding error


def test_solver_prefers_the_reciprocal_partner_over_more_topics_one_way() -> None:
    ana = person("ana", knows=["go", "terraform"], wants=["rust"])
    bo = person("bo", knows=["rust"], wants=["go"])
    cy = person("cy", wants=["go", "terraform"])
    di = person("di")
    assert pairs_of([ana, bo, cy, di]) == {frozenset({"ana", "bo"}), frozenset({"cy", "di"})}


def test_overlapping_working_hours_are_preferred() -> None:
    london, berlin = person("l1"), person("b1", tz="Europe/Berlin")
    sydney = person("s1", tz="Australia/Sydney")
    assert score(london, berlin) > score(london, sydney)
    # Equal teaching value every way; only the timezones tell the pairs apart.
    people = [
        person("l1", knows=["a"], wants=["b"]),
        person("l2", knows=["b"], wants=["a"]),
        person("s1", knows=["b"], wants=["a"], tz="Australia/Sydney"),
        person("s2", knows=["a"], wants=["b"], tz="Australia/Sydney"),
    ]
    assert pairs_of(people) == {frozenset({"l1", "l2"}), frozenset({"s1", "s2"})}


def test_recent_partners_are_kept_apart() -> None:
    ana = person("ana", knows=["go"], wants=["rust"])
    bo = person("bo", knows=["rust"], wants=["go"])
    people = [ana, bo, person("cy"), person("di")]
    last_round = [frozenset({"ana", "bo"}), frozenset({"cy", "di"})]
    assert frozenset({"ana", "bo"}) in pairs_of(people)
    assert frozenset({"ana", "bo"}) not in pairs_of(people, history=[last_round])
    assert score(ana, bo, history=[last_round]) < score(ana, bo) - 50


def test_learning_mode_forgets_after_the_window_but_random_mode_does_not() -> None:
    people = [person(p) for p in ("a", "b", "c", "d")]
    old = [frozenset({"a", "b"}), frozenset({"c", "d"})]
    recent = [frozenset({"a", "c"}), frozenset({"b", "d"})]
    history = [old, recent]
    window = PairingOptions(repeat_window_rounds=1)
    assert score(people[0], people[1], history=history, options=window) == score(
        people[0], people[1]
    )
    random_mode = PairingOptions(mode=Mode.RANDOM, repeat_window_rounds=1, seed=3)
    assert pairs_of(people, history=history, options=random_mode) == {
        frozenset({"a", "d"}),
        frozenset({"b", "c"}),
    }


def test_a_repeat_happens_only_when_nothing_else_places_everyone() -> None:
    people = [person("a"), person("b")]
    result = pair_participants(people, now=NOW, history=[[frozenset({"a", "b"})]])
    assert [g.members for g in result.groups] == [("a", "b")]


def test_two_trios_rather_than_a_repeat() -> None:
    """Only two triangles have not met: any three pairs would repeat, two trios do not."""
    people = [person(p) for p in ("a", "b", "c", "d", "e", "f")]
    last_round = [frozenset({x, y}) for x in "abc" for y in "def"]
    result = pair_participants(people, now=NOW, history=[last_round])
    assert sorted(g.members for g in result.groups) == [("a", "b", "c"), ("d", "e", "f")]


def test_cross_team_mode_mixes_teams() -> None:
    red = [person(f"r{i}", team="red", interests=["chess", "go"]) for i in range(4)]
    blue = [person(f"b{i}", team="blue", interests=["golf", "jazz"]) for i in range(4)]
    result = pair_participants(red + blue, now=NOW, options=PairingOptions(mode=Mode.CROSS_TEAM))
    assert len(result.groups) == 4
    assert all(g.cross_team for g in result.groups)
    same_team_in_learning = pair_participants(red + blue, now=NOW)
    assert not any(g.cross_team for g in same_team_in_learning.groups)  # interests win there


def test_do_not_pair_is_respected() -> None:
    ana = person("ana", knows=["go"], wants=["rust"])
    bo = person("bo", knows=["rust"], wants=["go"])
    people = [ana, bo, person("cy"), person("di")]
    pairs = pairs_of(people, do_not_pair=[("ana", "bo")])
    assert frozenset({"ana", "bo"}) not in pairs
    assert len(pairs) == 2
    assert score(ana, bo, do_not_pair=[("bo", "ana")]) == -np.inf


def test_do_not_pair_is_never_broken_even_if_someone_stays_unplaced() -> None:
    result = pair_participants([person("a"), person("b")], now=NOW, do_not_pair=[("a", "b")])
    assert result.groups == ()
    assert result.unplaced == ("a", "b")


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_people_make_no_group(count: int) -> None:
    people = [person("solo")][:count]
    result = pair_participants(people, now=NOW)
    assert result.groups == ()
    assert result.unplaced == tuple(p.person_id for p in people)


def test_the_reason_says_who_teaches_whom() -> None:
    ana = person("U1", knows=["terraform"], wants=["go"], interests=["chess"], team="infra")
    bo = person("U2", knows=["go"], wants=["terraform"], interests=["chess"], team="apps")
    result = pair_participants([ana, bo], now=NOW, names={"U1": "Ana", "U2": "Bo"})
    (group,) = result.groups
    assert group.reason == (
        "Ana knows terraform and wants to learn go; Bo knows go and wants to learn terraform"
    )
    assert group.teaching == (Lesson("U1", "U2", "terraform"), Lesson("U2", "U1", "go"))
    assert group.shared == ("chess",)
    assert group.cross_team
    assert group.suggested_topics == ("terraform", "go", "chess")
    assert group.score == pytest.approx(score(ana, bo))


def test_a_reason_without_teaching_falls_back_to_interests_or_teams() -> None:
    shared = pair_participants(
        [person("a", interests=["jazz"]), person("b", interests=["jazz"])], now=NOW
    )
    assert shared.groups[0].reason == "a and b share an interest in jazz"
    teams = pair_participants([person("a", team="x"), person("b", team="y")], now=NOW)
    assert teams.groups[0].reason == "a and b work in different teams"


def some_people(count: int, seed: int) -> list[Participant]:
    rng = random.Random(seed)
    topics = [f"t{i}" for i in range(8)]
    zones = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
    return [
        person(
            f"p{i:02d}",
            knows=rng.sample(topics, rng.randint(0, 3)),
            wants=rng.sample(topics, rng.randint(0, 3)),
            interests=rng.sample(topics, rng.randint(0, 2)),
            team=rng.choice(["a", "b", "c", None]),
            tz=rng.choice(zones),
        )
        for i in range(count)
    ]


def test_same_inputs_and_seed_give_the_same_result_whatever_the_order() -> None:
    people = some_people(30, seed=1)
    shuffled = people[::-1]
    for mode in Mode:
        options = PairingOptions(mode=mode, seed=5, group_size=3)
        first = pair_participants(people, now=NOW, options=options)
        again = pair_participants(shuffled, now=NOW, options=options)
        assert first == again


def test_random_mode_depends_on_the_seed() -> None:
    people = some_people(30, seed=2)
    results = {
        frozenset(
            g.members
            for g in pair_participants(
                people, now=NOW, options=PairingOptions(mode=Mode.RANDOM, seed=seed)
            ).groups
        )
        for seed in range(4)
    }
    assert len(results) > 1


def test_block_scores_and_pair_scores_agree() -> None:
    """Two code paths compute the score (dense blocks, single pairs): they must agree."""
    people = some_people(25, seed=3)
    history = [[frozenset({"p00", "p01"}), frozenset({"p02", "p03", "p04"})]]
    for mode in Mode:
        scorer = build_scorer(people, NOW, history, [("p05", "p06")], PairingOptions(mode=mode))
        block = scorer.block(np.arange(25))
        left, right = np.triu_indices(25, k=1)
        assert np.allclose(block[left, right], scorer.pairs(left, right), equal_nan=False)
        assert np.array_equal(block, block.T)

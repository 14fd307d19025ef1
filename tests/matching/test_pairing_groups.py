"""Everyone placed exactly once: odd numbers, groups of 3..6, large programmes, random inputs."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching.pairing import Mode, PairingOptions, PairingResult, Participant, pair_participants

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
TOPICS = [f"t{i}" for i in range(10)]
ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]


def person(
    pid: str,
    *,
    knows: Iterable[str] = (),
    wants: Iterable[str] = (),
    team: str | None = "core",
    tz: str = "Europe/London",
) -> Participant:
    return Participant(pid, team, tz, frozenset(knows), frozenset(wants))


def crowd(count: int, seed: int) -> list[Participant]:
    rng = random.Random(seed)
    return [
        person(
            f"p{i:03d}",
            knows=rng.sample(TOPICS, rng.randint(0, 3)),
            wants=rng.sample(TOPICS, rng.randint(0, 3)),
            team=rng.choice(["a", "b", "c", "d"]),
            tz=rng.choice(ZONES),
        )
        for i in range(count)
    ]


def placements(result: PairingResult) -> Counter[str]:
    return Counter(m for g in result.groups for m in g.members)


def test_an_odd_person_joins_the_pair_they_add_most_to() -> None:
    people = [
        person("ana", knows=["go", "terraform"], wants=["rust"]),
        person("bo", knows=["rust"], wants=["go"]),
        person("cy", knows=["sql"], wants=["css"]),
        person("di", knows=["css"], wants=["sql"]),
        person("ed", wants=["terraform"]),
    ]
    result = pair_participants(people, now=NOW)
    assert sorted(g.members for g in result.groups) == [("ana", "bo", "ed"), ("cy", "di")]
    assert result.unplaced == ()


@pytest.mark.parametrize("count", [3, 5, 7, 21])
def test_odd_numbers_make_exactly_one_trio(count: int) -> None:
    result = pair_participants(crowd(count, seed=count), now=NOW)
    sizes = Counter(len(g.members) for g in result.groups)
    assert sizes == Counter({2: count // 2 - 1, 3: 1})
    assert set(placements(result).values()) == {1}
    assert len(placements(result)) == count


@pytest.mark.parametrize("size", [3, 4, 5, 6])
@pytest.mark.parametrize("count", [2, 7, 13, 24, 31])
def test_groups_have_the_requested_size_and_leftovers_are_absorbed(size: int, count: int) -> None:
    result = pair_participants(
        crowd(count, seed=size * count), now=NOW, options=PairingOptions(group_size=size)
    )
    assert placements(result) == Counter({p.person_id: 1 for p in crowd(count, seed=0)})
    expected_groups = max(1, count // size)
    assert len(result.groups) == expected_groups
    largest = max(size, math.ceil(count / expected_groups))
    assert all(min(size, count) <= len(g.members) <= largest for g in result.groups)


def test_groups_of_four_keep_the_learning_clusters_together() -> None:
    first = [
        person(p, knows=[k], wants=[w])
        for p, k, w in [("a1", "x", "y"), ("a2", "y", "x"), ("a3", "x", "y"), ("a4", "y", "x")]
    ]
    second = [
        person(p, knows=[k], wants=[w])
        for p, k, w in [("b1", "p", "q"), ("b2", "q", "p"), ("b3", "p", "q"), ("b4", "q", "p")]
    ]
    result = pair_participants(first + second, now=NOW, options=PairingOptions(group_size=4))
    assert sorted(g.members for g in result.groups) == [
        ("a1", "a2", "a3", "a4"),
        ("b1", "b2", "b3", "b4"),
    ]


def test_do_not_pair_holds_inside_larger_groups() -> None:
    people = crowd(12, seed=9)
    banned = [("p000", "p001"), ("p002", "p003"), ("p000", "p004")]
    result = pair_participants(
        people, now=NOW, do_not_pair=banned, options=PairingOptions(group_size=4)
    )
    assert len(placements(result)) == 12
    for g in result.groups:
        assert not any(set(pair) <= set(g.members) for pair in banned)


def test_large_programmes_use_the_relaxation_and_lose_almost_nothing() -> None:
    people = crowd(240, seed=4)
    relaxed = pair_participants(people, now=NOW, options=PairingOptions(exact_limit=40))
    exact = pair_participants(people, now=NOW, options=PairingOptions(exact_limit=1000))
    assert len(placements(relaxed)) == 240
    total = sum(g.score for g in relaxed.groups)
    best = sum(g.score for g in exact.groups)
    assert total >= 0.97 * best


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=40),
    size=st.integers(min_value=2, max_value=6),
    mode=st.sampled_from(list(Mode)),
    seed=st.integers(min_value=0, max_value=10**6),
    rounds=st.integers(min_value=0, max_value=3),
)
def test_every_participant_is_placed_exactly_once(
    count: int, size: int, mode: Mode, seed: int, rounds: int
) -> None:
    people = crowd(count, seed)
    rng = random.Random(seed)
    ids = [p.person_id for p in people]
    history = []
    for _ in range(rounds):
        rng.shuffle(ids)
        history.append([frozenset(ids[i : i + 2]) for i in range(0, len(ids), 2)])
    options = PairingOptions(group_size=size, mode=mode, seed=seed, top_k=rng.randint(1, 8))
    result = pair_participants(people, now=NOW, history=history, options=options)
    if count < 2:
        assert result.groups == () and len(result.unplaced) == count
        return
    assert result.unplaced == ()
    assert placements(result) == Counter({p.person_id: 1 for p in people})


@settings(max_examples=30, deadline=None)
@given(
    count=st.integers(min_value=2, max_value=24),
    size=st.integers(min_value=2, max_value=6),
    seed=st.integers(min_value=0, max_value=10**6),
    bans=st.integers(min_value=1, max_value=10),
)
def test_do_not_pair_is_never_broken_and_nobody_is_lost(
    count: int, size: int, seed: int, bans: int
) -> None:
    people = crowd(count, seed)
    rng = random.Random(seed)
    banned = [tuple(rng.sample([p.person_id for p in people], 2)) for _ in range(bans)]
    result = pair_participants(
        people, now=NOW, do_not_pair=banned, options=PairingOptions(group_size=size)
    )
    seen = placements(result) + Counter(result.unplaced)
    assert seen == Counter({p.person_id: 1 for p in people})
    for g in result.groups:
        assert not any(set(pair) <= set(g.members) for pair in banned)

"""`learnlink bench pairing`: one round for a synthetic organisation, measured.

Why synthetic: pairing quality depends on how skills are spread, so the
organisation is built to look like a real one (seeded): a few hundred topics
with long-tailed (Zipf-like) popularity, teams that share specialities and
mostly sit in one timezone, and six past rounds of history made by the solver
itself (the hardest case for repeat avoidance: it wants the same pairs again).
"""

from __future__ import annotations

import json
import resource
import time as clock
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time
from itertools import combinations

import click
import numpy as np

from bot.matching.pairing import (
    Group,
    PairingOptions,
    PairingResult,
    Participant,
    pair_participants,
)
from bot.matching.pairs.candidates import Edges
from bot.matching.pairs.matching import exact_matching
from bot.matching.pairs.solver import build_scorer, solve

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # a Wednesday; fixed so runs compare
TOPIC_COUNT = 300
TEAM_COUNT = 20
HISTORY_ROUNDS = 6
FULL_EXACT_SAMPLE = 1000
DEFAULT_EXACT_SAMPLE = 500
EXACT_NOTE = (
    "exact = networkx blossom on the complete graph, pure Python and O(n^3): "
    "1,000 people took ~4 min here (~12 min on a busy machine), so the default "
    "sample is 500, ~30 s (--exact-people 1000 runs the full-size check)"
)
TIMEZONES = (
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
)
HOURS = ((time(9, 0), time(17, 30)), (time(8, 0), time(16, 30)), (time(10, 0), time(18, 30)))
NAMED_TOPICS = [
    "python",
    "kubernetes",
    "terraform",
    "go",
    "rust",
    "sql",
    "postgres",
    "react",
    "typescript",
    "aws",
    "gcp",
    "azure",
    "docker",
    "java",
    "kotlin",
    "swift",
    "graphql",
    "kafka",
    "spark",
    "airflow",
    "dbt",
    "pandas",
    "pytorch",
    "statistics",
    "machine-learning",
    "security",
    "networking",
    "linux",
    "bash",
    "git",
    "ci-cd",
    "observability",
    "prometheus",
    "grafana",
    "incident-response",
    "product-management",
    "ux-research",
    "design-systems",
    "accessibility",
    "negotiation",
    "public-speaking",
    "writing",
    "hiring",
    "mentoring",
    "leadership",
    "finance",
    "forecasting",
    "okrs",
    "roadmapping",
    "customer-support",
    "sales-engineering",
    "pricing",
    "legal",
    "gdpr",
    "compliance",
    "data-modelling",
    "elasticsearch",
    "redis",
    "rabbitmq",
    "grpc",
    "rest-apis",
    "microservices",
    "ddd",
    "testing",
    "tdd",
    "performance",
    "profiling",
    "c",
    "cpp",
    "scala",
    "haskell",
    "elixir",
    "ruby",
    "rails",
    "django",
    "flask",
    "fastapi",
    "nodejs",
    "vue",
    "angular",
    "css",
    "figma",
    "illustrator",
    "video-editing",
    "excel",
    "tableau",
    "looker",
    "bigquery",
    "snowflake",
    "mlops",
    "llms",
    "prompt-engineering",
    "nlp",
    "computer-vision",
    "recommender-systems",
    "a-b-testing",
    "causal-inference",
    "experimentation",
    "sre",
    "chaos-engineering",
    "finops",
    "localization",
    "seo",
    "content-strategy",
    "copywriting",
    "storytelling",
    "coaching",
    "facilitation",
]


@dataclass(frozen=True)
class Report:
    """The figures the benchmark prints; the first nine keys are the contract, the rest detail."""

    people: int
    seconds: float
    peak_rss_mb: float
    placed: float
    repeats: int
    teaching_any: float
    teaching_both: float
    cross_team: float
    weight_vs_exact: float
    cpu_seconds: float
    groups: int
    trios: int
    exact_people: int
    exact_seconds: float
    sparse_seconds: float
    history: str


def topic_names(count: int = TOPIC_COUNT) -> list[str]:
    """Real-looking names first, then numbered ones for the long tail."""
    names = list(NAMED_TOPICS[:count])
    names += [f"topic-{i:03d}" for i in range(len(names), count)]
    return names


def zipf_weights(count: int, exponent: float = 1.0) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


def draw(rng: np.random.Generator, p: np.ndarray, count: int) -> np.ndarray:
    """`count` distinct indices drawn with probabilities `p`."""
    count = min(count, int((p > 0).sum()))
    return rng.choice(len(p), size=count, replace=False, p=p)


def synthetic_organisation(people: int, seed: int) -> list[Participant]:
    """A seeded organisation: Zipf-popular skills, team specialities, home timezones."""
    rng = np.random.default_rng(seed)
    topics = topic_names()
    known_p = zipf_weights(TOPIC_COUNT)
    wanted_p = 0.5 * known_p + 0.5 * known_p[rng.permutation(TOPIC_COUNT)]
    team_p = zipf_weights(TEAM_COUNT, 0.7)
    team_focus = [rng.choice(TOPIC_COUNT // 2, size=25, replace=False) for _ in range(TEAM_COUNT)]
    team_home = rng.choice(len(TIMEZONES), size=TEAM_COUNT)
    made = []
    for index in range(people):
        team = int(rng.choice(TEAM_COUNT, p=team_p))
        focus = np.zeros(TOPIC_COUNT)
        focus[team_focus[team]] = 1.0
        knows_p = 0.6 * focus / focus.sum() + 0.4 * known_p
        knows = set(draw(rng, knows_p, 1 + rng.poisson(3.0)).tolist())
        wants_p = wanted_p.copy()
        wants_p[list(knows)] = 0.0
        wants = draw(rng, wants_p / wants_p.sum(), 1 + rng.poisson(2.0))
        interests = draw(rng, known_p, rng.poisson(2.5))
        home = rng.random() < 0.75
        zone = int(team_home[team]) if home else int(rng.integers(len(TIMEZONES)))
        start, end = HOURS[int(rng.choice(3, p=[0.7, 0.15, 0.15]))]
        made.append(
            Participant(
                person_id=f"U{index:06d}",
                team=f"team-{team:02d}",
                timezone=TIMEZONES[zone],
                knows=frozenset(topics[t] for t in knows),
                wants=frozenset(topics[t] for t in wants),
                interests=frozenset(topics[t] for t in interests),
                work_start=start,
                work_end=end,
            )
        )
    return made


def do_not_pair_list(participants: Sequence[Participant], seed: int) -> list[tuple[str, str]]:
    """About one do-not-pair entry per 500 people."""
    rng = np.random.default_rng(seed + 1)
    ids = [p.person_id for p in participants]
    count = max(1, len(ids) // 500)
    picks = rng.choice(len(ids), size=(count, 2))
    return [(ids[a], ids[b]) for a, b in picks.tolist() if a != b]


def past_rounds(
    participants: Sequence[Participant],
    do_not_pair: Sequence[tuple[str, str]],
    *,
    seed: int,
    how: str,
) -> list[list[frozenset[str]]]:
    """Six rounds, oldest first: each made by the solver given the rounds before, or random."""
    history: list[list[frozenset[str]]] = []
    rng = np.random.default_rng(seed + 2)
    for number in range(HISTORY_ROUNDS):
        if how == "random":
            order = rng.permutation([p.person_id for p in participants]).tolist()
            history.append([frozenset(order[i : i + 2]) for i in range(0, len(order) - 1, 2)])
            continue
        options = PairingOptions(seed=seed + 100 + number)
        result = pair_participants(
            participants, now=NOW, history=history, do_not_pair=do_not_pair, options=options
        )
        history.append([frozenset(g.members) for g in result.groups])
    return history


def met_recently(history: Sequence[Sequence[frozenset[str]]]) -> set[frozenset[str]]:
    return {
        frozenset(pair)
        for groups in history[-HISTORY_ROUNDS:]
        for group in groups
        for pair in combinations(sorted(group), 2)
    }


def count_repeats(groups: Sequence[Group], history: Sequence[Sequence[frozenset[str]]]) -> int:
    """Pairs of this round's group members who already met in the last six rounds."""
    seen = met_recently(history)
    return sum(frozenset(pair) in seen for g in groups for pair in combinations(g.members, 2))


def teaches_both_ways(group: Group) -> bool:
    directions = {(lesson.teacher, lesson.learner) for lesson in group.teaching}
    return any((learner, teacher) in directions for teacher, learner in directions)


def share(flags: Sequence[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def matching_weight(scorer_groups: list[list[int]], scores: np.ndarray) -> float:
    """Total pair weight; a trio counts as its best pair plus an unmatched person."""
    total = 0.0
    for group in scorer_groups:
        total += max(float(scores[a, b]) for a, b in combinations(group, 2))
    return total


@dataclass(frozen=True)
class Comparison:
    """The sparse solver against networkx's exact matching on one subsample."""

    ratio: float
    people: int
    exact_seconds: float
    sparse_seconds: float


@dataclass(frozen=True)
class TimedRound:
    result: PairingResult
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float


def weight_vs_exact(
    participants: Sequence[Participant],
    history: Sequence[Sequence[frozenset[str]]],
    do_not_pair: Sequence[tuple[str, str]],
    *,
    sample: int,
    seed: int,
) -> Comparison:
    """Sparse solver vs networkx exact on the complete graph of a random subsample.

    Both see the same scores (history and do-not-pair included); the ratio is
    of total pair weight, best possible 1.0.
    """
    rng = np.random.default_rng(seed + 3)
    size = min(sample, len(participants)) // 2 * 2
    picked = sorted(rng.choice(len(participants), size=size, replace=False).tolist())
    options = PairingOptions(seed=seed)
    scorer = build_scorer([participants[i] for i in picked], NOW, history, do_not_pair, options)
    scores = scorer.block(np.arange(scorer.size)).astype(np.float64)
    started = clock.perf_counter()
    groups, _ = solve(scorer, options)
    sparse_seconds = clock.perf_counter() - started
    left, right = np.triu_indices(scorer.size, k=1)
    allowed = np.isfinite(scores[left, right])
    started = clock.perf_counter()
    exact = exact_matching(Edges(left[allowed], right[allowed], scores[left, right][allowed]))
    exact_seconds = clock.perf_counter() - started
    exact_weight = sum(float(scores[a, b]) for a, b in exact)
    ratio = matching_weight(groups, scores) / exact_weight if exact_weight else 0.0
    return Comparison(round(ratio, 4), size, round(exact_seconds, 1), round(sparse_seconds, 2))


def timed_round(
    participants: Sequence[Participant],
    history: Sequence[Sequence[frozenset[str]]],
    do_not_pair: Sequence[tuple[str, str]],
    seed: int,
) -> TimedRound:
    """One round as `learnlink pair run` would solve it, with wall and CPU time."""
    started, cpu_started = clock.perf_counter(), clock.process_time()
    result = pair_participants(
        participants,
        now=NOW,
        history=history,
        do_not_pair=do_not_pair,
        options=PairingOptions(seed=seed),
    )
    return TimedRound(
        result,
        seconds=clock.perf_counter() - started,
        cpu_seconds=clock.process_time() - cpu_started,
        peak_rss_mb=peak_rss_mb(),  # before the exact comparison, which is no part of a round
    )


def run(people: int, seed: int, exact_people: int, history_mode: str) -> Report:
    """Build the organisation and history, time one round, then compare with exact."""
    participants = synthetic_organisation(people, seed)
    do_not_pair = do_not_pair_list(participants, seed)
    history = past_rounds(participants, do_not_pair, seed=seed, how=history_mode)
    timed = timed_round(participants, history, do_not_pair, seed)
    comparison = weight_vs_exact(participants, history, do_not_pair, sample=exact_people, seed=seed)
    return summarise(timed, history, comparison, history_mode)


def summarise(
    timed: TimedRound,
    history: Sequence[Sequence[frozenset[str]]],
    comparison: Comparison,
    history_mode: str,
) -> Report:
    groups = timed.result.groups
    people = len(timed.result.placed) + len(timed.result.unplaced)
    return Report(
        people=people,
        seconds=round(timed.seconds, 2),
        cpu_seconds=round(timed.cpu_seconds, 2),
        peak_rss_mb=timed.peak_rss_mb,
        placed=round(len(timed.result.placed) / people, 4),
        repeats=count_repeats(groups, history),
        teaching_any=share([bool(g.teaching) for g in groups]),
        teaching_both=share([teaches_both_ways(g) for g in groups]),
        cross_team=share([g.cross_team for g in groups]),
        weight_vs_exact=comparison.ratio,
        groups=len(groups),
        trios=sum(len(g.members) == 3 for g in groups),
        exact_people=comparison.people,
        exact_seconds=comparison.exact_seconds,
        sparse_seconds=comparison.sparse_seconds,
        history=history_mode,
    )


def table(report: Report) -> str:
    """The report as aligned `name  value` lines, with what each figure means."""
    rows = [
        ("people", f"{report.people}"),
        ("seconds (one round)", f"{report.seconds:.2f}  (CPU {report.cpu_seconds:.2f})"),
        ("peak RSS (MB)", f"{report.peak_rss_mb:.1f}"),
        ("placed", f"{report.placed:.2%}"),
        ("repeats vs last 6 rounds", f"{report.repeats}"),
        ("groups (of which trios)", f"{report.groups} ({report.trios})"),
        ("teaching, any direction", f"{report.teaching_any:.2%}"),
        ("teaching, both directions", f"{report.teaching_both:.2%}"),
        ("cross-team", f"{report.cross_team:.2%}"),
        (
            f"weight vs exact ({report.exact_people} people)",
            f"{report.weight_vs_exact:.4f}  (exact {report.exact_seconds:.1f} s, "
            f"sparse {report.sparse_seconds:.2f} s)",
        ),
        ("history", f"{HISTORY_ROUNDS} past rounds, {report.history}"),
    ]
    if report.exact_people < min(FULL_EXACT_SAMPLE, report.people // 2 * 2):
        rows.append(("note", EXACT_NOTE))
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


@click.command("pairing")
@click.option("--people", type=click.IntRange(min=2), default=10000, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option(
    "--exact-people",
    type=click.IntRange(min=2),
    default=DEFAULT_EXACT_SAMPLE,
    show_default=True,
    help="Subsample solved exactly (networkx, complete graph) for weight_vs_exact; "
    "1000 takes minutes.",
)
@click.option(
    "--history",
    "history_mode",
    type=click.Choice(["solver", "random"]),
    default="solver",
    show_default=True,
    help="How the six past rounds are made.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def pairing_command(
    people: int, seed: int, exact_people: int, history_mode: str, as_json: bool
) -> None:
    """Time, memory and quality of one pairing round for a synthetic organisation."""
    report = run(people, seed, exact_people, history_mode)
    click.echo(json.dumps(asdict(report)) if as_json else table(report))

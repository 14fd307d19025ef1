"""Report arithmetic that the seed is too small to exercise: overload, empty programmes."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.admin.queries.load import LoadReport, PersonLoad
from bot.admin.queries.pairing import ProgramReport, RoundRow


def person(name: str, asks: int, declined: int = 0) -> PersonLoad:
    return PersonLoad(0, name, "", asks, 0, 0, declined, 0)


def test_someone_asked_far_more_than_the_median_is_overloaded() -> None:
    report = LoadReport(
        [person("Bo", 12), *(person(f"p{i}", 2) for i in range(9)), person("Zo", 0)]
    )
    assert [p.name for p in report.overloaded] == ["Bo"]
    assert report.top_decile_size == 1  # 10 people were asked
    assert report.top_share(1) == 12 / 30
    assert report.top_share(3) == 16 / 30
    assert report.median_asks == 2


def test_an_even_spread_flags_nobody() -> None:
    report = LoadReport([person(f"p{i}", 6) for i in range(5)])
    assert report.overloaded == []
    assert report.top_share(3) == 0.6


def test_no_asks_means_no_shares_rather_than_zero_division() -> None:
    report = LoadReport([person("Ana", 0)])
    assert report.top_share(3) is None and report.median_asks is None
    assert person("Ana", 0).decline_rate is None
    assert person("Bo", 4, declined=1).decline_rate == 0.25


def test_programme_rates_weigh_rounds_by_their_groups() -> None:
    when = datetime(2026, 3, 3, tzinfo=UTC)
    program = ProgramReport("P", "learning", "active")
    assert program.met_rate is None and program.mean_teaching_value is None
    program.rounds = [
        RoundRow("P", "W1", when, groups=4, people=8, met=1, answered=2,
                 mean_teaching_value=1.0, cross_team=4),
        RoundRow("P", "W2", when, groups=1, people=2, met=1, answered=1,
                 mean_teaching_value=3.0, cross_team=0),
    ]  # fmt: skip
    assert program.met_rate == 2 / 5
    assert program.cross_team_share == 4 / 5
    assert program.rounds[0].met_rate == 0.25

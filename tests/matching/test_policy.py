"""Each routing-policy rule on its own, with plain inputs and a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.matching.policy import Candidate, Limits, Load, QuietHours, WorkingHours, next_wave, plan

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
WED_10_UTC = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def hours(timezone: str = "Europe/London") -> WorkingHours:
    return WorkingHours.parse(timezone, "09:00", "17:30", WEEKDAYS)


def test_working_hours_in_the_persons_own_timezone() -> None:
    tokyo = hours("Asia/Tokyo")  # 10:00 UTC is 19:00 in Tokyo: after hours
    assert not tokyo.contains(WED_10_UTC)
    assert tokyo.next_start(WED_10_UTC) == datetime(2026, 3, 5, 0, 0, tzinfo=UTC)
    assert hours().contains(WED_10_UTC)
    assert hours().next_start(WED_10_UTC) == WED_10_UTC


def test_weekends_wait_for_monday() -> None:
    saturday = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    assert hours().next_start(saturday) == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


def test_queue_until_working_hours_unless_urgent() -> None:
    candidates = [Candidate("tokyo", 1.0, hours("Asia/Tokyo"))]
    later = plan(candidates, WED_10_UTC, Limits())
    assert later[0].due_at == datetime(2026, 3, 5, 0, 0, tzinfo=UTC)
    assert next_wave(later, WED_10_UTC, 2) == []
    urgent = plan(candidates, WED_10_UTC, Limits(), urgent=True)
    assert urgent[0].due_at == WED_10_UTC


def test_daily_cap_defers_to_the_next_day() -> None:
    capped = Candidate("busy", 1.0, hours(), Load(asks_today=3))
    due = plan([capped], WED_10_UTC, Limits(max_asks_per_day=3))[0].due_at
    assert due == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)  # tomorrow, 09:00 London
    under = Candidate("ok", 1.0, hours(), Load(asks_today=2))
    assert plan([under], WED_10_UTC, Limits(max_asks_per_day=3))[0].due_at == WED_10_UTC


def test_minimum_gap_between_asks() -> None:
    recent = Load(asks_today=1, asks_recent=1, last_asked_at=WED_10_UTC - timedelta(minutes=30))
    due = plan([Candidate("a", 1.0, hours(), recent)], WED_10_UTC, Limits())[0].due_at
    assert due == WED_10_UTC + timedelta(minutes=90)


def test_without_a_gap_an_ask_made_elsewhere_a_moment_later_does_not_defer() -> None:
    # Another process asked this expert 40 ms after our `now` was read.
    just_after = Load(asks_today=1, asks_recent=1, last_asked_at=WED_10_UTC + timedelta(0, 0.04))
    candidate = Candidate("a", 1.0, hours(), just_after)
    assert plan([candidate], WED_10_UTC, Limits(min_gap=timedelta(0)))[0].due_at == WED_10_UTC
    gap = plan([candidate], WED_10_UTC, Limits(min_gap=timedelta(hours=2)))[0].due_at
    assert gap == WED_10_UTC + timedelta(hours=2, seconds=0.04)


def test_load_spread_lets_a_close_second_go_first() -> None:
    star = Candidate("star", 1.0, hours(), Load(asks_recent=4))
    second = Candidate("second", 0.8, hours())
    assert [p.person_id for p in plan([star, second], WED_10_UTC, Limits())] == ["second", "star"]
    no_spread = Limits(load_spread=0.0)
    assert [p.person_id for p in plan([star, second], WED_10_UTC, no_spread)] == ["star", "second"]


def test_weak_candidates_and_the_candidate_limit() -> None:
    many = [Candidate(f"p{i}", 1.0 - i * 0.01, hours()) for i in range(20)]
    weak = Candidate("weak", 0.05, hours())
    planned = plan([*many, weak], WED_10_UTC, Limits(max_candidates=8, min_relative_score=0.15))
    assert len(planned) == 8 and "weak" not in {p.person_id for p in planned}
    assert plan([], WED_10_UTC, Limits()) == []


def test_next_wave_takes_the_best_available_up_to_the_free_slots() -> None:
    candidates = [
        Candidate("asleep", 1.0, hours("Asia/Tokyo")),
        Candidate("b", 0.9, hours()),
        Candidate("c", 0.8, hours()),
        Candidate("d", 0.7, hours()),
    ]
    planned = plan(candidates, WED_10_UTC, Limits())
    assert [p.person_id for p in next_wave(planned, WED_10_UTC, 2)] == ["b", "c"]
    assert next_wave(planned, WED_10_UTC, 0) == []


def test_people_at_work_come_before_a_better_expert_who_is_asleep() -> None:
    candidates = [
        Candidate("new-york", 1.0, hours("America/New_York")),
        Candidate("london-1", 0.6, hours()),
        Candidate("london-2", 0.5, hours()),
    ]
    planned = plan(candidates, WED_10_UTC, Limits(max_candidates=2))
    assert [p.person_id for p in planned] == ["london-1", "london-2"]
    everyone = plan(candidates, WED_10_UTC, Limits(max_candidates=3))
    assert [p.person_id for p in everyone] == ["london-1", "london-2", "new-york"]


def test_urgent_asks_skip_working_hours_but_not_quiet_hours() -> None:
    quiet = QuietHours.parse("20:00", "08:00")
    limits = Limits(quiet=quiet)
    tokyo = [Candidate("tokyo", 1.0, hours("Asia/Tokyo"))]
    # 10:00 UTC is 19:00 in Tokyo: after work, before quiet hours -> asked now
    assert plan(tokyo, WED_10_UTC, limits, urgent=True)[0].due_at == WED_10_UTC
    # 13:00 UTC is 22:00 in Tokyo: quiet -> waits until 08:00 Tokyo (23:00 UTC)
    late = WED_10_UTC + timedelta(hours=3)
    due = plan(tokyo, late, limits, urgent=True)[0].due_at
    assert due == datetime(2026, 3, 4, 23, 0, tzinfo=UTC)
    assert quiet.contains(late, "Asia/Tokyo") and not quiet.contains(WED_10_UTC, "Asia/Tokyo")

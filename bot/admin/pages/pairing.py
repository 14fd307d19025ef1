"""Pairing: per programme, how many groups each round made and whether they met."""

from __future__ import annotations

import re

from bot.admin.charts import Axis, Series, column_chart, line_chart
from bot.admin.formatting import number, percent, text
from bot.admin.layout import Stat, card, empty, page_head, stats, table
from bot.admin.pages import CsvTable, Page
from bot.admin.queries.pairing import ProgramReport, load_pairing

TITLE = "Pairing"
RECENT_ROUNDS = 12
NO_PROGRAMMES = empty(
    "No pairing programme yet",
    "<p>Start a peer-learning programme in a channel (see the README, Pairing) and the "
    "first round shows up here; or run <code>learnlink demo</code>.</p>",
)


def render(programs: list[ProgramReport]) -> str:
    head = page_head(TITLE, "pairing")
    if not programs:
        return head + NO_PROGRAMMES
    groups = sum(program.groups for program in programs)
    met = sum(row.met for program in programs for row in program.rounds)
    cross = sum(row.cross_team for program in programs for row in program.rounds)
    figures = stats(
        [
            Stat(number(len(programs)), "programmes"),
            Stat(number(groups), "groups suggested"),
            Stat(percent(met / groups if groups else None), "of groups met"),
            Stat(percent(cross / groups if groups else None), "of groups crossed teams"),
        ]
    )
    ordered = sorted(programs, key=lambda program: (not program.rounds, program.name.lower()))
    return head + figures + "".join(_program(index, p) for index, p in enumerate(ordered))


def _program(index: int, program: ProgramReport) -> str:
    slug = f"p{index}-" + re.sub(r"[^a-z0-9]+", "-", program.name.lower()).strip("-")[:30]
    summary = (
        f"{number(len(program.rounds))} rounds · {number(program.groups)} groups · met "
        f"{percent(program.met_rate)} · teaching value "
        f"{number(program.mean_teaching_value, 2)} · cross-team "
        f"{percent(program.cross_team_share)} · mode {program.mode}, {program.state}"
    )
    if not program.rounds:
        body = f"<p>{text(summary)}</p><p>No round yet: the first one runs on its schedule.</p>"
        return card(program.name, body)
    rounds = program.rounds[-RECENT_ROUNDS:]
    labels = [row.period for row in rounds]
    groups = column_chart(
        f"{slug}-groups",
        f"Groups per round, {program.name}",
        labels,
        [
            Series("groups", [row.groups for row in rounds]),
            Series("met", [row.met for row in rounds]),
        ],
        width=480,
    )
    rates = line_chart(
        f"{slug}-rates",
        f"Met rate and cross-team share, {program.name}",
        labels,
        [
            Series("met rate", [row.met_rate for row in rounds]),
            Series("cross-team share", [row.cross_team_share for row in rounds]),
        ],
        fmt=percent,
        axis=Axis(1.0, 0.25),
        width=480,
    )
    rows = [
        [
            row.period,
            number(row.groups),
            number(row.people),
            number(row.met),
            percent(row.met_rate),
            number(row.mean_teaching_value, 2),
            percent(row.cross_team_share),
        ]
        for row in reversed(program.rounds)
    ]
    return card(
        program.name,
        f'<p>{text(summary)}</p><div class="grid2"><div>{groups}</div><div>{rates}</div></div>'
        + table(
            "Most recent round first",
            ["Round", "Groups", "People", "Met", "Met rate", "Teaching value", "Cross-team"],
            rows,
            [False, True, True, True, True, True, True],
        ),
        "Met rate counts groups without a check-in answer as not met.",
    )


def csv_table(programs: list[ProgramReport]) -> CsvTable:
    return CsvTable(
        [
            "programme",
            "round",
            "scheduled_for",
            "groups",
            "people",
            "met",
            "met_rate",
            "mean_teaching_value",
            "cross_team_share",
        ],
        [
            [
                row.program,
                row.period,
                row.scheduled_for.isoformat(),
                row.groups,
                row.people,
                row.met,
                _round(row.met_rate),
                _round(row.mean_teaching_value),
                _round(row.cross_team_share),
            ]
            for program in programs
            for row in program.rounds
        ],
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


PAGE = Page("pairing", TITLE, load_pairing, render, csv_table)

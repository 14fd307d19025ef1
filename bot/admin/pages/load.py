"""People load: does routing spread asks fairly, and who declines them?"""

from __future__ import annotations

from bot.admin.charts import PALETTE, bar_chart
from bot.admin.formatting import number, percent
from bot.admin.layout import Stat, card, empty, page_head, stats, table
from bot.admin.pages import CsvTable, Page
from bot.admin.queries.load import OVERLOAD_FACTOR, OVERLOAD_MIN_ASKS, LoadReport, load_people_load

TITLE = "People load"
SHOWN = 20
NO_ASKS = empty(
    "Nobody has been asked yet",
    "<p>Learnlink asks experts once questions come in: invite <code>@Learnlink</code> to a "
    "channel and make sure people have skills (<code>learnlink people import</code>), "
    "or run <code>learnlink demo</code>.</p>",
)


def render(report: LoadReport) -> str:
    head = page_head(TITLE, "people")
    if not report.people:
        return head + NO_ASKS
    experts, overloaded = report.experts, report.overloaded
    decile = report.top_decile_size
    figures = stats(
        [
            Stat(number(report.total_asks), "asks sent"),
            Stat(number(len(experts)), "people asked"),
            Stat(
                percent(report.top_share(decile)),
                f"of asks went to the top 10% ({number(decile)} {_people(decile)})",
            ),
            Stat(percent(report.top_share(3)), "of asks went to the top 3"),
            Stat(number(len(overloaded)), "people look overloaded", warn=bool(overloaded)),
        ]
    )
    flagged = {person.name for person in overloaded}
    asks = (
        bar_chart(
            "asks-per-expert",
            "Asks per expert",
            [(person.name, float(person.asks)) for person in experts[:SHOWN]],
            highlight=lambda name, _: name in flagged,
        )
        if experts
        else "<p>Nobody has been asked yet; these people answered on their own.</p>"
    )
    decliners = sorted((p for p in experts if p.declined), key=lambda p: (-p.declined, p.name))
    declines = (
        bar_chart(
            "declines",
            "Declines per person",
            [(person.name, float(person.declined)) for person in decliners[:SHOWN]],
            colour=PALETTE[1],
        )
        if decliners
        else "<p>No declines so far.</p>"
    )
    rows = [
        [
            p.name,
            p.team,
            number(p.asks),
            number(p.accepted),
            number(p.helped),
            number(p.declined),
            percent(p.decline_rate),
            number(p.answers),
        ]
        for p in report.people[:100]
    ]
    return (
        head
        + figures
        + '<div class="grid2">'
        + card(
            "Asks per expert",
            asks,
            f"Highlighted: at least {OVERLOAD_MIN_ASKS} asks and {OVERLOAD_FACTOR:g}× the "
            "median. Spread more with routing.load_spread or routing.max_asks_per_day.",
        )
        + card("Declines", declines, "'Not me' and 'no time' answers to an ask.")
        + "</div>"
        + card(
            "Everyone asked or answering",
            table(
                "Most asked first",
                [
                    "Person",
                    "Team",
                    "Asks",
                    "Accepted",
                    "Helped",
                    "Declined",
                    "Decline rate",
                    "Answers",
                ],
                rows,
                [False, False, True, True, True, True, True, True],
            ),
        )
    )


def _people(count: int) -> str:
    return "person" if count == 1 else "people"


def csv_table(report: LoadReport) -> CsvTable:
    return CsvTable(
        ["person", "team", "asks", "accepted", "helped", "declined", "decline_rate", "answers"],
        [
            [
                p.name,
                p.team,
                p.asks,
                p.accepted,
                p.helped,
                p.declined,
                None if p.decline_rate is None else round(p.decline_rate, 3),
                p.answers,
            ]
            for p in report.people
        ],
    )


PAGE = Page("people", TITLE, load_people_load, render, csv_table)

"""Overview: is Learnlink being used, and does routing get people answers?"""

from __future__ import annotations

from bot.admin.charts import Series, line_chart
from bot.admin.formatting import duration, number, percent
from bot.admin.layout import Stat, card, empty, page_head, stats, table
from bot.admin.pages import CsvTable, Page
from bot.admin.queries.overview import Overview, load_overview
from bot.admin.weeks import week_label

TITLE = "Overview"
NO_QUESTIONS = empty(
    "No questions yet",
    "<p>Invite <code>@Learnlink</code> to a channel where people ask questions, "
    "or run <code>learnlink demo</code> to see the dashboard with a sample organisation.</p>",
)


def render(report: Overview) -> str:
    head = page_head(TITLE, "overview")
    if not report.asked:
        return head + NO_QUESTIONS
    figures = stats(
        [
            Stat(number(report.asked), "questions asked"),
            Stat(number(report.routed), "routed to an expert"),
            Stat(number(report.answered), "answered"),
            Stat(number(report.resolved), "resolved"),
            Stat(duration(report.median_minutes), "median time to first helpful response"),
            Stat(percent(report.routed_share), "of answered questions answered by a routed expert"),
        ]
    )
    labels = [week_label(row.week) for row in report.weeks]
    weekly = line_chart(
        "weekly-questions",
        "Questions per week",
        labels,
        [
            Series("asked", [row.asked for row in report.weeks]),
            Series("routed", [row.routed for row in report.weeks]),
            Series("answered", [row.answered for row in report.weeks]),
            Series("resolved", [row.resolved for row in report.weeks]),
        ],
    )
    waits = line_chart(
        "weekly-response",
        "Median minutes to first helpful response",
        labels,
        [Series("median minutes", [row.median_minutes for row in report.weeks])],
        fmt=lambda value: number(value),
    )
    rows = [
        [
            row.week.isoformat(),
            number(row.asked),
            number(row.routed),
            number(row.answered),
            number(row.resolved),
            duration(row.median_minutes),
        ]
        for row in reversed(report.weeks)
    ]
    return (
        head
        + figures
        + card(
            "Questions per week",
            weekly,
            "Weeks start on Monday (UTC); each question counts in the week it was asked.",
        )
        + card(
            "Time to first helpful response",
            waits,
            "Median per week of the time from the question to the first helpful reply.",
        )
        + card(
            "By week",
            table(
                "Most recent week first",
                ["Week of", "Asked", "Routed", "Answered", "Resolved", "Median response"],
                rows,
                [False, True, True, True, True, True],
            ),
        )
    )


def csv_table(report: Overview) -> CsvTable:
    return CsvTable(
        ["week", "asked", "routed", "answered", "resolved", "median_minutes_to_first_response"],
        [
            [
                row.week.isoformat(),
                row.asked,
                row.routed,
                row.answered,
                row.resolved,
                None if row.median_minutes is None else round(row.median_minutes, 1),
            ]
            for row in report.weeks
        ],
    )


PAGE = Page("overview", TITLE, load_overview, render, csv_table)

"""Topics: what people ask about, what goes unanswered, and where knowledge is thin."""

from __future__ import annotations

from bot.admin.charts import PALETTE, bar_chart
from bot.admin.formatting import number
from bot.admin.layout import Stat, card, empty, page_head, stats, table
from bot.admin.pages import CsvTable, Page
from bot.admin.queries.topics import THIN_HOLDERS, TopicReport, load_topics

TITLE = "Topics"
SHOWN = 15
NO_TOPICS = empty(
    "No topics yet",
    "<p>Topics come from the questions people ask and the skills they declare. Invite "
    "<code>@Learnlink</code> to a channel, import people with "
    "<code>learnlink people import</code>, or run <code>learnlink demo</code>.</p>",
)


def render(report: TopicReport) -> str:
    head = page_head(TITLE, "topics")
    if not report.rows:
        return head + NO_TOPICS
    gaps, thin = report.gaps, report.thin
    figures = stats(
        [
            Stat(number(len(report.most_asked)), "topics asked about"),
            Stat(number(len(gaps)), "topics with unanswered questions", warn=bool(gaps)),
            Stat(
                number(len(thin)), f"topics held by {THIN_HOLDERS} people or fewer", warn=bool(thin)
            ),
        ]
    )
    most = [(row.topic, float(row.asked)) for row in report.most_asked[:SHOWN]]
    asked = (
        bar_chart("most-asked", "Most asked topics", most)
        if most
        else "<p>No question has a recognised topic yet.</p>"
    )
    gap_chart = (
        bar_chart(
            "knowledge-gaps",
            "Unanswered questions by topic",
            [(row.topic, float(row.unanswered)) for row in gaps[:SHOWN]],
            colour=PALETTE[5],
        )
        if gaps
        else "<p>Every question with a topic got an answer. Nothing to fix here.</p>"
    )
    thin_rows = [
        [row.topic, number(row.holders), number(row.asked), number(row.unanswered)]
        for row in thin[:30]
    ]
    thin_table = (
        table(
            "Most asked first; among equals, fewest holders first",
            ["Topic", "People who know it", "Questions", "Unanswered"],
            thin_rows,
            [False, True, True, True],
        )
        if thin_rows
        else "<p>Every topic is known by more than two people.</p>"
    )
    return (
        head
        + figures
        + '<div class="grid2">'
        + card("Most asked", asked, "Questions per topic, all time.")
        + card("Knowledge gaps", gap_chart, "Questions nobody answered, per topic.")
        + "</div>"
        + card(
            "Thin knowledge",
            thin_table,
            f"Topics at most {THIN_HOLDERS} people know (declared or shown in answers): "
            "ask them to pair with someone who wants to learn it.",
        )
    )


def csv_table(report: TopicReport) -> CsvTable:
    return CsvTable(
        ["topic", "questions", "unanswered", "people_who_know"],
        [[row.topic, row.asked, row.unanswered, row.holders] for row in report.rows],
    )


PAGE = Page("topics", TITLE, load_topics, render, csv_table)

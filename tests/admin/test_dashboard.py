"""Dashboard figures on a seeded organisation, on SQLite and PostgreSQL, through HTTP.

The seed's expected figures were worked out by hand (tests/admin/seed.py);
the CSVs must agree with them, and the pages must show the same numbers.
"""

from __future__ import annotations

import csv
import io
import re

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.admin.queries.load import load_people_load
from bot.admin.queries.topics import load_topics
from bot.bootstrap import Services
from tests.admin.conftest import BEARER
from tests.admin.seed import (
    EXPECTED_CROSS_TEAM_EDGES,
    EXPECTED_EDGES,
    EXPECTED_MEDIAN_MINUTES,
    EXPECTED_WEEKS,
)

Client = TestClient[web.Request, web.Application]


async def fetch_csv(client: Client, slug: str) -> list[dict[str, str]]:
    response = await client.get(f"/admin/{slug}.csv", headers=BEARER)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(await response.text())))


async def fetch_page(client: Client, slug: str) -> str:
    response = await client.get(f"/admin/{slug}", headers=BEARER)
    assert response.status == 200
    return await response.text()


def marks(page: str) -> int:
    """Drawn marks in the page's SVG charts."""
    return len(re.findall(r"<(?:rect|circle|path)\b", page))


async def test_overview_counts_questions_per_week(client: Client) -> None:
    rows = await fetch_csv(client, "overview")
    found = [
        (
            row["week"],
            int(row["asked"]),
            int(row["routed"]),
            int(row["answered"]),
            int(row["resolved"]),
            float(row["median_minutes_to_first_response"])
            if row["median_minutes_to_first_response"]
            else None,
        )
        for row in rows
    ]
    assert found == EXPECTED_WEEKS


async def test_overview_page_shows_median_and_routed_share(client: Client) -> None:
    page = await fetch_page(client, "overview")
    assert f"{EXPECTED_MEDIAN_MINUTES:.0f} min" in page
    assert "71%" in page  # 5 of 7 answered questions were answered by a routed expert
    assert page.count("<svg") == 2 and marks(page) > 10
    assert "aria-current=page>Overview" in page


async def test_topics_show_demand_gaps_and_thin_knowledge(client: Client, seeded: Services) -> None:
    rows = {row["topic"]: row for row in await fetch_csv(client, "topics")}
    assert {name: int(row["questions"]) for name, row in rows.items()} == {
        "terraform": 4,
        "python": 2,
        "kubernetes": 2,
        "figma": 1,
        "postgresql": 1,
    }
    assert {name for name, row in rows.items() if int(row["unanswered"])} == {"python"}
    # Zed also knows postgresql but is deactivated; Ed only wants to learn python.
    assert {name: int(row["people_who_know"]) for name, row in rows.items()} == {
        "terraform": 3,
        "python": 0,
        "kubernetes": 1,
        "figma": 2,
        "postgresql": 1,
    }
    async with seeded.engine.connect() as connection:
        report = await load_topics(connection)
    assert [row.topic for row in report.thin] == ["python", "kubernetes", "postgresql", "figma"]
    page = await fetch_page(client, "topics")
    assert page.count("<svg") == 2 and "Thin knowledge" in page


async def test_people_load_counts_asks_and_declines(client: Client, seeded: Services) -> None:
    rows = {row["person"]: row for row in await fetch_csv(client, "people")}
    asks = {name: int(row["asks"]) for name, row in rows.items() if int(row["asks"])}
    assert asks == {"Bo": 3, "Cy": 1, "Ana": 1, "Di": 1}  # Cy's queued referral is no ask
    declines = {name: int(row["declined"]) for name, row in rows.items() if int(row["declined"])}
    assert declines == {"Cy": 1, "Ana": 1}
    assert int(rows["Bo"]["answers"]) == 4
    async with seeded.engine.connect() as connection:
        report = await load_people_load(connection)
    assert report.total_asks == 6
    assert report.top_share(report.top_decile_size) == 0.5  # Bo: 3 of 6
    assert report.top_share(3) == 5 / 6
    page = await fetch_page(client, "people")
    assert "50%" in page and "83%" in page


async def test_pairing_per_round(client: Client) -> None:
    rows = await fetch_csv(client, "pairing")
    assert [(r["programme"], r["round"], r["groups"], r["people"], r["met"]) for r in rows] == [
        ("Tuesday pairs", "2026-W10", "3", "7", "2"),
        ("Tuesday pairs", "2026-W12", "2", "4", "2"),
    ]
    assert [float(r["met_rate"]) for r in rows] == [0.667, 1.0]
    assert [float(r["mean_teaching_value"]) for r in rows] == [2.0, 1.0]
    assert [float(r["cross_team_share"]) for r in rows] == [0.667, 0.5]
    page = await fetch_page(client, "pairing")
    assert "80%" in page  # 4 of 5 groups met
    assert "Design crits" in page and "No round yet" in page
    assert marks(page) > 4


async def test_network_counts_cross_team_help(client: Client) -> None:
    rows = await fetch_csv(client, "network")
    assert len(rows) == EXPECTED_EDGES
    assert sum(int(row["cross_team"]) for row in rows) == EXPECTED_CROSS_TEAM_EDGES
    assert all(row["helper"] != row["asker"] for row in rows)  # answering yourself is no help
    assert {"helper": "Bo", "asker": "Ana", "answers": "2"}.items() <= rows[0].items()
    page = await fetch_page(client, "network")
    svg = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart network"') :]
    svg = svg[: svg.index("</svg>")]
    assert svg.count("<circle") == 7  # everyone who helped or was helped
    assert svg.count('class="edge-cross"') == EXPECTED_CROSS_TEAM_EDGES
    assert re.search(r"<span class=\"value\">6</span><span class=\"label\">links across", page)

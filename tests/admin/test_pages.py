"""What a person sees: escaped names, empty states that say what to do, safe CSVs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.admin.csvout import to_csv
from bot.admin.pages import CsvTable
from bot.bootstrap import bootstrap
from tests.admin.conftest import BEARER, serve, with_token
from tests.admin.seed import FLO
from tests.conftest import sqlite_settings

Client = TestClient[web.Request, web.Application]
EMPTY_STATES = {
    "overview": "No questions yet",
    "topics": "No topics yet",
    "people": "Nobody has been asked yet",
    "pairing": "No pairing programme yet",
    "network": "Nobody has helped anybody yet",
}


async def test_names_from_chat_are_escaped_everywhere(client: Client) -> None:
    for slug in ("network", "people"):
        page = await (await client.get(f"/admin/{slug}", headers=BEARER)).text()
        assert FLO not in page and "<b>" not in page, slug
        if slug == "network":
            assert "Flo &lt;b&gt;&quot;Fig&quot;&lt;/b&gt;" in page
        assert "Design &amp; UX" in page


async def test_csv_cells_that_look_like_formulas_are_defused(client: Client) -> None:
    text = await (await client.get("/admin/network.csv", headers=BEARER)).text()
    helpers = [row["helper"] for row in csv.DictReader(io.StringIO(text))]
    assert "'=Gus" in helpers and "=Gus" not in helpers
    assert FLO in [row["asker"] for row in csv.DictReader(io.StringIO(text))]  # CSV keeps text


def test_csv_writer_keeps_numbers_and_blanks() -> None:
    table = CsvTable(["a", "b", "c"], [["-1 day", -1, None], ["@x", 2.5, "+y"]])
    assert to_csv(table) == "a,b,c\r\n'-1 day,-1,\r\n'@x,2.5,'+y\r\n"


async def test_an_empty_database_shows_what_to_do_next(tmp_path: Path) -> None:
    services = await bootstrap(with_token(sqlite_settings(tmp_path / "empty.db")))
    client = await serve(services)
    try:
        for slug, headline in EMPTY_STATES.items():
            response = await client.get(f"/admin/{slug}", headers=BEARER)
            page = await response.text()
            assert response.status == 200, slug
            assert headline in page, slug
            assert "learnlink demo" in page, slug
            assert "<svg" not in page, slug
            download = await client.get(f"/admin/{slug}.csv", headers=BEARER)
            assert len((await download.text()).splitlines()) == 1, slug  # the header only
    finally:
        await client.close()
        await services.close()


async def test_unknown_pages_are_404_for_admins(client: Client) -> None:
    for path in ("/admin/nothing", "/admin/nothing.csv", "/admin/a/b"):
        response = await client.get(path, headers=BEARER)
        assert response.status == 404, path
        assert "No such page" in await response.text()

"""`learnlink demo`: Learnlink on a sample organisation, on a fresh SQLite file.

For now it migrates a new database, imports the sample organisation from
config/demo/people.csv and prints who knows what. The chat replay, routing
and pairing rounds join it as those features land.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import click

from bot.bootstrap import bootstrap
from bot.handlers.people_import import import_people, who_knows_what
from bot.settings import CONFIG_DIR, Settings

DEMO_PEOPLE = CONFIG_DIR / "demo" / "people.csv"


async def run_demo(settings: Settings, *, database: Path | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="learnlink-demo-") as folder:
        path = database or Path(folder) / "learnlink-demo.db"
        path.unlink(missing_ok=True)
        demo_settings = settings.model_copy(
            update={
                "database": settings.database.model_copy(
                    update={"url": f"sqlite+aiosqlite:///{path}"}
                )
            }
        )
        await _run(demo_settings, path)


async def _run(settings: Settings, path: Path) -> None:
    services = await bootstrap(settings)
    try:
        click.secho(f"Learnlink demo on a fresh SQLite database: {path}", bold=True)
        with DEMO_PEOPLE.open(encoding="utf-8") as file:
            reader = csv.DictReader(file)
            rows = [(reader.line_num, row) for row in reader]
        async with services.uow() as uow:
            report = await import_people(uow, rows)
        click.echo(f"Imported {report.created} people from {DEMO_PEOPLE.name}.\n")
        async with services.uow() as uow:
            directory = await who_knows_what(uow)
        click.secho("Who knows what", bold=True, fg="cyan")
        width = max(len(topic) for topic in directory)
        for topic, names in directory.items():
            click.echo(f"  {click.style(topic.ljust(width), fg='green')}  {', '.join(names)}")
    finally:
        await services.close()

"""The `learnlink` command line: serve, demo, db, people, doctor, bench.

Each command loads the settings once, reports bad input in one line with a
non-zero exit, and hands the real work to async functions elsewhere.
"""

from __future__ import annotations

import asyncio
import csv
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, NoReturn, TextIO

import click

from bot.settings import Settings, SettingsError, load_settings


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"learnlink: {message}", err=True)
    sys.exit(code)


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coroutine)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="YAML file overriding config/default.yaml (or set LEARNLINK_CONFIG).",
)
@click.pass_context
def main(ctx: click.Context, config_file: str | None) -> None:
    """Learnlink: route questions to colleagues who know, and pair people to learn."""
    ctx.obj = {"config_file": config_file}


def settings_from(ctx: click.Context) -> Settings:
    try:
        return load_settings(config_file=ctx.obj["config_file"])
    except SettingsError as exc:
        fail(str(exc), code=2)


@main.command()
@click.option("--host", help="Interface to listen on (default: server.host).")
@click.option("--port", type=int, help="Port to listen on (default: PORT or server.port).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Run the bot: HTTP endpoints, platform connections and the scheduler."""
    from bot.serve import serve_forever

    settings = settings_from(ctx)
    run(serve_forever(settings, host=host, port=port))


@main.command()
@click.option(
    "--database",
    type=click.Path(dir_okay=False),
    help="SQLite file to use (default: a fresh file in a temporary folder).",
)
@click.option("--serve", "keep_serving", is_flag=True, help="Keep the server and dashboard up.")
@click.option("--short", is_flag=True, help="A shorter day (used by the tests).")
@click.pass_context
def demo(ctx: click.Context, database: str | None, keep_serving: bool, short: bool) -> None:
    """Show Learnlink working on a sample organisation, no Slack account needed."""
    from bot.demo import run_demo

    settings = settings_from(ctx)
    run(
        run_demo(
            settings,
            database=Path(database) if database else None,
            serve=keep_serving,
            short=short,
        )
    )


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply every migration to the configured database."""
    from bot.storage.engine import create_engine
    from bot.storage.migrate import current_revision, upgrade

    settings = settings_from(ctx)

    async def go() -> str | None:
        schema = settings.database.schema_name
        engine = create_engine(settings.database_url, schema=schema)
        try:
            await upgrade(engine, schema=schema)
            return await current_revision(engine)
        finally:
            await engine.dispose()

    try:
        revision = run(go())
    except Exception as exc:
        fail(f"could not upgrade the database: {type(exc).__name__}: {exc}".splitlines()[0])
    click.echo(f"database is at revision {revision}")


@main.group()
def people() -> None:
    """Import and export the people directory."""


@people.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.pass_context
def people_import(ctx: click.Context, file: TextIO) -> None:
    """Create or update people from a CSV file.

    Header: name,email,slack_user_id,teams_user_id,team,timezone,knows,wants_to_learn
    (knows and wants_to_learn are ;-separated topics).
    """
    from bot.handlers.people_import import import_people, missing_columns

    settings = settings_from(ctx)
    reader = csv.DictReader(file)
    missing = missing_columns(reader.fieldnames or [])
    if missing:
        fail(f"{file.name}: missing column(s) {', '.join(missing)} in the header line", code=2)
    rows = [(reader.line_num, row) for row in reader]
    report = run(_with_services(settings, lambda s: _import(s, rows, import_people)))
    for error in report.errors:
        click.echo(f"{file.name}: {error}", err=True)
    click.echo(
        f"imported {report.created + report.updated} people "
        f"({report.created} new, {report.updated} updated), {len(report.errors)} rows skipped"
    )
    if report.errors:
        sys.exit(1)


async def _import(services: Any, rows: list[Any], import_people: Any) -> Any:
    async with services.uow() as uow:
        return await import_people(uow, rows)


@people.command("export")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
@click.pass_context
def people_export(ctx: click.Context, output: TextIO) -> None:
    """Write the people directory as CSV (the import format)."""
    from bot.handlers.people_import import COLUMNS, export_people

    settings = settings_from(ctx)

    async def go(services: Any) -> list[dict[str, str]]:
        async with services.uow() as uow:
            return await export_people(uow)

    rows = run(_with_services(settings, go))
    writer = csv.DictWriter(output, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


@main.group()
def pair() -> None:
    """Pairing programmes from the command line."""


@pair.command("run")
@click.argument("name")
@click.option("--dry-run", is_flag=True, help="Show who would be paired; store and send nothing.")
@click.pass_context
def pair_run(ctx: click.Context, name: str, dry_run: bool) -> None:
    """Run a round of the programme NAME now (or preview it with --dry-run)."""
    from bot.handlers.rounds import RoundOutcome, preview_round, run_round
    from bot.web import create_web_app

    settings = settings_from(ctx)

    async def go(services: Any) -> RoundOutcome | None:
        create_web_app(services)  # connects the platforms' gateways (channel members, DMs)
        async with services.uow() as uow:
            found = [p for p in await uow.programs.list() if p.name == name]
        if not found or found[0].state == "stopped":
            return None
        if dry_run:
            return await preview_round(services.context, found[0].id)
        return await run_round(services.context, found[0].id)

    outcome = run(_with_services(settings, go))
    if outcome is None:
        fail(f"no programme called {name!r} (see /learnlink pairing list)", code=2)
    if not outcome.created and not dry_run:
        click.echo(f"{name}: the round for {outcome.period} was already made; nothing sent")
        return
    verb = "would pair" if dry_run else "paired"
    click.echo(f"{name}: {verb} {len(outcome.groups)} groups")
    for group in outcome.groups:
        click.echo("  " + " + ".join(group))
    if outcome.unplaced:
        click.echo("  not placed (do-not-pair): " + ", ".join(outcome.unplaced))


@main.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check settings, the database and which chat platforms are configured."""
    from bot.doctor import Status, database_check, platform_checks

    try:
        settings = load_settings(config_file=ctx.obj["config_file"])
    except SettingsError as exc:
        click.echo(f"[fail] settings: {exc}")
        sys.exit(1)
    click.echo("[ok] settings: valid")
    checks = [run(_database_check(settings, database_check)), *platform_checks(settings)]
    for check in checks:
        click.echo(f"[{check.status}] {check.name}: {check.message}")
    if any(check.status == Status.FAIL for check in checks):
        sys.exit(1)


async def _database_check(settings: Settings, database_check: Any) -> Any:
    from bot.bootstrap import bootstrap
    from bot.storage.migrate import is_current

    services = await bootstrap(settings, migrate=False)
    try:
        status = await services.database_status()
        current = await is_current(services.engine) if status == "ok" else None
        return database_check(settings.database_url, status, current)
    finally:
        await services.close()


async def _with_services(settings: Settings, work: Any) -> Any:
    from bot.bootstrap import bootstrap

    services = await bootstrap(settings)
    try:
        return await work(services)
    finally:
        await services.close()


@main.group()
def bench() -> None:
    """Benchmarks that print their figures (detection, routing, pairing, ack)."""


LABELLED = Path(__file__).resolve().parent.parent / "tests/matching/data/detection_labelled.csv"


@bench.command("detection")
@click.option(
    "--labels",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=LABELLED,
    show_default=True,
    help="CSV of text,is_question (1/0) messages.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def bench_detection(labels: Path, as_json: bool) -> None:
    """Precision and recall of question detection on a labelled set."""
    import json

    from bot.matching.detection_eval import evaluate, format_report, read_labelled

    try:
        result = evaluate(read_labelled(labels))
    except (ValueError, KeyError) as exc:
        fail(f"{labels}: not a text,is_question CSV ({exc})", code=2)
    if as_json:
        figures = {k: result[k] for k in ("precision", "recall", "f1", "total")}
        click.echo(json.dumps(figures))
    else:
        click.echo(format_report(result))


@main.group()
def teams() -> None:
    """Microsoft Teams app commands."""


@teams.command("package")
@click.option("--app-id", help="The bot's Microsoft App ID (default: MICROSOFT_APP_ID).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("learnlink-teams.zip"),
    show_default=True,
    help="Where to write the app package.",
)
@click.pass_context
def teams_package(ctx: click.Context, app_id: str | None, output: Path) -> None:
    """Write the Teams app package (manifest and icons) to upload in Teams."""
    from bot.handlers.teams.package import PackageError, build_package

    app_id = app_id or settings_from(ctx).secrets.microsoft_app_id
    if not app_id:
        fail("no app id: set MICROSOFT_APP_ID or pass --app-id", code=2)
    try:
        written = build_package(app_id, output)
    except PackageError as exc:
        fail(str(exc), code=2)
    click.echo(f"wrote {written}: upload it in Teams (Apps > Manage your apps > Upload an app)")


def _add_benchmarks() -> None:
    """The heavier benchmarks live in bot.bench; they are wired here, imported lazily."""
    from bot.bench.ack import ack_command
    from bot.bench.pairing import pairing_command
    from bot.bench.routing import routing_command

    bench.add_command(routing_command)
    bench.add_command(pairing_command)
    bench.add_command(ack_command)


_add_benchmarks()


if __name__ == "__main__":
    main()

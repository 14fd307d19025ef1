"""`learnlink pair run NAME [--dry-run]` against a real database and the local Slack."""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.localslack.api import FakeSlackApi, serve
from bot.storage.engine import create_engine
from bot.storage.migrate import upgrade


async def test_pair_run_dry_run_then_real(tmp_path: Path) -> None:
    api = FakeSlackApi()
    api.add_workspace("T1", "xoxb-t1")
    members = [f"U{i}" for i in range(5)]
    for user in members:
        api.add_user(user, f"Person {user}", tz="UTC")
    api.members["CLEARN"] = members
    runner = await serve(api)
    db = tmp_path / "pair.db"
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "SLACK_BOT_TOKEN": "xoxb-t1",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_BASE_URL": api.url,
    }
    engine = create_engine(env["DATABASE_URL"])
    await upgrade(engine)
    async with engine.begin() as connection:
        await connection.exec_driver_sql(
            "INSERT INTO workspaces (platform, external_id, name, created_at) "
            "VALUES ('slack', 'T1', 'Acme', '2026-01-01 00:00:00')"
        )
        await connection.exec_driver_sql(
            "INSERT INTO programs (workspace_id, name, channel_id, cadence, day, time, timezone,"
            " group_size, mode, state, created_at) VALUES (1, 'learning', 'CLEARN', 'weekly',"
            " 'mon', '10:00', 'UTC', 2, 'learning', 'active', '2026-01-01 00:00:00')"
        )
    await engine.dispose()
    try:
        cli = CliRunner()  # the command runs its own event loop, so it goes in a thread
        preview = await asyncio.to_thread(
            cli.invoke, main, ["pair", "run", "learning", "--dry-run"], env=env
        )
        assert preview.exit_code == 0, preview.output
        assert "learning: would pair 2 groups" in preview.output
        assert api.answered("chat.postMessage") == []
        real = await asyncio.to_thread(cli.invoke, main, ["pair", "run", "learning"], env=env)
        assert real.exit_code == 0 and "learning: paired 2 groups" in real.output
        assert len(api.answered("chat.postMessage")) == 2
        again = await asyncio.to_thread(cli.invoke, main, ["pair", "run", "learning"], env=env)
        assert "already made; nothing sent" in again.output
        missing = await asyncio.to_thread(cli.invoke, main, ["pair", "run", "nope"], env=env)
        assert missing.exit_code == 2 and "no programme called 'nope'" in missing.stderr
    finally:
        await runner.cleanup()

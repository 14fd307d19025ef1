"""Imports point inward: the domain and the algorithms know nothing of the outside.

Parsed from the source (not imported), so a violation in any module, even
one no test imports, fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
OUTSIDE = (
    "slack_bolt",
    "slack_sdk",
    "botbuilder",
    "botframework",
    "sqlalchemy",
    "aiohttp",
    "alembic",
    "apscheduler",
    "asyncpg",
    "aiosqlite",
    "click",
)
PLATFORMS = (
    "slack_bolt",
    "slack_sdk",
    "botbuilder",
    "botframework",
    "bot.handlers.slack",
    "bot.handlers.teams",
)


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(package: str) -> list[Path]:
    return sorted((BOT / package).rglob("*.py"))


def violations(path: Path, own: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for name in imports(path):
        if (
            name.startswith(forbidden)
            or (name.startswith("bot.") and not name.startswith(f"bot.{own}"))
            or name == "bot"
        ):
            bad.append(name)
    return bad


@pytest.mark.parametrize("package", ["domain", "matching"])
def test_pure_packages_import_nothing_outside(package: str) -> None:
    assert modules(package), f"bot/{package} has no modules"
    found = {str(p.relative_to(BOT)): violations(p, package, OUTSIDE) for p in modules(package)}
    assert {k: v for k, v in found.items() if v} == {}


def test_use_cases_do_not_import_platform_code() -> None:
    use_cases = sorted((BOT / "handlers").glob("*.py"))
    assert use_cases
    found = {p.name: sorted(n for n in imports(p) if n.startswith(PLATFORMS)) for p in use_cases}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_checker_catches_a_violation(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "import sqlalchemy\nfrom bot.storage import tables\nfrom bot.domain import x\n"
    )
    assert sorted(violations(sneaky, "domain", OUTSIDE)) == ["bot.storage", "sqlalchemy"]

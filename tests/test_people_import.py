"""`learnlink people import/export` through the real command line, on a real SQLite file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.handlers.people_import import RowError, parse_row

HEADER = "name,email,slack_user_id,teams_user_id,team,timezone,knows,wants_to_learn\n"


def run_cli(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'people.db'}"}
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def write_csv(tmp_path: Path, body: str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_good_and_bad_rows(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "Ana Silva,ana@example.com,U1,,Platform,Europe/London,terraform; Kubernetes ;go,rust\n"
        ",nobody@example.com,,,,,,\n"
        "Bo,not-an-email,,,,,,\n"
        "Chen,chen@example.com,,,Data,Mars/Base,,\n"
        "Dara,,,aad-4,Design,America/New_York,figma,\n"
        "Eve,,,,,,,\n",
    )
    code, out, err = run_cli(tmp_path, "people", "import", str(path))
    assert code == 1  # some rows were skipped
    assert "imported 2 people (2 new, 0 updated), 4 rows skipped" in out
    assert "line 3: name is empty" in err
    assert "line 4: email 'not-an-email' is not an email address" in err
    assert "line 5: timezone 'Mars/Base'" in err
    assert "line 7: needs an email, a slack_user_id or a teams_user_id" in err

    code, out, _ = run_cli(tmp_path, "people", "export")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in rows] == ["Ana Silva", "Dara"]
    ana = rows[0]
    assert ana["knows"].split(";") == ["go", "kubernetes", "terraform"]
    assert ana["wants_to_learn"] == "rust"
    assert ana["slack_user_id"] == "U1" and ana["timezone"] == "Europe/London"
    assert rows[1]["teams_user_id"] == "aad-4"


def test_importing_again_updates_instead_of_duplicating(tmp_path: Path) -> None:
    first = write_csv(tmp_path, "Ana,ana@example.com,U1,,Platform,UTC,terraform,go\n")
    assert run_cli(tmp_path, "people", "import", str(first))[0] == 0
    second = write_csv(
        tmp_path,
        "Ana Silva,ANA@example.com,U1,aad-1,Data,Europe/Berlin,python,\n"
        "Bo,bo@example.com,U2,,Sales,,,\n",
        name="again.csv",
    )
    code, out, _ = run_cli(tmp_path, "people", "import", str(second))
    assert code == 0
    assert "(1 new, 1 updated)" in out
    rows = list(csv.DictReader(io.StringIO(run_cli(tmp_path, "people", "export")[1])))
    assert len(rows) == 2
    ana = next(r for r in rows if r["email"] == "ana@example.com")
    assert ana["name"] == "Ana Silva" and ana["team"] == "Data"
    assert ana["knows"] == "python" and ana["wants_to_learn"] == ""
    assert ana["teams_user_id"] == "aad-1"


def test_import_matches_by_platform_id_when_email_is_missing(tmp_path: Path) -> None:
    first = write_csv(tmp_path, "Ana,,U1,,Platform,UTC,terraform,\n")
    run_cli(tmp_path, "people", "import", str(first))
    second = write_csv(tmp_path, "Ana S,ana@example.com,U1,,Platform,UTC,terraform,\n", "b.csv")
    assert "(0 new, 1 updated)" in run_cli(tmp_path, "people", "import", str(second))[1]


def test_missing_columns_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("name,email\nAna,ana@example.com\n", encoding="utf-8")
    code, _, err = run_cli(tmp_path, "people", "import", str(path))
    assert code == 2
    assert "missing column(s) slack_user_id" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = run_cli(tmp_path, "people", "import", str(tmp_path / "absent.csv"))
    assert code == 2 and "No such file or directory" in err


def test_parse_row_normalises_topics() -> None:
    row = parse_row(
        {"name": " Ana ", "email": "A@B.CO", "knows": "Machine   Learning;;SQL;sql", "team": ""}
    )
    assert row.name == "Ana" and row.email == "a@b.co"
    assert row.knows == ("machine learning", "sql")
    assert row.team is None
    try:
        parse_row({"name": "X", "email": "x@y.z", "knows": "a" * 101})
    except RowError as exc:
        assert "longer than 100" in str(exc)
    else:
        raise AssertionError("an over-long topic was accepted")

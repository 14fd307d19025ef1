"""The Teams app package: manifest valid against the published schema, icons as Teams wants."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from bot.cli import main
from bot.handlers.teams.package import MANIFEST, TEAMS_DIR
from tests.handlers.teams.validation import TEAMS_MANIFEST_VERSION, manifest_errors

APP_ID = "0e1f2a3b-1111-2222-3333-444455556666"


def manifest() -> dict[str, Any]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def test_the_committed_manifest_is_valid() -> None:
    found = manifest()
    assert manifest_errors(found) == []
    assert found["manifestVersion"] == TEAMS_MANIFEST_VERSION


def test_the_schema_check_catches_a_bad_manifest() -> None:
    broken = manifest()
    broken["bots"][0]["scopes"] = ["everywhere"]
    assert manifest_errors(broken) != []


def test_the_bot_works_everywhere_and_reads_channel_messages() -> None:
    found = manifest()
    (bot,) = found["bots"]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    scopes = {scope for commands in bot["commandLists"] for scope in commands["scopes"]}
    assert scopes == {"personal", "team", "groupChat"}
    permissions = found["authorization"]["permissions"]["resourceSpecific"]
    assert {"name": "ChannelMessage.Read.Group", "type": "Application"} in permissions
    assert found["validDomains"]


def png(path: Path) -> tuple[int, int, list[list[tuple[int, ...]]]]:
    """Width, height and RGBA rows of the PNGs our icon script writes (no filters)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 6), "8-bit RGBA"
    chunks, at = b"", 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        if data[at + 4 : at + 8] == b"IDAT":
            chunks += data[at + 8 : at + 8 + length]
        at += 12 + length
    raw = zlib.decompress(chunks)
    stride = 1 + width * 4
    rows = []
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        assert line[0] == 0
        rows.append([tuple(line[1 + x * 4 : 5 + x * 4]) for x in range(width)])
    return width, height, rows


def test_icons_have_the_sizes_teams_requires() -> None:
    width, height, colour = png(TEAMS_DIR / "color.png")
    assert (width, height) == (192, 192)
    assert all(pixel[3] == 255 for row in colour for pixel in row), "full colour, opaque"
    width, height, outline = png(TEAMS_DIR / "outline.png")
    assert (width, height) == (32, 32)
    pixels = [pixel for row in outline for pixel in row]
    assert outline[0][0][3] == 0, "transparent background"
    assert {pixel for pixel in pixels if pixel[3]} == {(255, 255, 255, 255)}, "white outline"


def test_teams_package_fills_in_the_app_id(tmp_path: Path) -> None:
    output = tmp_path / "learnlink.zip"
    result = CliRunner().invoke(
        main, ["teams", "package", "--output", str(output)], env={"MICROSOFT_APP_ID": APP_ID}
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(output) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        packaged = json.loads(archive.read("manifest.json"))
        assert archive.read("color.png") == (TEAMS_DIR / "color.png").read_bytes()
    assert manifest_errors(packaged) == []
    assert packaged["id"] == APP_ID
    assert packaged["bots"][0]["botId"] == APP_ID
    assert packaged["webApplicationInfo"]["id"] == APP_ID


def test_teams_package_option_wins_and_bad_ids_are_refused(tmp_path: Path) -> None:
    other = "11111111-2222-3333-4444-555555555555"
    output = tmp_path / "out.zip"
    runner = CliRunner()
    ok = runner.invoke(main, ["teams", "package", "--app-id", other, "-o", str(output)])
    assert ok.exit_code == 0, ok.output
    with zipfile.ZipFile(output) as archive:
        assert json.loads(archive.read("manifest.json"))["id"] == other
    bad = runner.invoke(main, ["teams", "package", "--app-id", "my-bot", "-o", str(output)])
    assert bad.exit_code == 2
    assert "must be a GUID" in bad.output
    missing = runner.invoke(main, ["teams", "package", "-o", str(tmp_path / "x.zip")], env={})
    assert missing.exit_code == 2
    assert "MICROSOFT_APP_ID" in missing.output

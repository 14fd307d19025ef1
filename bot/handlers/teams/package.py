"""`learnlink teams package`: the zip a Teams admin uploads (manifest and icons).

`config/teams/manifest.json` is committed with an all-zero placeholder GUID
so it validates as it is; the package fills in the bot's Microsoft App ID
wherever Teams needs it (the app id, the bot id, and the id that lets the
resource-specific consent to read channel messages be granted).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

from bot.settings import CONFIG_DIR

TEAMS_DIR = CONFIG_DIR / "teams"
MANIFEST = TEAMS_DIR / "manifest.json"
ICONS = ("color.png", "outline.png")
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class PackageError(ValueError):
    """The package cannot be built; the message says what to fix."""


def manifest_for(app_id: str, source: Path = MANIFEST) -> dict[str, Any]:
    if not GUID.match(app_id or ""):
        raise PackageError(
            f"the Microsoft App ID must be a GUID like 0e1f...-...; got {app_id!r} "
            "(set MICROSOFT_APP_ID or pass --app-id)"
        )
    manifest: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    manifest["id"] = app_id
    for bot in manifest.get("bots", []):
        bot["botId"] = app_id
    if "webApplicationInfo" in manifest:
        manifest["webApplicationInfo"]["id"] = app_id
    return manifest


def build_package(app_id: str, output: Path, source_dir: Path = TEAMS_DIR) -> Path:
    """Write manifest.json and the icons at the root of a zip, as Teams expects."""
    manifest = manifest_for(app_id, source_dir / "manifest.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for icon in ICONS:
            archive.write(source_dir / icon, arcname=icon)
    return output

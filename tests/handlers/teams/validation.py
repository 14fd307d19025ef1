"""The published JSON schemas (copied verbatim into schemas/) as validators."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

HERE = Path(__file__).resolve().parent / "schemas"
TEAMS_MANIFEST_VERSION = "1.24"


@cache
def _validator(name: str, kind: type[jsonschema.protocols.Validator], check: bool = True) -> Any:
    schema = json.loads((HERE / name).read_text(encoding="utf-8"))
    if check:
        kind.check_schema(schema)
    return kind(schema)


def card_errors(card: dict[str, Any]) -> list[str]:
    """Adaptive Cards 1.5 schema errors. `msteams` is Teams' documented host extension
    (width, mention entities), which the Adaptive Cards schema itself does not know."""
    checked = {key: value for key, value in card.items() if key != "msteams"}
    validator = _validator("adaptive-card-1.5.schema.json", jsonschema.Draft6Validator)
    return [f"{list(e.absolute_path)}: {e.message[:300]}" for e in validator.iter_errors(checked)]


def manifest_errors(manifest: dict[str, Any]) -> list[str]:
    # Not meta-checked: a few patterns use ECMAScript's \p{L}, which Python's re lacks;
    # none of them applies to the parts of the manifest Learnlink uses.
    validator = _validator(
        f"MicrosoftTeams-{TEAMS_MANIFEST_VERSION}.schema.json", jsonschema.Draft4Validator, False
    )
    return [f"{list(e.absolute_path)}: {e.message[:300]}" for e in validator.iter_errors(manifest)]

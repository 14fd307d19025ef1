"""What the demo prints: a readable, coloured account of what Learnlink did and why."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click


class Transcript:
    """Lines go to the terminal and are kept, so the tests can read them."""

    def __init__(self, *, colour: bool | None = None) -> None:
        self.lines: list[str] = []
        self.colour = colour

    def _out(self, text: str) -> None:
        self.lines.append(click.unstyle(text))
        click.echo(text, color=self.colour)

    def heading(self, text: str) -> None:
        self._out("")
        self._out(click.style(text, bold=True, fg="cyan"))

    def chat(self, when: datetime, who: str, where: str, text: str) -> None:
        stamp = when.astimezone(ZoneInfo("Europe/London")).strftime("%H:%M")
        self._out(
            f"{click.style(stamp, dim=True)} {click.style(who, bold=True)} in {where}: {text}"
        )

    def did(self, text: str) -> None:
        self._out(f"      {click.style('→', fg='green')} {text}")

    def skipped(self, text: str) -> None:
        self._out(f"      {click.style('·', fg='yellow')} {text}")

    def table(self, title: str, rows: list[tuple[str, str]]) -> None:
        self.heading(title)
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            self._out(f"  {label.ljust(width)}  {click.style(value, bold=True)}")

    def text(self) -> str:
        return "\n".join(self.lines)

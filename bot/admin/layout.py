"""The page shell and small HTML building blocks shared by every dashboard page.

One embedded stylesheet, no scripts, no external requests: the dashboard has
to work on an air-gapped server. The stylesheet's hash goes into the
Content-Security-Policy, so no other inline style or any script can run even
if a name from chat slipped past escaping.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from bot.admin.formatting import text

NAV = (
    ("overview", "Overview"),
    ("topics", "Topics"),
    ("people", "People load"),
    ("pairing", "Pairing"),
    ("network", "Learning network"),
)

STYLE = """
:root { --ink:#1d2733; --muted:#5b6673; --line:#e3e6ea; --bg:#f6f7f9; --accent:#0072B2; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
       color:var(--ink); background:var(--bg); }
header.top { display:flex; align-items:center; gap:24px; padding:10px 24px;
             background:#fff; border-bottom:1px solid var(--line); flex-wrap:wrap; }
.brand { font-weight:700; color:var(--accent); text-decoration:none; font-size:17px; }
nav { display:flex; gap:4px; flex-wrap:wrap; flex:1; }
nav a { color:var(--muted); text-decoration:none; padding:6px 10px; border-radius:6px; }
nav a:hover { background:var(--bg); color:var(--ink); }
nav a[aria-current=page] { background:#e6f1f8; color:var(--accent); font-weight:600; }
header form { margin:0; }
button, .button { font:inherit; border:1px solid var(--line); background:#fff; color:var(--ink);
                  padding:6px 12px; border-radius:6px; cursor:pointer; text-decoration:none; }
button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
main { max-width:1100px; margin:0 auto; padding:20px 24px 40px; }
.page-head { display:flex; align-items:baseline; justify-content:space-between; gap:16px; }
h1 { font-size:24px; margin:8px 0 16px; }
h2 { font-size:17px; margin:0 0 10px; }
.stats { display:grid; grid-template-columns:repeat(auto-fit, minmax(150px, 1fr)); gap:12px;
         margin-bottom:16px; }
.stat { background:#fff; border:1px solid var(--line); border-radius:10px; padding:12px 14px; }
.stat .value { display:block; font-size:26px; font-weight:650; font-variant-numeric:tabular-nums; }
.stat .label { color:var(--muted); font-size:13px; }
.stat.warn { border-color:#D55E00; }
.card { background:#fff; border:1px solid var(--line); border-radius:10px; padding:16px;
        margin-bottom:16px; }
.card p.note { color:var(--muted); font-size:13px; margin:6px 0 0; }
.grid2 { display:grid; grid-template-columns:repeat(auto-fit, minmax(440px, 1fr)); gap:16px; }
svg.chart { display:block; max-width:100%; height:auto; }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
caption { text-align:left; color:var(--muted); font-size:13px; padding-bottom:6px; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); }
th { font-size:13px; color:var(--muted); font-weight:600; }
td.num, th.num { text-align:right; }
.empty { background:#fff; border:1px dashed #c5ccd4; border-radius:10px; padding:28px;
         text-align:center; color:var(--muted); }
.empty strong { display:block; color:var(--ink); font-size:17px; margin-bottom:4px; }
code { background:#eef1f4; padding:1px 5px; border-radius:4px; }
.legend { display:flex; flex-wrap:wrap; gap:6px 16px; margin:8px 0 0; padding:0;
          list-style:none; font-size:13px; color:var(--muted); }
.legend svg { vertical-align:baseline; margin-right:4px; }
.login { max-width:420px; margin:10vh auto; }
.login label { display:block; font-weight:600; margin-bottom:6px; }
.login input { width:100%; font:inherit; padding:8px; border:1px solid #c5ccd4;
               border-radius:6px; margin-bottom:12px; }
.error { color:#b3261e; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:0 0 24px; }
""".strip()

STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@dataclass(frozen=True)
class Stat:
    value: str
    label: str
    warn: bool = False


def document(
    title: str, body: str, *, current: str | None = None, signed_in: bool = True, footer: str = ""
) -> str:
    """A whole page: head with the stylesheet, the nav bar, `body` inside <main>.

    `body` is trusted HTML built by the pages; `footer` is plain text.
    """
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{text(title)} · Learnlink admin</title><style>{STYLE}</style></head><body>"
        f"{_header(current, signed_in)}<main>{body}</main>"
        + (f"<footer>{text(footer)}</footer>" if footer else "")
        + "</body></html>"
    )


def _header(current: str | None, signed_in: bool) -> str:
    if not signed_in:
        return '<header class="top"><span class="brand">Learnlink admin</span></header>'
    links = "".join(
        f'<a href="/admin/{slug}"{" aria-current=page" if slug == current else ""}>{label}</a>'
        for slug, label in NAV
    )
    return (
        '<header class="top"><a class="brand" href="/admin">Learnlink admin</a>'
        f'<nav aria-label="Dashboard pages">{links}</nav>'
        '<form method="post" action="/admin/logout"><button type="submit">Sign out</button>'
        "</form></header>"
    )


def page_head(title: str, csv_slug: str) -> str:
    return (
        f'<div class="page-head"><h1>{text(title)}</h1>'
        f'<a class="button" href="/admin/{csv_slug}.csv" download>Download CSV</a></div>'
    )


def stats(items: Sequence[Stat]) -> str:
    cells = "".join(
        f'<div class="stat{" warn" if item.warn else ""}"><span class="value">{text(item.value)}'
        f'</span><span class="label">{text(item.label)}</span></div>'
        for item in items
    )
    return f'<section class="stats" aria-label="Key figures">{cells}</section>'


def card(heading: str, content: str, note: str = "") -> str:
    """A titled panel; `content` is trusted HTML built by the pages, `note` is plain text."""
    extra = f'<p class="note">{text(note)}</p>' if note else ""
    return f'<section class="card"><h2>{text(heading)}</h2>{content}{extra}</section>'


def empty(headline: str, next_step_html: str) -> str:
    """What an empty page says: what is missing and what to do next (trusted HTML)."""
    return f'<div class="empty"><strong>{text(headline)}</strong>{next_step_html}</div>'


def table(
    caption: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[bool] | None = None,
) -> str:
    """A data table; cells are plain text and escaped here. `numeric` right-aligns columns."""
    numeric = numeric or [False] * len(headers)
    head = "".join(
        f'<th scope="col"{" class=num" if num else ""}>{text(h)}</th>'
        for h, num in zip(headers, numeric, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if num else ''}>{text(cell)}</td>"
            for cell, num in zip(row, numeric, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f"<table><caption>{text(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )

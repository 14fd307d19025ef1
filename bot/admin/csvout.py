"""CSV downloads that are safe to open in a spreadsheet.

Names and topics come from chat, so a cell like `=HYPERLINK(...)` must not
become a live formula in Excel or Sheets: text cells that start with a
formula character get a leading apostrophe (OWASP's advice for CSV injection).
Numbers are written as numbers; missing values as empty cells.
"""

from __future__ import annotations

import csv
import io

from bot.admin.pages import Cell, CsvTable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(table: CsvTable) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows([safe_cell(cell) for cell in row] for row in table.rows)
    return buffer.getvalue()

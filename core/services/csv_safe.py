"""CSV for spreadsheets: formula injection neutralised, UTF-8 with a BOM for Excel.

A text cell with right-to-left letters (Arabic, Hebrew) is isolated between FSI and
PDI, so a name in one script cannot reorder the cells or digits beside it where the
file is shown as text.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from core.text import has_right_to_left, isolate

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str | int | float:
    """A cell no spreadsheet runs (a leading ' before a formula), isolated when right to left."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value  # numbers are written as numbers, even negative ones
    text = str(value)
    text = "'" + text if text.startswith(FORMULA_STARTS) else text
    # Isolated after the apostrophe: the cell still starts with no formula character.
    return isolate(text) if has_right_to_left(text) else text


def safe_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """The CSV file as bytes: BOM, header, then the neutralised rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

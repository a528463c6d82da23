"""CSV for spreadsheets: formula injection neutralised, UTF-8 with a BOM for Excel."""

import csv
import io
from collections.abc import Iterable, Sequence

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str | int | float:
    """A cell value that no spreadsheet will run: text starting a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value  # numbers are written as numbers, even negative ones
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """The CSV file as bytes: BOM, header, then the neutralised rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

"""The report's tables as an XLSX workbook (one sheet per table) and as CSV files
(UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from report.cells import spreadsheet_cell
from report.tables import Table, period


def write_xlsx(stats: dict[str, Any], hall_name: str, tables: list[Table], path: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.append([spreadsheet_cell(f"{hall_name} {table.title}（{period(stats)}）")])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([spreadsheet_cell(h) for h in table.header])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table.rows:
            sheet.append([_xlsx_cell(value) for value in row])
        sheet.freeze_panes = "B3"
        sheet.column_dimensions["A"].width = 18
        for index in range(2, len(table.header) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 11
    book.save(path)
    return path


def write_csv(tables: list[Table], folder: Path, stem: str) -> list[Path]:
    written = []
    for table in tables:
        path = folder / f"{stem}-{table.key}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([spreadsheet_cell(h) for h in table.header])
            for row in table.rows:
                writer.writerow([spreadsheet_cell(value) for value in row])
        written.append(path)
    return written


def _xlsx_cell(value: object) -> object:
    """A table cell for openpyxl: an empty cell stays empty; otherwise the one rule."""
    return None if value is None else spreadsheet_cell(value)

"""The report as one Markdown page (the demo's ``report.md``): the same headline
figures and tables as the PDF, the XLSX and the CSV, from the same ``stats`` answer."""

from __future__ import annotations

from typing import Any

from report.tables import Table, headline, period, tables


def markdown(stats: dict[str, Any], hall_name: str) -> str:
    """The report of ``stats`` as Markdown a hall manager can read or print."""
    one_day = stats["start"] == stats["end"]
    title = "日通报" if one_day else "运行报告"
    lines = [f"# {hall_name} {title} — {period(stats)}", ""]
    lines += [f"- {label}：{text}" for label, text in headline(stats)]
    lines.append("")
    for table in tables(stats):
        lines += _table(table)
    return "\n".join(lines)


def _table(table: Table) -> list[str]:
    out = [f"## {table.title}", "",
           "| " + " | ".join(table.header) + " |",
           "|" + "---|" * len(table.header)]
    for row in table.rows:
        out.append("| " + " | ".join(_cell(value) for value in row) + " |")
    return [*out, ""]


def _cell(value: object) -> str:
    if value is None:
        return "—"
    return str(value).replace("|", "\\|")

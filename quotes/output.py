"""Render rows for people (a table, by tabulate) or for programs (json, nl, csv, tsv).

One streaming helper for every command, the vocabulary of sqlite-utils and datasette: a JSON array
(``[]`` when nothing matches), newline-delimited JSON (one object per line), CSV or TSV with a header
row; data on stdout only. Everything but the table is written row by row as the rows arrive, so an
export of millions of rows never sits in memory; a table needs every row to size its columns.
"""
from __future__ import annotations

import csv
import json
import re
import sys
import textwrap
from typing import Iterable

RECORD_FORMATS = ("json", "nl", "csv", "tsv")  # for programs; each has its own flag (--json, --nl, ...)
FORMATS = ("table", *RECORD_FORMATS)
ALIASES = {"jsonl": "nl"}  # the names `--format` accepted before --nl existed


# control characters (an escape sequence can clear or recolour a terminal; a carriage return overwrites
# the line) and the marks that reorder text on screen (bidirectional overrides and isolates)
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` safe to show on a terminal: what ``UNPRINTABLE`` matches is written as its escape
    (``\\x1b``, ``\\u202e``), so it shows instead of acting; line breaks and tabs are kept. Every
    field a command prints for people goes through here (tables, text views, messages); JSON escapes
    them by itself, and CSV and TSV keep the data as stored, for programs."""
    return UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def shorten(text, width: int) -> str:
    text = "" if text is None else printable(" ".join(str(text).split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def render(rows: Iterable[dict], fmt: str, *, columns: list[str] | None = None, widths: dict | None = None, out=None) -> None:
    """Write ``rows`` in ``fmt``. ``columns`` picks and orders the table's columns, and names the
    CSV/TSV header, which is then written even when there are no rows (without ``columns`` the first
    row's keys name it, and an empty result writes nothing)."""
    out = out or sys.stdout
    fmt = ALIASES.get(fmt, fmt)
    if fmt == "json":
        write_json_array(rows, out)
    elif fmt == "nl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif fmt in ("csv", "tsv"):
        write_delimited(rows, out, columns=columns, delimiter="\t" if fmt == "tsv" else ",")
    elif fmt == "table":
        write_table(list(rows), out, columns=columns, widths=widths or {})
    else:
        raise ValueError(f"unknown output format {fmt!r}; one of {', '.join(FORMATS)}")


def write_json_array(rows: Iterable[dict], out) -> None:
    """The text ``json.dump(list(rows), out, indent=2)`` writes, one row at a time."""
    first = True
    for row in rows:
        out.write("[\n" if first else ",\n")
        out.write(textwrap.indent(json.dumps(row, ensure_ascii=False, indent=2, default=str), "  "))
        first = False
    out.write("[]\n" if first else "\n]\n")


def write_delimited(rows: Iterable[dict], out, *, columns: list[str] | None, delimiter: str) -> None:
    writer = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=columns or list(row), extrasaction="ignore",
                                    delimiter=delimiter, lineterminator="\n")
            writer.writeheader()
        writer.writerow(row)
    if writer is None and columns:
        csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow(columns)


def write_table(rows: list[dict], out, *, columns: list[str] | None, widths: dict) -> None:
    from tabulate import tabulate

    if not rows:
        return
    cols = columns or list(rows[0])
    table = [[shorten(r.get(c), widths.get(c, 60)) for c in cols] for r in rows]
    out.write(tabulate(table, headers=cols, tablefmt="simple") + "\n")

"""Render rows for people (a table, by tabulate) or for programs (json, nl, csv, tsv).

One streaming helper for every command, the vocabulary of sqlite-utils and datasette: a JSON array
(``[]`` when nothing matches), newline-delimited JSON (one object per line), CSV or TSV with a header
row; data on stdout only. Everything but the table is written row by row as the rows arrive, so an
export of millions of rows never sits in memory; a table needs every row to size its columns.
"""
from __future__ import annotations

import contextvars
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


FULL = contextvars.ContextVar("full", default=False)  # --full: tables print whole texts
MIN_FLEX = 20  # the narrowest the widest column is cut to, however narrow the terminal


def table_widths(rows: list[dict], cols: list[str], widths: dict, total: int | None = None) -> dict:
    """Each column's width in a table that fits ``total`` characters (the terminal's width, or
    $COLUMNS; 120 when neither says): columns keep their content's width up to their ``widths``;
    the column with the largest limit (the quote text) takes what is left, at least ``MIN_FLEX``."""
    import shutil

    total = total or shutil.get_terminal_size((120, 24)).columns
    natural = {c: max([len(c), *(len(shorten(r.get(c), 10**6)) for r in rows)]) for c in cols}
    out = {c: min(natural[c], widths.get(c, 60)) for c in cols}
    flex = max(cols, key=lambda c: (widths.get(c, 0), natural[c]))
    room = lambda: total - sum(w for c, w in out.items() if c != flex) - 2 * (len(cols) - 1)  # noqa: E731
    # a narrow terminal: the other wide columns give up width (to 12) before the text goes under 40,
    # then (to their header's width) before it goes under MIN_FLEX
    for floor, want in ((12, 40), (0, MIN_FLEX)):
        while room() < min(natural[flex], want):
            wide = [c for c in cols if c != flex and out[c] > max(floor, len(c), 4)]
            if not wide:
                break
            out[max(wide, key=lambda c: out[c])] -= 1
    out[flex] = max(min(MIN_FLEX, natural[flex]), min(natural[flex], room()))
    return out


def write_table(rows: list[dict], out, *, columns: list[str] | None, widths: dict) -> None:
    from tabulate import tabulate

    if not rows:
        return
    cols = columns or list(rows[0])
    if FULL.get():
        table = [[printable(" ".join(str(r.get(c) if r.get(c) is not None else "").split())) for c in cols] for r in rows]
        out.write(tabulate(table, headers=cols, tablefmt="simple") + "\n")
        return
    import shutil

    total = shutil.get_terminal_size((120, 24)).columns
    fit = table_widths(rows, cols, widths, total)
    for _ in range(3):  # tabulate pads numbers and headers its own way: measure, and take the excess off
        text = tabulate([[shorten(r.get(c), fit[c]) for c in cols] for r in rows], headers=cols, tablefmt="simple")
        excess = max(map(len, text.splitlines())) - total
        if excess <= 0:
            break
        shrinkable = sorted(cols, key=lambda c: -(fit[c] - max(len(c), 4)))
        for c in shrinkable:
            cut = min(excess, fit[c] - max(len(c), 4))
            if cut > 0:
                fit[c] -= cut
                excess -= cut
            if excess <= 0:
                break
    out.write(text + "\n")

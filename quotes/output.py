"""Render rows for people (a table, by tabulate) or for programs (json, jsonl, csv, tsv).

One streaming helper for every command, the vocabulary of sqlite-utils and datasette: a JSON array
(``[]`` when nothing matches), newline-delimited JSON, CSV or TSV; data on stdout only.
"""
from __future__ import annotations

import csv
import json
import sys
from typing import Iterable

FORMATS = ("table", "json", "jsonl", "csv", "tsv")


def shorten(text, width: int) -> str:
    text = "" if text is None else " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render(rows: Iterable[dict], fmt: str, *, columns: list[str] | None = None, widths: dict | None = None, out=None) -> None:
    out = out or sys.stdout
    rows = list(rows) if fmt in ("table", "json") else rows
    if fmt == "json":
        json.dump(list(rows), out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif fmt in ("csv", "tsv"):
        writer = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=columns or list(row), extrasaction="ignore",
                                        delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
                writer.writeheader()
            writer.writerow(row)
    else:
        from tabulate import tabulate

        if not rows:
            return
        cols = columns or list(rows[0])
        widths = widths or {}
        table = [[shorten(r.get(c), widths.get(c, 60)) for c in cols] for r in rows]
        out.write(tabulate(table, headers=cols, tablefmt="simple") + "\n")

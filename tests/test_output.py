"""The one renderer behind every record-printing command: valid output for every format, empty or
not, written as the rows arrive."""
import csv
import io
import json
import sqlite3

import pytest

from quotes.output import UNPRINTABLE, render

pytestmark = pytest.mark.fast  # no parser, no sentence encoder (conftest refuses them)

ROWS = [{"id": 1, "text": "“Quoted,” with a comma\nand a line break", "n": None},
        {"id": 2, "text": 'tabs\tand "quotes"', "n": 0.5, "nested": [["equal", "a"], ["insert", "b"]]}]


def rendered(rows, fmt, **kw) -> str:
    out = io.StringIO()
    render(rows, fmt, out=out, **kw)
    return out.getvalue()


def test_json_is_what_json_dump_writes():
    assert rendered(iter(ROWS), "json") == json.dumps(ROWS, ensure_ascii=False, indent=2) + "\n"
    assert rendered(iter(ROWS[:1]), "json") == json.dumps(ROWS[:1], ensure_ascii=False, indent=2) + "\n"


def test_nl_is_one_object_a_line():
    assert [json.loads(line) for line in rendered(ROWS, "nl").splitlines()] == ROWS
    assert rendered(ROWS, "jsonl") == rendered(ROWS, "nl")  # the older name


@pytest.mark.parametrize("fmt,delimiter", [("csv", ","), ("tsv", "\t")])
def test_delimited_round_trips(fmt, delimiter):
    back = list(csv.DictReader(io.StringIO(rendered(ROWS, fmt, columns=["id", "text", "n"])), delimiter=delimiter))
    assert [(r["id"], r["text"], r["n"]) for r in back] == [("1", ROWS[0]["text"], ""), ("2", ROWS[1]["text"], "0.5")]


def test_empty():
    assert rendered(iter([]), "json") == "[]\n"
    assert json.loads(rendered([], "json")) == []
    assert rendered([], "nl") == ""
    assert rendered([], "csv", columns=["id", "text"]) == "id,text\n"
    assert rendered([], "tsv", columns=["id", "text"]) == "id\ttext\n"
    assert rendered([], "csv") == ""  # no columns known, no header
    assert rendered([], "table") == ""


@pytest.mark.parametrize("fmt", ["json", "nl", "csv", "tsv"])
def test_streams_row_by_row(fmt):
    """Each row is written before the next is asked for: nothing is gathered in a list first."""
    out = io.StringIO()
    written_before = []

    def rows():
        for i in range(3):
            written_before.append(out.getvalue().count("row "))  # how many rows are out already
            yield {"id": i, "text": f"row {i}"}

    render(rows(), fmt, out=out, columns=["id", "text"])
    assert written_before == [0, 1, 2]


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        render([], "xml")


@pytest.mark.parametrize("hostile", ["\x1b[2J\x1b[H", "\x07", "\u202e", "\x9b31m"])
def test_terminal_controls_in_a_field_are_shown_not_obeyed(hostile):
    """An id or an outlet holding an escape sequence (one clears the screen), a carriage return or a
    bidirectional override is printed as its escape in a table (issue 31, item 12)."""
    out = io.StringIO()
    render([{"outlet": f"Daily{hostile}News", "text": "said"}], "table", out=out)
    shown = out.getvalue()
    assert not UNPRINTABLE.search(shown.replace("\n", ""))
    assert hostile.encode("unicode_escape").decode("ascii") in shown


def test_a_carriage_return_in_a_table_field_is_a_space():
    out = io.StringIO()
    render([{"outlet": "Daily\rNews"}], "table", out=out)
    assert "\r" not in out.getvalue() and "Daily News" in out.getvalue()


def test_messages_for_people_are_printable(capsys):
    from quotes.cli import echo

    echo("error: \x1b[2Jevil.txt: could not read it", err=True)
    assert capsys.readouterr().err == "error: \\x1b[2Jevil.txt: could not read it\n"


def test_tables_fit_the_terminal_and_full_prints_whole_texts(seeds_db, runner, monkeypatch):
    """Issue 32, item 4: the table cut quote text at 70 characters whatever the terminal's width."""
    from quotes.cli import cli

    longest = max(len(t) for (t,) in sqlite3.connect(seeds_db).execute("select text from quotes where text like '%soldiers%'"))
    for width in (80, 120, 240):
        monkeypatch.setenv("COLUMNS", str(width))
        lines = runner.invoke(cli, ["--db", str(seeds_db), "who-said", "soldiers"], catch_exceptions=False).output.splitlines()
        assert lines and max(len(line) for line in lines) <= width, (width, max(len(line) for line in lines))
        if width == 240:
            assert max(len(line) for line in lines) > 170  # the text takes the room there is
    full = runner.invoke(cli, ["--db", str(seeds_db), "who-said", "soldiers", "--full"], catch_exceptions=False).output
    assert max(len(line) for line in full.splitlines()) >= longest and "…" not in full

"""Hostile but realistic input: encodings, special files, broken JSONL lines, unreadable folders.
Every good input of a run is stored; every bad one is named on stderr, one line each; exit 1."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import quotes_of

from quotes.read import ReadFailure, decode, iter_paths, read_items, read_path

ARTICLE = ("Mayor wins council vote\n\n"
           "“We will rebuild the bridge before winter,” Mayor Zoë Müller said on Monday at the café in Moscow’s old quarter. "
           "The council approved the plan by seven votes to two after a long debate about costs.")


@pytest.mark.fast
def test_windows_1252_keeps_curly_quotes():
    text = decode(ARTICLE.encode("cp1252"))
    assert "“We will rebuild" in text and "Zoë Müller" in text and "Moscow’s" in text


@pytest.mark.fast
def test_utf8_with_a_stray_byte_stays_utf8_and_says_so():
    data = ARTICLE.encode("utf-8").replace(b"seven", b"sev\xffen")
    warnings = []
    text = decode(data, warnings)
    assert "“We will rebuild" in text and "Zoë Müller" in text  # not decoded as a single-byte charset
    assert "sev\ufffden" in text
    assert warnings == ["1 invalid UTF-8 byte sequence replaced with U+FFFD"]


@pytest.mark.parametrize("codec,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""),
                                       ("utf-16-be", b""), ("utf-32-le", b"\xff\xfe\x00\x00")])
@pytest.mark.fast
def test_utf16_and_utf32(codec, bom):
    assert decode(bom + ARTICLE.encode(codec)) == ARTICLE


@pytest.mark.fast
def test_mojibake_is_repaired_and_reported():
    mangled = ARTICLE.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    assert "â€œ".encode() in mangled
    warnings = []
    text = decode(mangled, warnings)
    assert "“We will rebuild" in text and "Moscow’s" in text
    assert warnings and "mojibake" in warnings[0]


@pytest.mark.fast
def test_cyrillic_single_byte_is_not_taken_for_western():
    ru = "Мэр заявил, что мост будет восстановлен до зимы. Совет одобрил план после долгих споров о расходах."
    assert decode(ru.encode("cp1251")) == ru


@pytest.mark.fast
def test_a_fifo_is_refused_without_reading(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (item,) = read_items(str(fifo))  # would block forever if opened for a plain read
    assert isinstance(item, ReadFailure) and "not a regular file (a named pipe)" in item.reason
    failures = []
    assert list(iter_paths([str(tmp_path)], failures)) == []
    assert [f.reason for f in failures] == ["not a regular file (a named pipe); skipped"]


@pytest.mark.fast
def test_a_device_is_refused():
    (item,) = read_items("/dev/zero")
    assert isinstance(item, ReadFailure) and "character device" in item.reason


@pytest.mark.fast
def test_the_byte_cap_holds_while_reading(tmp_path, monkeypatch):
    import quotes.read as read

    monkeypatch.setattr(read, "MAX_BYTES", 1000)
    p = tmp_path / "big.txt"
    p.write_text(ARTICLE * 20)
    (item,) = read_items(str(p))
    assert isinstance(item, ReadFailure) and item.reason.startswith("too large")


@pytest.mark.fast
def test_jsonl_lines_are_checked_one_by_one(tmp_path):
    p = tmp_path / "feed.jsonl"
    lines = [json.dumps({"text": ARTICLE, "outlet": "Gazette"}), "{not json}",
             json.dumps({"text": ARTICLE + " Second.", "title": 42}),
             json.dumps({"text": ARTICLE + " Third.", "outlet": ["a", "b"]}),
             json.dumps({"text": ARTICLE + " Fourth.", "url": "https://example.org/4"})]
    p.write_text("\n".join(lines))
    items = list(read_items(str(p)))
    good = [i for i in items if not isinstance(i, ReadFailure)]
    bad = {i.source: i.reason for i in items if isinstance(i, ReadFailure)}
    assert [a.outlet or a.url for a in good] == ["Gazette", "https://example.org/4"]
    assert bad == {"feed.jsonl:2": "not valid JSON (Expecting property name enclosed in double quotes)",
                   "feed.jsonl:3": '"title" must be a string (got int)',
                   "feed.jsonl:4": '"outlet" must be a string (got list)'}
    with pytest.raises(Exception, match="line 2: not valid JSON"):
        read_path(str(p))


@pytest.mark.fast
def test_an_unlistable_subfolder_is_named(tmp_path, monkeypatch):
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text(ARTICLE)
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)  # root reads everything: deny it the way a mode 000 folder would
    failures = []
    assert [p.replace(str(tmp_path), "") for p in iter_paths([str(tmp_path)], failures)] == ["/ok/a.txt"]
    assert [(f.source.replace(str(tmp_path), ""), f.reason) for f in failures] == \
        [("/locked", "cannot list this folder (Permission denied)")]


def test_ingest_keeps_the_good_inputs_and_names_the_bad(tmp_path):
    """A real `quotes ingest` process over a folder of every encoding, a FIFO and a broken feed."""
    folder = tmp_path / "in"
    folder.mkdir()
    encodings = {"cp1252.txt": ARTICLE.encode("cp1252"), "utf16.txt": b"\xff\xfe" + ARTICLE.replace("Mayor", "The mayor").encode("utf-16-le"),
                 "stray.txt": ARTICLE.replace("Monday", "Tuesday").encode("utf-8").replace(b"seven", b"sev\xffen"),
                 "mojibake.txt": ARTICLE.replace("Monday", "Friday").encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")}
    for name, data in encodings.items():
        (folder / name).write_bytes(data)
    os.mkfifo(folder / "pipe.txt")
    (folder / "feed.jsonl").write_text(json.dumps({"text": ARTICLE.replace("Monday", "Sunday")}) + "\n{broken\n")
    db = tmp_path / "q.db"
    r = subprocess.run([sys.executable, "-m", "quotes.cli", "--db", str(db), "ingest", "--workers", "1", str(folder)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2 and any("pipe.txt: not a regular file" in e for e in errors) and any("feed.jsonl:2" in e for e in errors)
    assert sum("warning: " in line for line in r.stderr.splitlines()) == 2  # the stray byte, the mojibake
    quotes = quotes_of(db)
    direct = {q["article"] for q in quotes if q["type"] == "direct" and q["text"].startswith("We will rebuild")}
    assert direct == {"cp1252.txt", "utf16.txt", "stray.txt", "mojibake.txt", "feed.jsonl:1"}


@pytest.mark.fast
@pytest.mark.fast
def test_an_empty_path_is_refused_not_taken_for_the_current_folder(tmp_path, monkeypatch):
    """`quotes ingest "$UNSET"` passes "": Path("") is the current folder, which it must not read
    (issue 31, item 7)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("“We will rebuild,” the mayor said.")
    failures: list = []
    assert list(iter_paths(["", "  "], failures)) == []
    assert [f.reason for f in failures] == ["an empty path (an unset variable?): nothing read from it"] * 2


def test_ingest_of_an_empty_path_fails_and_keeps_the_good_one(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("“We will rebuild every school,” the mayor said on Monday.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "other.txt").write_text("“Not this one,” the governor said.")
    db = tmp_path / "q.db"
    r = subprocess.run([sys.executable, "-m", "quotes.cli", "--db", str(db), "ingest", "--workers", "1", "", str(good)],
                       capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert r.returncode != 0
    assert "error: '': an empty path (an unset variable?): nothing read from it" in r.stderr
    assert [q["text"] for q in quotes_of(db)] == ["We will rebuild every school,"]


def test_a_huge_one_line_article_is_refused_at_once(tmp_path):
    import time

    p = tmp_path / "dump.txt"
    p.write_text(("The minister said the plan would work. " * 130_000).strip())  # 5 MB on one line
    t0 = time.perf_counter()
    (item,) = read_items(str(p))
    assert time.perf_counter() - t0 < 5
    assert isinstance(item, ReadFailure) and item.reason.startswith("too long for one article (5,")


@pytest.mark.fast
def test_long_paragraphs_are_cut_at_sentence_ends():
    from quotes.clean import MAX_PARAGRAPH_CHARS, clean_article

    sentence = "“We will rebuild the bridge,” the mayor said on Monday, according to officials. "
    text = "Headline here\n\n" + (sentence * 200).strip() + "\n\n" + "x" * 9000
    pieces = clean_article(text).text.split("\n\n")
    assert pieces[0] == "Headline here"
    assert all(len(p) <= MAX_PARAGRAPH_CHARS for p in pieces)
    body = [p for p in pieces[1:] if p.startswith("“")]
    assert len(body) >= 4 and all(p.endswith("officials.") for p in body)  # cut between sentences only
    assert " ".join(body) == (sentence * 200).strip()
    assert "".join(p for p in pieces if p.startswith("x")) == "x" * 9000


@pytest.mark.fast
def test_a_jsonl_integer_past_pythons_digit_limit_is_one_bad_line(tmp_path):
    p = tmp_path / "big.jsonl"
    p.write_text('{"text": "' + ARTICLE.replace("\n", " ") + '", "id": ' + "9" * 5000 + "}\n"
                 + json.dumps({"text": ARTICLE}) + "\n")
    items = list(read_items(str(p)))
    assert isinstance(items[0], ReadFailure) and items[0].reason.startswith("not valid JSON")
    assert not isinstance(items[1], ReadFailure) and items[1].text.startswith("Mayor wins")


@pytest.mark.fast
def test_cp1252_with_one_accidental_utf8_pair_stays_cp1252():
    text = "Die Straße “bleibt” geschlossen, sagte Müller am Montag, und der Stadtrat stimmte zu."
    assert decode(text.encode("cp1252")) == text


@pytest.mark.fast
@pytest.mark.parametrize("special", ["fifo", "/dev/zero", ""])
def test_quotes_parse_has_ingests_guards(tmp_path, special):
    """Issue 31, item 14: `quotes parse` read /dev/zero until memory ran out and hung on a FIFO; it
    now reads through ingest's guards and says why in one line, before any model loads."""
    from click.testing import CliRunner

    from quotes.cli import cli

    path = special
    if special == "fifo":
        path = str(tmp_path / "pipe")
        os.mkfifo(path)
    r = CliRunner().invoke(cli, ["parse", path])
    assert r.exit_code == 1 and len(r.output.strip().splitlines()) == 1
    assert "not a regular file" in r.output or "empty path" in r.output


@pytest.mark.fast
def test_a_folder_tree_deeper_than_the_recursion_limit_is_walked(tmp_path):
    """Issue 31, item 6: a tree 1,100 folders deep ended the whole run with a RecursionError
    (os.walk recurses); the walk keeps a stack of its own and finds the file at the bottom."""
    deep = tmp_path / "deep"
    deep.mkdir()
    (deep / "top.txt").write_text("“We will rebuild,” the mayor said.")
    cwd = os.getcwd()
    try:
        os.chdir(deep)
        for _ in range(1100):
            os.mkdir("d")
            os.chdir("d")
        with open("bottom.txt", "w") as f:
            f.write("“Not yet,” the governor said.")
    finally:
        os.chdir(cwd)
    try:
        found = list(iter_paths([str(deep)], []))
    finally:
        _remove_deep(deep)  # pytest removes old temporary folders recursively, and could not remove this one
    assert len(found) == 2 and found[-1].endswith("top.txt") and found[0].endswith("/d/bottom.txt")


def _remove_deep(deep) -> None:
    for folder, _dirs, files in sorted(((f, d, fs) for f, d, fs in _iter_tree(deep)), key=lambda x: -len(x[0])):
        for name in files:
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)


def _iter_tree(root):
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as it:
            entries = list(it)
        yield folder, None, [e.name for e in entries if not e.is_dir(follow_symlinks=False)]
        stack.extend(e.path for e in entries if e.is_dir(follow_symlinks=False))


# -- issue 31, item 11: the input edge cases left -------------------------------------------------
@pytest.mark.fast
def test_standard_input_named_twice_is_read_once_and_said_so():
    failures: list = []
    assert list(iter_paths(["-", "-"], failures)) == ["-"]
    assert [(f.source, f.reason) for f in failures] == [("-", "standard input given twice: read once")]


@pytest.mark.fast
def test_a_symlinked_folder_is_read_and_a_link_loop_is_not(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "a.txt").write_text(ARTICLE)
    root = tmp_path / "in"
    root.mkdir()
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (outside / "back").symlink_to(root, target_is_directory=True)  # a loop: in -> linked -> back -> in
    found = list(iter_paths([str(root)], []))
    assert [os.path.realpath(p) for p in found] == [str((outside / "a.txt").resolve())]


@pytest.mark.fast
def test_a_json_file_holds_one_article_or_an_array_of_them(tmp_path):
    many = tmp_path / "export.json"
    many.write_text(json.dumps([{"text": ARTICLE, "outlet": "Gazette"}, {"txt": "no text key"},
                                {"text": ARTICLE + " Again.", "url": "https://example.org/2"}]))
    items = list(read_items(str(many)))
    assert [(i.outlet or i.url) for i in items if not isinstance(i, ReadFailure)] == ["Gazette", "https://example.org/2"]
    assert [(i.source, i.reason) for i in items if isinstance(i, ReadFailure)] == \
        [("export.json:2", 'each line must be an object with a "text" string')]
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"text": ARTICLE, "published": "2025-01-11"}))
    (item,) = read_items(str(one))
    assert item.published == "2025-01-11" and item.source == "one.json"
    assert str(one) in list(iter_paths([str(tmp_path)], []))  # a folder's .json files are read, not skipped


@pytest.mark.fast
def test_a_jsonl_file_past_the_byte_cap_keeps_its_lines(tmp_path, monkeypatch):
    """The cap is per line for JSONL (a news export runs to gigabytes); a line past it is named."""
    import quotes.read as read

    monkeypatch.setattr(read, "MAX_BYTES", 1000)
    p = tmp_path / "export.jsonl"
    lines = [json.dumps({"text": ARTICLE + f" Number {n}."}) for n in range(8)]
    lines.insert(3, json.dumps({"text": ARTICLE * 6}))  # about 1,600 bytes: one line too long
    p.write_text("\n".join(lines) + "\n")
    assert p.stat().st_size > 3 * read.MAX_BYTES
    items = list(read_items(str(p)))
    good = [i for i in items if not isinstance(i, ReadFailure)]
    assert [i.text.rsplit(" ", 1)[1] for i in good] == [f"{n}." for n in range(8)]
    assert [(i.source, i.reason) for i in items if isinstance(i, ReadFailure)] == \
        [("export.jsonl:4", "a line over 1,000 bytes; skipped")]


@pytest.mark.fast
def test_a_lone_surrogate_escape_in_jsonl_is_replaced_not_lost(tmp_path):
    p = tmp_path / "s.jsonl"
    text = json.dumps(ARTICLE + " Bad ")[:-1] + '\\udc00 escape."'  # a JSON escape of a lone surrogate
    p.write_text('{"id": "story-\\ud800", "text": ' + text + '}\n' + json.dumps({"text": ARTICLE + " Fine."}) + "\n")
    items = list(read_items(str(p)))
    assert not any(isinstance(i, ReadFailure) for i in items) and len(items) == 2
    first = items[0]
    assert first.source == "story-\ufffd" and "\ufffd" in first.text
    first.source.encode("utf-8"), first.text.encode("utf-8")  # storable: no lone surrogate is left
    assert any("lone surrogate" in w for w in first.warnings)


@pytest.mark.fast
def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")
    path = tmp_path / name
    path.write_text(ARTICLE)
    (item,) = read_items(str(path))
    assert item.source == "caf\\xe9.txt"
    item.source.encode("utf-8")  # storable and printable


@pytest.mark.fast
def test_a_page_with_a_huge_inline_script_still_gives_its_article(tmp_path):
    """libxml2 refuses a text node over 10 MB: an 11 MB inline script hid the whole page's article."""
    body = "".join(f"<p>“We will rebuild bridge number {i} before winter,” Mayor Zoe Muller said on Monday "
                   "at the council meeting in the old quarter.</p>" for i in range(5))
    ld = '{"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2025-01-11T09:00:00Z"}'
    page = ("<html><head><title>Bridge</title><script type='application/ld+json'>" + ld + "</script></head><body><script>"
            + "var x = 1;" * 1_100_000 + "</script><article><h1>Mayor wins vote</h1>" + body + "</article></body></html>")
    p = tmp_path / "page.html"
    p.write_text(page)
    (item,) = read_items(str(p))
    assert not isinstance(item, ReadFailure), item
    assert "bridge number 4" in item.text and item.published and item.published.startswith("2025-01-11")


# -- issue 32, item 1: the inputs news people have -------------------------------------------------
@pytest.mark.fast
def test_a_media_cloud_csv_gives_each_row_its_outlet_and_date(tmp_path):
    """Media Cloud's export columns (stories_id, publish_date, title, url, media_name) plus a text
    column; quoted fields hold commas and line breaks; dates come out as stored (UTC)."""
    import csv

    p = tmp_path / "export.csv"
    with p.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["stories_id", "publish_date", "title", "url", "language", "media_name", "media_url", "text"])
        w.writerow([101, "2016-07-05 14:03:00.123456", "Mayor wins vote", "https://www.example-gazette.com/a",
                    "en", "Example Gazette", "https://example-gazette.com", ARTICLE])
        w.writerow([102, "Tue, 05 Jul 2016 18:00:00 -0400", "", "https://news.example.co.uk/b", "en", "", "",
                    ARTICLE + "\n\nA second paragraph, with a comma."])
        w.writerow([103, "not a date", "No text here", "", "en", "Daily", "", ""])
    items = list(read_items(str(p)))
    good = [i for i in items if not isinstance(i, ReadFailure)]
    assert [(a.source, a.outlet, a.published, a.url) for a in good] == [
        ("101", "Example Gazette", "2016-07-05T14:03:00+00:00", "https://www.example-gazette.com/a"),
        ("102", None, "2016-07-05T22:00:00+00:00", "https://news.example.co.uk/b")]
    assert good[1].text.endswith("A second paragraph, with a comma.")
    assert [(i.source, i.reason) for i in items if isinstance(i, ReadFailure)] == [("export.csv:10", "no text in this row")]  # the line the row starts on


@pytest.mark.fast
def test_a_tsv_with_other_column_names_and_an_html_column(tmp_path):
    p = tmp_path / "pages.tsv"
    page = "<html><head><title>Bridge</title></head><body><article><h1>Mayor wins vote</h1><p>" + \
        "“We will rebuild the bridge before winter,” Mayor Zoe Muller said on Monday at the council meeting.</p></article></body></html>"
    p.write_text("doc\tsite\twhen\tpage\nx1\tThe Herald\tJuly 5, 2016\t" + page + "\n")
    (unnamed,) = read_items(str(p))  # "page" is no usual name: the file says which columns it has
    assert isinstance(unnamed, ReadFailure) and "no text column" in unnamed.reason and "doc, site, when, page" in unnamed.reason
    (item,) = read_items(str(p), columns={"outlet": "site", "id": "doc", "html": "page"})
    assert (item.source, item.outlet, item.title) == ("x1", "The Herald", "Mayor wins vote") and "rebuild the bridge" in item.text
    (item,) = read_items(str(p), columns={"html": "page", "published": "when"})
    assert item.published == "2016-07-05"
    (bad,) = read_items(str(p), columns={"text": "body"})
    assert isinstance(bad, ReadFailure) and bad.reason.startswith("no column 'body' (for text)")


@pytest.mark.fast
def test_dates_are_normalised_when_read_and_outlets_come_from_the_registered_domain():
    from quotes.outlet import outlet_from_url
    from quotes.read import normalise_date

    assert normalise_date("2016-07-05") == "2016-07-05"
    assert normalise_date("2016-07-05T14:03:00-04:00") == "2016-07-05T18:03:00+00:00"
    assert normalise_date("July 5, 2016") == "2016-07-05"
    with pytest.raises(ValueError):
        normalise_date("soon")
    assert outlet_from_url("https://edition.cnn.com/2025/01/11/x") == outlet_from_url("https://www.cnn.com/y") == "cnn.com"
    assert outlet_from_url("https://news.bbc.co.uk/2/hi") == "bbc.co.uk"


@pytest.mark.fast
def test_a_warc_crawl_gives_each_html_page_as_an_article(tmp_path):
    """Issue 32, item 1: WARC and WARC.gz (news crawls), written here by warcio as a crawler writes
    them: each HTML response with a 200 status is an article, with its URL and the crawl's date when
    the page gives none; other records (requests, images, redirects) are not articles."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def page(n):
        return (f"<html><head><title>Vote {n}</title></head><body><article><h1>Mayor wins vote {n}</h1><p>“We will "
                f"rebuild bridge number {n} before winter,” Mayor Zoe Muller said on Monday at the council meeting."
                "</p></article></body></html>").encode()

    for name, gz in (("crawl.warc.gz", True), ("crawl.warc", False)):
        path = tmp_path / name
        with path.open("wb") as f:
            writer = WARCWriter(f, gzip=gz)
            for n, (status, kind, body) in enumerate([("200 OK", "text/html; charset=utf-8", page(1)),
                                                      ("301 Moved", "text/html", b""),
                                                      ("200 OK", "image/png", b"\x89PNG"),
                                                      ("200 OK", "text/html", page(2))]):
                headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
                record = writer.create_warc_record(f"https://news.example.org/story/{n}", "response", payload=BytesIO(body),
                                                   http_headers=headers, warc_headers_dict={"WARC-Date": "2025-01-11T09:30:00Z"})
                writer.write_record(record)
        items = list(read_items(str(path)))
        assert [(i.source, i.published) for i in items] == [
            ("https://news.example.org/story/0", "2025-01-11T09:30:00+00:00"),
            ("https://news.example.org/story/3", "2025-01-11T09:30:00+00:00")], name
        assert "bridge number 2" in items[1].text and items[1].url == "https://news.example.org/story/3"
    assert sorted(os.path.basename(p) for p in iter_paths([str(tmp_path)], [])) == ["crawl.warc", "crawl.warc.gz"]
    (tmp_path / "x.warc").write_bytes(b"not a warc at all\n")
    (bad,) = read_items(str(tmp_path / "x.warc"))
    assert isinstance(bad, ReadFailure) and "WARC" in bad.reason

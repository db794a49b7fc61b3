"""Stage 1 of the pipeline: turn files, folders and stdin into ``RawArticle`` records.

Handles .txt (the first line is the headline when it looks like one), .html/.htm (article text and
metadata by trafilatura, which drops navigation, link lists and sign-up prompts better than anything
hand-written), and .jsonl (one article per line, each line checked on its own). Anything else that
is text is read as .txt.

Decoding (``decode``): byte-order marks first (UTF-8, UTF-16, UTF-32), UTF-16 without a mark by its
zero bytes, then UTF-8; UTF-8 with a few stray bytes stays UTF-8 with those replaced (and says so);
other single-byte text is Windows-1252 when it reads as Western text, else whatever charset
charset-normalizer finds; mojibake (UTF-8 read as Windows-1252 somewhere upstream: "Moscowâ€™s") is
repaired by ftfy, and said so.

Only regular files are read (a FIFO or a device among the inputs is refused, never opened for a
blocking read), with a hard byte cap while reading. ``read_items`` never raises: it returns the
articles and a ``ReadFailure`` (one-line reason) for each input or JSONL line it could not read, so
the caller stores the good ones and names the others.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

MAX_BYTES = 20 * 1024 * 1024  # a news article is far smaller; this guards against dumps and binaries
MIN_CHARS = 20
MAX_ARTICLE_CHARS = 300_000  # about 50,000 words: far past any news article, and a minute of parsing
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}  # one article object, or an array of them (the keys of a JSONL line)
CSV_SUFFIXES = {".csv", ".tsv"}  # one article per row, columns by name (``CSV_COLUMNS``)
WARC_SUFFIXES = {".warc"}  # a web crawl: each HTML response one article (and .warc.gz: ``is_warc``)
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | CSV_SUFFIXES | WARC_SUFFIXES


class ReadError(Exception):
    """An input that cannot be read as an article; the message is one line."""


@dataclass
class ReadFailure:
    """An input, or one line of a JSONL file, that could not be read; ``reason`` is one line."""

    source: str
    reason: str


@dataclass
class RawArticle:
    """One article as read: normalised text plus whatever metadata the source carried."""

    source: str  # file name (or "<stdin>", or "file.jsonl:LINE")
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    extra: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # what reading changed (bytes replaced, mojibake repaired)

    @property
    def key(self) -> str:
        """Content key: SHA-256 of the whitespace- and case-normalised text."""
        norm = re.sub(r"\s+", " ", self.text).strip().lower()
        return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def iter_paths(paths: list[str], failures: list | None = None) -> Iterator[str]:
    """Expand directories recursively (sorted, hidden files skipped); ``-`` stays as stdin; an empty
    path is refused (it would mean the current folder).

    A subfolder that cannot be listed is appended to ``failures`` as a ``ReadFailure``; special files
    (pipes, devices, sockets) found in a folder are named there too and never opened."""
    stdin_seen = False
    for p in paths:
        if p == "-":
            if stdin_seen:  # standard input has been read to its end: a second "-" would read nothing
                if failures is not None:
                    failures.append(ReadFailure("-", "standard input given twice: read once"))
                continue
            stdin_seen = True
            yield p
            continue
        if not p.strip():  # Path("") is the current folder: `quotes ingest "$UNSET"` would read all of it
            if failures is not None:
                failures.append(ReadFailure(repr(p), "an empty path (an unset variable?): nothing read from it"))
            continue
        path = Path(p)
        if path.is_dir():
            yield from sorted(_walk(path, failures))  # names only: the order the old rglob gave
        else:
            yield p


def _walk(root: Path, failures: list | None) -> Iterator[str]:
    def unreadable(err: OSError) -> None:
        if failures is not None:
            failures.append(ReadFailure(shown(str(err.filename or root)), f"cannot list this folder ({err.strerror or err})"))

    for folder, files in _folders(root, unreadable):
        for name in files:
            child = Path(folder) / name
            if name.startswith(".") or (child.suffix.lower() not in KNOWN_SUFFIXES and not is_warc(name)):
                continue
            try:
                mode = child.lstat().st_mode if not child.is_symlink() else child.stat().st_mode
            except OSError as e:
                if failures is not None:
                    failures.append(ReadFailure(shown(str(child)), e.strerror or str(e)))
                continue
            if stat.S_ISREG(mode):
                yield str(child)
            elif failures is not None:
                failures.append(ReadFailure(shown(str(child)), f"not a regular file ({_file_kind(mode)}); skipped"))


def _folders(root: Path, unreadable) -> Iterator[tuple[str, list[str]]]:
    """(folder, names of its non-folder entries) for ``root`` and every folder below it, hidden ones
    left out, as ``os.walk`` gives them, but with a stack of its own: ``os.walk`` recurses, and a
    tree a thousand folders deep ended the whole run with a RecursionError. Symbolic links to
    folders are followed (a folder linked into the input is part of it, as a user who linked it
    means), each real folder once: a link back up the tree is not a loop."""
    stack = [str(root)]
    seen: set[str] = set()
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in seen:
            continue
        seen.add(real)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as err:
            unreadable(err)
            continue
        subfolders, files = [], []
        for e in entries:
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                files.append(e.name)
            elif not e.name.startswith("."):
                subfolders.append(e.path)
        yield folder, files
        stack.extend(reversed(subfolders))


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory")):
        if test(mode):
            return name
    return "a special file"


def read_items(path: str, *, stdin=None, columns: dict[str, str] | None = None) -> Iterator:
    """The articles of one path (or ``-``), and a ``ReadFailure`` for whatever could not be read.
    Never raises for bad input. A JSONL file is read a block of lines at a time (``_jsonl_blocks``):
    it may be any size, each line at most ``MAX_BYTES``; every other input is read whole, at most
    ``MAX_BYTES``. File names that are not UTF-8 are shown with their bytes escaped (``shown``).
    ``columns`` maps fields (text, html, title, outlet, url, published, id) to a CSV file's column
    names, over ``CSV_COLUMNS``."""
    shown_path = shown(path)
    try:
        suffix = Path(path).suffix.lower()
        if path != "-" and suffix in JSONL_SUFFIXES:
            yield from _from_jsonl_file(path, shown(Path(path).name))
            return
        if path != "-" and is_warc(path):
            yield from _from_warc(path, shown(Path(path).name))
            return
        data = read_bytes(path, stdin=stdin)
        if path == "-":
            yield _from_text_bytes(data, "<stdin>")
            return
        name = shown(Path(path).name)
        if suffix in JSON_SUFFIXES:
            yield from _from_json(data, name)
        elif suffix in CSV_SUFFIXES:
            yield from _from_csv(data, name, delimiter="\t" if suffix == ".tsv" else None, columns=columns)
        elif suffix in HTML_SUFFIXES or _looks_like_html(data):
            yield _from_html(data, name)
        else:
            yield _from_text_bytes(data, name)
    except ReadError as e:
        yield ReadFailure(shown_path, str(e))


def shown(name: str) -> str:
    """A file name as it can be stored and printed: the bytes of a name that is not UTF-8 (Python
    keeps them as lone surrogates, which neither SQLite nor a terminal takes) as ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_path(path: str, *, stdin=None) -> list[RawArticle]:
    """Read one path (or ``-``) into articles. Raises ReadError with the first one-line reason when
    any part of it cannot be read (``read_items`` keeps the good parts instead)."""
    items = list(read_items(path, stdin=stdin))
    failures = [i for i in items if isinstance(i, ReadFailure)]
    if failures:
        f = failures[0]
        line = f.source.rpartition(":")[2] if f.source != path else ""
        raise ReadError(f"line {line}: {f.reason}" if line.isdigit() else f.reason)
    return items


def read_bytes(path: str, *, stdin=None) -> bytes:
    """The bytes of one path (or ``-``: standard input), with ingest's guards: at most ``MAX_BYTES``,
    a regular file only (a pipe or a device is refused before any read). Raises ReadError."""
    if path == "-":
        return _read_capped(stdin or sys.stdin.buffer)
    if not path.strip():
        raise ReadError("an empty path (an unset variable?)")
    return _read_regular_file(path)


def _read_regular_file(path: str) -> bytes:
    """The bytes of a regular file, at most MAX_BYTES (``_open_regular_file``)."""
    with os.fdopen(_open_regular_file(path), "rb") as f:
        try:
            return _read_capped(f)
        except OSError as e:
            raise ReadError(e.strerror or str(e)) from e


def _open_regular_file(path: str) -> int:
    """An open descriptor of a regular file; pipes and devices are refused before any read (opened
    non-blocking, then checked on the open descriptor, so a swap between check and open cannot make
    a read hang)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError as e:
        raise ReadError("no such file") from e
    except IsADirectoryError as e:
        raise ReadError("is a directory") from e
    except OSError as e:
        raise ReadError(e.strerror or str(e)) from e
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise ReadError("is a directory" if stat.S_ISDIR(mode) else f"not a regular file ({_file_kind(mode)}); skipped")
    os.set_blocking(fd, True)
    return fd


def _read_capped(f) -> bytes:
    """Read at most MAX_BYTES (whatever the file claims its size to be)."""
    data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ReadError(f"too large (over {MAX_BYTES // 2**20} MiB; the limit is {MAX_BYTES // 2**20} MiB)")
    return data


BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
MAX_STRAY_SHARE = 0.001  # UTF-8 with at most this share of invalid bytes (or a handful) stays UTF-8
MAX_STRAY_BYTES = 8
WESTERN_MAX_NON_ASCII_LETTERS = 0.3  # French or German text as Windows-1252: well under this share


def decode(data: bytes, warnings: list | None = None, *, whole_text: bool = True) -> str:
    """Decode bytes to text (see the module docstring for the order of evidence).

    Raises ReadError for binary data (NUL bytes outside UTF-16/32, or mostly unprintable text) when
    ``whole_text``; a JSONL file passes False, as each of its lines is checked on its own.
    Appends to ``warnings`` a one-line note of anything changed on the way."""
    warnings = [] if warnings is None else warnings
    if not data.strip():
        raise ReadError("empty file")
    text = _decode_unicode(data, warnings, whole_text)
    if text is None:
        text = _decode_single_byte(data)
    text = _repair_mojibake(text, warnings)
    if not text.strip():
        raise ReadError("empty file")
    if not whole_text:
        return text
    printable = sum(ch.isprintable() or ch.isspace() for ch in text)
    if printable < 0.95 * len(text):
        raise ReadError("binary data, not text")
    return text


def _decode_unicode(data: bytes, warnings: list, whole_text: bool = True) -> str | None:
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as e:
                raise ReadError(f"not valid {codec.upper().replace('-SIG', '')} after its byte-order mark") from e
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace")
    if whole_text and b"\x00" in data[:8192]:
        raise ReadError("binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if bad <= max(MAX_STRAY_BYTES, MAX_STRAY_SHARE * len(data)) and _mostly_utf8(data, bad):
        warnings.append(f"{bad} invalid UTF-8 byte sequence{'s' if bad != 1 else ''} replaced with U+FFFD")
        return text
    return None


def _mostly_utf8(data: bytes, bad: int) -> bool:
    """Valid multi-byte UTF-8 sequences outnumber the invalid ones (else it is a single-byte charset
    in which a pair of bytes happens to form a UTF-8 sequence)."""
    valid = len(re.findall(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}", data))
    return valid > bad


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a mark has a zero byte in every other position (Latin script)."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _decode_single_byte(data: bytes) -> str:
    """Windows-1252 when the text reads as Western (few non-ASCII letters), else charset-normalizer's
    best guess among common single-byte charsets."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        letters = [ch for ch in text if ch.isalpha()]
        non_ascii = sum(1 for ch in letters if ord(ch) > 127)
        if letters and non_ascii <= WESTERN_MAX_NON_ASCII_LETTERS * len(letters):
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "cp1251", "koi8_r", "iso8859_7", "cp1250",
                                          "iso8859_15", "mac_roman"]).best()
    if best is None:
        raise ReadError("unknown text encoding (not UTF-8, UTF-16 or a common single-byte charset)")
    return str(best)


MOJIBAKE = re.compile("[ÂÃâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


def _repair_mojibake(text: str, warnings: list) -> str:
    """Text that went through UTF-8 -> Windows-1252 somewhere upstream ("Moscowâ€™s") is put back by
    ftfy's ``fix_encoding``, which only undoes such round trips."""
    if not MOJIBAKE.search(text):
        return text
    import ftfy

    fixed = ftfy.fix_encoding(text)
    if fixed != text:
        warnings.append("mojibake repaired (text had been decoded with the wrong charset before)")
    return fixed


def normalise(text: str) -> str:
    """NFC, unified newlines, no control characters, paragraphs separated by one blank line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C" or ch == "\u00ad")
    text = text.replace("\u00ad", "").replace("\u00a0", " ").replace("\t", " ")
    lines = [re.sub(r"[ ]{2,}", " ", line).strip() for line in text.split("\n")]
    paragraphs = [line for line in lines if line]
    return "\n\n".join(paragraphs)


def _check_length(text: str, source: str) -> str:
    if len(text.strip()) < MIN_CHARS:
        raise ReadError("empty file" if not text.strip() else "too short to be an article")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ReadError(f"too long for one article ({len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,}): "
                        "split it, or feed it as JSONL, one article a line")
    return text


def _from_text_bytes(data: bytes, source: str) -> RawArticle:
    if len(data) > MAX_BYTES:
        raise ReadError(f"too large (over {MAX_BYTES // 2**20} MiB)")
    warnings: list[str] = []
    text = _check_length(normalise(decode(data, warnings)), source)
    first, _, _ = text.partition("\n\n")
    title = first if looks_like_headline(first) else None
    return RawArticle(source=source, text=text, title=title, warnings=warnings)


def looks_like_headline(line: str) -> bool:
    """A short first line with no final full stop and mostly capitalised words is a headline."""
    words = line.split()
    if not (3 <= len(words) <= 25) or len(line) > 200:
        return False
    if line.rstrip().endswith((".", ":", ";", ",")) and not line.rstrip().endswith("..."):
        return False
    return line[0].isupper() or line[0].isdigit() or line[0] in "\"“‘'"


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


SCRIPT_OR_STYLE = re.compile(r"(<(script|style)\b([^>]*)>)(.*?)(</\2\s*>)", re.IGNORECASE | re.DOTALL)
MAX_METADATA_SCRIPT = 1_000_000  # characters of a JSON-LD script kept for its metadata (dates, outlet, author)


def _without_code(html: str) -> str:
    """The page with the bodies of its scripts and style sheets emptied: they never hold article
    text, and libxml2 (under trafilatura) refuses a text node over 10 MB, so one huge inline script
    made "no article text found" on a page whose article was there. JSON-LD metadata under
    ``MAX_METADATA_SCRIPT`` characters is kept for the date and outlet it gives."""
    def empty(m: re.Match) -> str:
        if "ld+json" in m.group(3).lower() and len(m.group(4)) <= MAX_METADATA_SCRIPT:
            return m.group(0)
        return m.group(1) + m.group(5)

    return SCRIPT_OR_STYLE.sub(empty, html)


def _from_html(data: bytes, source: str) -> RawArticle:
    import trafilatura

    warnings: list[str] = []
    html = _without_code(decode(data, warnings))
    extracted = trafilatura.bare_extraction(html, include_comments=False, include_tables=False, with_metadata=True)
    if extracted is None:
        raise ReadError("no article text found in the HTML")
    meta = extracted if isinstance(extracted, dict) else extracted.as_dict()
    body = meta.get("text") or ""
    text = _check_length(normalise(body), source)
    title = (meta.get("title") or "").strip() or None
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    return RawArticle(
        source=source,
        text=text,
        title=title,
        outlet=(meta.get("sitename") or None),
        url=(meta.get("url") or None),
        published=_dated(meta.get("date"), warnings),
        warnings=warnings,
    )


JSONL_STRING_FIELDS = ("title", "outlet", "url", "published")


# A CSV or TSV file's columns, by the names common exports give them (Media Cloud: stories_id, title,
# url, publish_date, media_name; others: text, content, body, ...). The first present is read;
# ``--column FIELD=NAME`` names another.
CSV_COLUMNS = {
    "text": ("text", "content", "body", "article_text", "full_text", "story_text", "maintext", "article"),
    "html": ("html", "raw_html", "page_html", "content_html"),
    "title": ("title", "headline", "heading"),
    "outlet": ("media_name", "outlet", "publisher", "source_name", "media", "site_name", "source", "sitename"),
    "url": ("url", "link", "guid", "media_url_story", "story_url"),
    "published": ("publish_date", "published", "date", "pub_date", "publication_date", "published_at", "datetime"),
    "id": ("id", "stories_id", "story_id", "doc_id", "article_id"),
}


def _from_csv(data: bytes, source: str, *, delimiter: str | None = None, columns: dict[str, str] | None = None) -> Iterator:
    """One article per row of a CSV or TSV file with a header row (comma, semicolon or tab, sniffed
    when not given), its fields found by column name (``CSV_COLUMNS``, case-insensitive, or
    ``columns``); the text from a text column, else from an HTML column (as an .html file). A bad row
    is one ``ReadFailure`` naming its line, the others are read. Python's csv module: quoted fields
    may hold commas and line breaks."""
    import csv

    warnings: list[str] = []
    text = decode(data, warnings, whole_text=False)
    lines = text.splitlines(keepends=True)
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff("".join(lines[:5])[:20000], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    csv.field_size_limit(MAX_BYTES)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as e:
        raise ReadError("no header row") from e
    names = {h.strip().lower().lstrip("\ufeff"): i for i, h in enumerate(header)}
    where = {}
    for key, candidates in CSV_COLUMNS.items():
        given = (columns or {}).get(key)
        if given is not None:
            if given.lower() not in names:
                raise ReadError(f"no column {given!r} (for {key}); the columns are {', '.join(header)[:200]}")
            where[key] = names[given.lower()]
            continue
        found = next((names[c] for c in candidates if c in names), None)
        if found is not None:
            where[key] = found
    if "text" not in where and "html" not in where:
        raise ReadError(f"no text column ({', '.join(CSV_COLUMNS['text'][:4])}, ... or html): name one with "
                        f"--column text=NAME; the columns are {', '.join(header)[:200]}")
    seen = []

    def rows():
        """(name, a row's fields by key, or the csv.Error of a row that is not valid)."""
        while True:
            first_line = reader.line_num + 1  # where the row starts (a quoted field may hold line breaks)
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                yield f"{source}:{first_line}", e
                continue
            if any(cell.strip() for cell in row):
                seen.append(first_line)
                yield f"{source}:{first_line}", {key: (row[i].strip() if i < len(row) and row[i].strip() else None)
                                                 for key, i in where.items()}

    yield from _each(rows(), _csv_article, warnings)
    if not seen:
        raise ReadError("no rows under the header")


def _csv_article(get, name: str) -> RawArticle:
    """One article from a CSV row's fields (``get``: field -> value or None; a csv.Error for a row
    that is not valid)."""
    if isinstance(get, Exception):
        raise ReadError(f"not a valid row ({get})")
    warnings: list[str] = []
    if get.get("text"):
        obj = {"text": get["text"]}
        article = _json_article({**obj, "title": get.get("title")}, name)
        article.warnings = []
    elif get.get("html"):
        article = _from_html(get["html"].encode("utf-8"), name)
        if get.get("title"):
            article.title = normalise(get["title"])
    else:
        raise ReadError("no text in this row")
    article.source = get.get("id") or name
    article.outlet = get.get("outlet") or article.outlet
    article.url = get.get("url") or article.url
    published = _dated(get.get("published"), warnings) if get.get("published") else article.published
    article.published = published
    article.warnings = warnings
    return article


def is_warc(path: str) -> bool:
    name = path.lower()
    return name.endswith((".warc", ".warc.gz"))


def _from_warc(path: str, source: str) -> Iterator:
    """A WARC or WARC.gz file (a web crawl, Common Crawl's news crawl), read record by record with
    warcio (the Webrecorder project's streaming reader): each ``response`` record of an HTML page
    with a 200 status is an article, read as an .html file; its URL is the record's target, its date
    the page's own or else the crawl's. Each page at most ``MAX_BYTES``; any size of file."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    fd = _open_regular_file(path)
    found = False
    with os.fdopen(fd, "rb") as f:
        try:
            for n, record in enumerate(ArchiveIterator(f), 1):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                status = record.http_headers.get_statuscode()
                kind = (record.http_headers.get_header("Content-Type") or "").lower()
                if status != "200" or "html" not in kind:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                name = f"{source}:{url or n}"
                body = record.content_stream().read(MAX_BYTES + 1)
                if len(body) > MAX_BYTES:
                    yield ReadFailure(name, f"a page over {_size(MAX_BYTES)}; skipped")
                    continue
                try:
                    article = _from_html(body, name)
                except ReadError as e:
                    yield ReadFailure(name, str(e))
                    continue
                article.url = article.url or url
                article.source = url or name
                if article.published is None:
                    article.published = _dated(record.rec_headers.get_header("WARC-Date"), article.warnings)
                found = True
                yield article
        except ArchiveLoadFailed as e:
            raise ReadError(f"not a WARC file ({str(e).splitlines()[0][:80]})") from e
    if not found:
        raise ReadError("no HTML page with a 200 response in this WARC file")


def _from_jsonl_file(path: str, source: str) -> Iterator:
    """``_from_jsonl`` over a file of any size, a block of whole lines (about ``MAX_BYTES``) at a
    time; a line longer than ``MAX_BYTES`` is one ``ReadFailure``, the lines after it are read. A file
    in UTF-16 or UTF-32 (a byte-order mark) is read whole, at most ``MAX_BYTES``."""
    fd = _open_regular_file(path)
    with os.fdopen(fd, "rb") as f:
        head = f.read(4)
        if any(head.startswith(bom) for bom, codec in BOMS if codec != "utf-8-sig"):
            yield from _from_jsonl(head + _read_capped(f), source)
            return
        found = False
        first_line = 1
        rest = head
        while True:
            try:
                chunk = f.read(MAX_BYTES)
            except OSError as e:
                raise ReadError(e.strerror or str(e)) from e
            block = rest + chunk
            last = len(chunk) < MAX_BYTES  # a regular file reads short only at its end
            if last:
                end = len(block)
            else:
                end = block.rfind(b"\n") + 1
                if end == 0:  # no line ends in MAX_BYTES: one line too long; skip to its end
                    yield ReadFailure(f"{source}:{first_line}", f"a line over {_size(MAX_BYTES)}; skipped")
                    rest = _skip_line(f)
                    first_line += 1
                    continue
            lines, rest = block[:end], block[end:]
            if lines.strip():
                for item in _from_jsonl(lines, source, first_line=first_line):
                    found = True
                    yield item
            first_line += lines.count(b"\n")
            if last:
                break
        if not found:
            raise ReadError("empty file")


def _size(n: int) -> str:
    return f"{n // 2**20} MiB" if n >= 2**20 else f"{n:,} bytes"


def _skip_line(f) -> bytes:
    """Read past the end of the current line; returns what follows it in the last block read."""
    while True:
        chunk = f.read(MAX_BYTES)
        if not chunk:
            return b""
        end = chunk.find(b"\n")
        if end >= 0:
            return chunk[end + 1:]


def _from_json(data: bytes, source: str) -> Iterator:
    """A .json file: one article object, or an array of them (each as a JSONL line; a bad one is a
    ``ReadFailure`` naming its position, the others are read)."""
    warnings: list[str] = []
    text = decode(data, warnings, whole_text=False)
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError) as e:
        raise ReadError(f"not valid JSON ({getattr(e, 'msg', None) or str(e).splitlines()[0][:80]})") from e
    records = doc if isinstance(doc, list) else [doc]
    if not records:
        raise ReadError("empty file")
    named = [(f"{source}:{n}" if isinstance(doc, list) else source, record) for n, record in enumerate(records, 1)]
    yield from _each(named, _json_article, warnings)


def _from_jsonl(data: bytes, source: str, *, first_line: int = 1) -> Iterator:
    """One article per line; a bad line becomes a ``ReadFailure`` naming the line, the others are read."""
    warnings: list[str] = []
    lines = decode(data, warnings, whole_text=False).split("\n")
    records = [(f"{source}:{n}", line) for n, line in enumerate(lines, first_line) if line.strip()]
    if not records:
        raise ReadError("empty file")
    yield from _each(records, _jsonl_article, warnings)


def _each(records, make, warnings: list) -> Iterator:
    """``make(record, name)`` for each (name, record) of one file: a record that cannot be read is a
    ``ReadFailure`` naming it, and the others are read; what decoding the file changed
    (``warnings``) is said once, with its first article."""
    said = False
    for name, record in records:
        try:
            article = make(record, name)
        except ReadError as e:
            yield ReadFailure(name, str(e))
            continue
        if not said:
            article.warnings = list(warnings) + article.warnings
            said = True
        yield article


LONE_SURROGATE = re.compile("[\ud800-\udfff]")
DATE_ONLY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")


def normalise_date(value) -> str | None:
    """A publication date as stored: an ISO date ("2016-07-05") when the input gives a day only, else
    an ISO 8601 timestamp in UTC ("2016-07-05T14:03:00+00:00"; a time with no zone is taken as UTC).
    Reads ISO 8601, RFC 2822 (feeds), and the usual spellings of exports ("2016-07-05 14:03:00.1",
    "July 5, 2016", "05 Jul 2016 10:00 GMT") with python-dateutil, a well-kept parser. Raises
    ValueError for what is not a date (the reader then stores no date and says so)."""
    import datetime as dt

    from dateutil import parser as dates

    text = str(value).strip()
    if not text:
        raise ValueError("an empty date")
    if DATE_ONLY.match(text):
        return dt.date.fromisoformat(text).isoformat()
    try:
        when = dates.parse(text)
    except (ValueError, OverflowError) as e:
        raise ValueError(f"not a date: {text[:40]!r}") from e
    if not re.search(r"\d{1,2}:\d{2}", text):
        return when.date().isoformat()
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()


def _dated(value, warnings: list, source: str = "") -> str | None:
    """``normalise_date``, or None with a warning when the value is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return normalise_date(value)
    except ValueError as e:
        warnings.append(f"publication date not understood ({e}); stored without one")
        return None


def _jsonl_article(line: str, name: str) -> RawArticle:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise ReadError(f"not valid JSON ({e.msg})") from e
    except RecursionError as e:
        raise ReadError("not valid JSON (nested too deeply)") from e
    except ValueError as e:  # e.g. an integer past Python's digit limit
        raise ReadError(f"not valid JSON ({str(e).splitlines()[0][:80]})") from e
    return _json_article(obj, name)


def _json_article(obj, name: str) -> RawArticle:
    """One article from a decoded JSON object (a JSONL line, or a .json file's object)."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ReadError('each line must be an object with a "text" string')
    warnings = []
    for key, value in list(obj.items()):  # "\ud800" escapes decode to lone surrogates, which cannot be stored
        if isinstance(value, str) and LONE_SURROGATE.search(value):
            obj[key] = LONE_SURROGATE.sub("\ufffd", value)
            warnings.append(f'a lone surrogate escape in "{key}" replaced by U+FFFD')
    for key in JSONL_STRING_FIELDS:
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise ReadError(f'"{key}" must be a string (got {type(obj[key]).__name__})')
    ident = obj.get("id") if obj.get("id") is not None else obj.get("doc_id")
    if ident is not None and not isinstance(ident, (str, int)):
        raise ReadError(f'"id" must be a string or a number (got {type(ident).__name__})')
    text = _check_length(normalise(obj["text"]), name)
    title = normalise(obj["title"]) if obj.get("title") else None
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    return RawArticle(source=str(ident) if ident is not None else name, text=text, title=title,
                      outlet=obj.get("outlet"), url=obj.get("url"), published=_dated(obj.get("published"), warnings),
                      warnings=warnings)

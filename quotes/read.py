"""Stage 1 of the pipeline: turn files, folders and stdin into ``RawArticle`` records.

Handles .txt (charset detected by charset-normalizer; the first line is the headline when it looks
like one), .html/.htm (article text and metadata by trafilatura, which drops navigation, link lists
and sign-up prompts better than anything hand-written), and .jsonl (one article per line).
Anything else that is text is read as .txt. Unreadable input raises ``ReadError`` with a one-line
reason; the caller names the file and moves on.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

MAX_BYTES = 20 * 1024 * 1024  # a news article is far smaller; this guards against dumps and binaries
MIN_CHARS = 20
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


class ReadError(Exception):
    """An input that cannot be read as an article; the message is one line."""


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

    @property
    def key(self) -> str:
        """Content key: SHA-256 of the whitespace- and case-normalised text."""
        norm = re.sub(r"\s+", " ", self.text).strip().lower()
        return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def iter_paths(paths: list[str]) -> Iterator[str]:
    """Expand directories recursively (sorted, hidden files skipped); ``-`` stays as stdin."""
    for p in paths:
        if p == "-":
            yield p
            continue
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    if child.suffix.lower() in KNOWN_SUFFIXES:
                        yield str(child)
        else:
            yield p


def read_path(path: str, *, stdin=None) -> list[RawArticle]:
    """Read one path (or ``-``) into articles. Raises ReadError with a one-line reason."""
    if path == "-":
        data = (stdin or sys.stdin.buffer).read(MAX_BYTES + 1)
        return [_from_text_bytes(data, "<stdin>")]
    p = Path(path)
    if not p.exists():
        raise ReadError("no such file")
    if p.is_dir():
        raise ReadError("is a directory")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise ReadError(f"too large ({size / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MiB)")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ReadError(e.strerror or str(e)) from e
    suffix = p.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return list(_from_jsonl(data, p.name))
    if suffix in HTML_SUFFIXES or _looks_like_html(data):
        return [_from_html(data, p.name)]
    return [_from_text_bytes(data, p.name)]


def decode(data: bytes) -> str:
    """Decode bytes to text: UTF-8 first, else the charset charset-normalizer finds.

    Raises ReadError for binary data (NUL bytes, or no charset that yields mostly printable text).
    """
    if not data.strip():
        raise ReadError("empty file")
    if b"\x00" in data[:8192]:
        raise ReadError("binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "utf_16", "cp1251", "iso8859_15", "mac_roman"]).best()
    if best is None:
        raise ReadError("unknown text encoding (not UTF-8, Windows-1252 or Latin-1)")
    text = str(best)
    printable = sum(ch.isprintable() or ch.isspace() for ch in text)
    if printable < 0.95 * len(text):
        raise ReadError("binary data, not text")
    return text


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
    return text


def _from_text_bytes(data: bytes, source: str) -> RawArticle:
    if len(data) > MAX_BYTES:
        raise ReadError(f"too large (over {MAX_BYTES // 2**20} MiB)")
    text = _check_length(normalise(decode(data)), source)
    first, _, _ = text.partition("\n\n")
    title = first if looks_like_headline(first) else None
    return RawArticle(source=source, text=text, title=title)


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


def _from_html(data: bytes, source: str) -> RawArticle:
    import trafilatura

    html = decode(data)
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
        published=(meta.get("date") or None),
    )


def _from_jsonl(data: bytes, source: str) -> Iterator[RawArticle]:
    lines = decode(data).splitlines()
    articles = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise ReadError(f"line {n}: not valid JSON ({e.msg})") from e
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise ReadError(f"line {n}: each line must be an object with a \"text\" string")
        name = f"{source}:{n}"
        text = _check_length(normalise(obj["text"]), name)
        title = obj.get("title")
        if title and not text.startswith(title):
            text = f"{normalise(title)}\n\n{text}"
        articles.append(
            RawArticle(
                source=str(obj.get("id") or obj.get("doc_id") or name),
                text=text,
                title=title,
                outlet=obj.get("outlet"),
                url=obj.get("url"),
                published=obj.get("published"),
            )
        )
    if not articles:
        raise ReadError("empty file")
    return iter(articles)

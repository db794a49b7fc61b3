"""Between reading and parsing: keep the article, drop the page furniture.

Scraped news text carries lists of other headlines ("Recent Posts", "Related Topics"), promos in
capitals, app prompts, bylines and timestamps. None of it is the article and none of it may yield
quotes. Paragraphs repeated inside one article (a common scraping fault) are kept once.

Paragraphs longer than ``MAX_PARAGRAPH_CHARS`` characters or ``MAX_PARAGRAPH_TOKENS`` tokens (a
page scraped onto one line) are cut at sentence ends, and a run with no sentence end at a space:
Stanza's tokenizer slows down badly on very long paragraphs, and one such article would stall the
batch it is parsed in. Paragraphs of marks rather than words (``is_noise``) are dropped.

What is not handled: furniture written as ordinary sentences in the middle of the body, and
boilerplate in languages other than English.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# A heading that starts a trailing block of links: it and everything after it is dropped.
TAIL_HEADINGS = re.compile(
    r"^(recent posts|related( topics| articles| stories| coverage| content| news| reading)?|"
    r"read (more|next|also)|more (from|on|stories|news)\b.*|most (read|popular|viewed|shared)|"
    r"trending( now| stories)?|latest (news|stories|headlines)|you (may|might) also like|"
    r"recommended( for you| stories)?|popular (posts|stories)|top stories|see also|"
    r"sponsored( content| stories)?|around the web|from our partners|comments?|"
    r"share this( article| story)?|tags?|topics?)\s*:?$",
    re.I,
)
# A single paragraph that is furniture wherever it stands.
FURNITURE = re.compile(
    r"^(share|advertisement|ad|close video|watch( video| now)?|video|photo|listen|print|email|"
    r"subscribe.*|sign up.*|log ?in|register|follow us.*|download the .* app.*|"
    r"click (here )?to .*|get the .* app|author avatar|all headlines.*|categories:.*|"
    r"\d+ (seconds?|minutes?|hours?|days?) ago|updated:? .*\d{4}.*|published:? .*\d{4}.*|"
    r"(©|copyright) .*|@\w+|by [A-Z][\w.'-]+( [A-Z][\w.'-]+){0,3}( and [A-Z][\w.'-]+( [A-Z][\w.'-]+){0,3})?|"
    r"[•·▪●-] .{0,60}|contributing:.*|the associated press contributed to this report\.?)$",
    re.I,
)
WORD = re.compile(r"[A-Za-z]+")
MAX_PARAGRAPH_CHARS = 4000  # news paragraphs are far shorter; transcripts' longest turns fit
# and at most this many tokens (a word, or a mark: punctuation is a token a character): 4,000
# characters of prose are 700-900 tokens, but 4,000 quotation marks in a row are 4,000, and the
# parser's memory grows with the square of a sentence's tokens (a 50 KB run of marks took a
# process past 10 GB)
MAX_PARAGRAPH_TOKENS = 1000
TOKEN = re.compile(r"\w+|[^\w\s]")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")


@dataclass
class CleanResult:
    text: str
    dropped: int  # paragraphs dropped as furniture
    duplicates: int  # repeated paragraphs dropped


MIN_LETTER_SHARE = 0.2  # a longer paragraph with fewer letters than this is no prose
NOISE_MIN_CHARS = 200


def is_noise(paragraph: str) -> bool:
    """A paragraph of marks, not words: separators, ASCII art, a run of quotation marks. Below
    ``MIN_LETTER_SHARE`` letters in ``NOISE_MIN_CHARS`` characters or more, it holds no statement,
    and such a run is what makes the parser's memory explode (one token per mark)."""
    if len(paragraph) < NOISE_MIN_CHARS:
        return False
    return sum(ch.isalpha() for ch in paragraph) < MIN_LETTER_SHARE * len(paragraph)


def is_shouted_promo(paragraph: str) -> bool:
    """A paragraph in capitals with no sentence punctuation: a link to another story."""
    words = WORD.findall(paragraph)
    if len(words) < 4:
        return False
    upper = sum(w.isupper() for w in words if len(w) > 1)
    return upper >= 0.8 * sum(len(w) > 1 for w in words) and not paragraph.rstrip().endswith(".")


def clean_article(text: str) -> CleanResult:
    """Drop furniture and repeated paragraphs from normalised article text (paragraphs split by blank lines)."""
    kept, seen = [], set()
    dropped = duplicates = n_kept = 0
    for para in text.split("\n\n"):
        stripped = para.strip()
        if not stripped:
            continue
        if TAIL_HEADINGS.match(stripped):
            break
        if FURNITURE.match(stripped) or is_shouted_promo(stripped) or is_noise(stripped):
            dropped += 1
            continue
        norm = re.sub(r"\W+", " ", stripped.lower()).strip()
        if norm in seen:
            duplicates += 1
            continue
        seen.add(norm)
        kept.extend(split_long(stripped))
        n_kept += 1
    remaining = len(text.split("\n\n")) - n_kept - dropped - duplicates
    return CleanResult("\n\n".join(kept), dropped + max(remaining, 0), duplicates)


def split_long(paragraph: str, limit: int = MAX_PARAGRAPH_CHARS, max_tokens: int = MAX_PARAGRAPH_TOKENS) -> list[str]:
    """A paragraph as pieces of at most ``limit`` characters and ``max_tokens`` tokens, cut after
    sentence ends where it has them and at spaces where it does not."""
    if len(paragraph) <= limit and _tokens(paragraph) <= max_tokens:
        return [paragraph]
    pieces, current = [], ""
    for sentence in _sentences(paragraph):
        for part in _hard_split(sentence, limit, max_tokens):
            if current and (len(current) + 1 + len(part) > limit or _tokens(current) + _tokens(part) > max_tokens):
                pieces.append(current)
                current = part
            else:
                current = f"{current} {part}" if current else part
    if current:
        pieces.append(current)
    return pieces


def _sentences(paragraph: str) -> list[str]:
    out, start = [], 0
    for m in SENTENCE_END.finditer(paragraph):
        out.append(paragraph[start : m.start() + len(m.group(0).rstrip())].strip())
        start = m.end()
    out.append(paragraph[start:].strip())
    return [s for s in out if s]


def _tokens(text: str) -> int:
    return sum(1 for _ in TOKEN.finditer(text))


def _hard_split(text: str, limit: int, max_tokens: int) -> list[str]:
    parts = []
    while len(text) > limit or _tokens(text) > max_tokens:
        end = min(limit, _end_of_tokens(text, max_tokens))
        cut = text.rfind(" ", 0, end)
        cut = cut if cut > end // 2 else end
        parts.append(text[:cut].strip())
        text = text[cut:].strip()
    return parts + ([text] if text else [])


def _end_of_tokens(text: str, n: int) -> int:
    """The offset where the first ``n`` tokens of ``text`` end (its length when it has fewer)."""
    for i, m in enumerate(TOKEN.finditer(text), 1):
        if i == n:
            return m.end()
    return len(text)

"""Between reading and parsing: keep the article, drop the page furniture.

Scraped news text carries lists of other headlines ("Recent Posts", "Related Topics"), promos in
capitals, app prompts, bylines and timestamps. None of it is the article and none of it may yield
quotes. Paragraphs repeated inside one article (a common scraping fault) are kept once.

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


@dataclass
class CleanResult:
    text: str
    dropped: int  # paragraphs dropped as furniture
    duplicates: int  # repeated paragraphs dropped


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
    dropped = duplicates = 0
    for para in text.split("\n\n"):
        stripped = para.strip()
        if not stripped:
            continue
        if TAIL_HEADINGS.match(stripped):
            break
        if FURNITURE.match(stripped) or is_shouted_promo(stripped):
            dropped += 1
            continue
        norm = re.sub(r"\W+", " ", stripped.lower()).strip()
        if norm in seen:
            duplicates += 1
            continue
        seen.add(norm)
        kept.append(stripped)
    remaining = len(text.split("\n\n")) - len(kept) - dropped - duplicates
    return CleanResult("\n\n".join(kept), dropped + max(remaining, 0), duplicates)

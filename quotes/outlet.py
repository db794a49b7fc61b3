"""Infer an article's outlet when the input does not say: from its URL, or where the page names itself.

Looks for the self-references news pages carry ("CLICK TO GET THE FOX NEWS APP", "© 2025 Reuters",
"Copyright 2024 The Associated Press", "Sign up for the Guardian's newsletter"). A wire credit
("Contributing: Reuters", "The Associated Press contributed") names a source, not the outlet, and is
ignored. Returns None rather than guess.
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

SELF_REFERENCES = [
    re.compile(r"\bget the ([A-Z][\w&' ]{1,40}?) app\b", re.I),
    re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*[-–]?\s*)?(?:\d{4}\s*)?([A-Z][\w&'. ]{1,40}?)(?:[.,|]|\s+all rights|\s*$)", re.I | re.M),
    re.compile(r"\bsign up for (?:the )?([A-Z][\w&' ]{1,40}?)(?:'s|’s) newsletter", re.I),
    re.compile(r"^([A-Z][\w&' ]{1,40}?) (?:newsletter|app)\s*$", re.M),
]


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url).netloc.lower().removeprefix("www.")
    return host or None


def infer_outlet(text: str, url: str | None = None) -> str | None:
    """The outlet named by the URL or by the page's own furniture, else None."""
    for pattern in SELF_REFERENCES:
        m = pattern.search(text)
        if m:
            name = " ".join(m.group(1).split())
            return name.title() if name.isupper() else name
    return outlet_from_url(url)

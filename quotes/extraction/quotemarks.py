"""Find quoted spans in raw article text, whatever the quotation-mark style.

Pairs “ ”, « », „ “/”, ‹ ›, ‘ ’, straight double quotes, and the typewriter pairs ``...'' and
''...'' (newswire archives such as the New York Times') within a paragraph. A quotation still
open at the end of a paragraph continues when the next paragraph opens with a quotation mark (the
news convention for multi-paragraph quotes); otherwise it is closed at the paragraph end, so an
unbalanced mark never swallows the rest of the article.

Not handled: straight single quotes (they cannot be told from apostrophes reliably), and quotation
marks nested more than one level deep.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

OPEN_CLOSE = {"“": "”", "«": "»", "„": "“”", "‹": "›", "‘": "’"}
DOUBLE_OPENERS = "“«„\""
LETTER = re.compile(r"\w", re.U)


@dataclass
class QuoteSpan:
    start: int  # first character inside the marks
    end: int  # one past the last character inside the marks
    closed: bool  # a closing mark was found (False: closed by a paragraph end)
    continued: bool = False  # continues the previous span (multi-paragraph quotation)

    def text(self, article: str) -> str:
        return article[self.start : self.end]


def _paragraphs(text: str):
    pos = 0
    for para in text.split("\n\n"):
        yield pos, para
        pos += len(para) + 2


def _is_single_open(para: str, i: int) -> bool:
    before = para[i - 1] if i else " "
    after = para[i + 1] if i + 1 < len(para) else " "
    return not LETTER.match(before) and bool(LETTER.match(after) or after in "“\"")


def _is_single_close(para: str, i: int) -> bool:
    after = para[i + 1] if i + 1 < len(para) else " "
    return not LETTER.match(after)


def _scan_paragraph(para: str):
    """Yield (start, end, closed) for each top-level quotation in one paragraph."""
    i, n = 0, len(para)
    while i < n:
        ch = para[i]
        if para.startswith(("``", "''"), i) and _is_single_open(para, i + 1):
            j = para.find("''", i + 2)
            yield i + 2, (j if j >= 0 else n), j >= 0
            i = (j + 2) if j >= 0 else n
        elif ch in DOUBLE_OPENERS or (ch == "‘" and _is_single_open(para, i)):
            closers = '"' if ch == '"' else OPEN_CLOSE.get(ch, "”")
            j = i + 1
            while j < n:
                c = para[j]
                if c in closers and (ch != "‘" or _is_single_close(para, j)):
                    break
                j += 1
            yield i + 1, j, j < n
            i = j + 1
        else:
            i += 1


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """All quoted spans of an article, in text order, with article character offsets."""
    spans: list[QuoteSpan] = []
    for offset, para in _paragraphs(text):
        for k, (s, e, closed) in enumerate(_scan_paragraph(para)):
            content = para[s:e]
            if not content.strip():
                continue
            # a paragraph that opens with a quotation continues an unclosed one just before it
            continued = bool(k == 0 and s == 1 and spans and not spans[-1].closed)
            lead = len(content) - len(content.lstrip())
            trail = len(content) - len(content.rstrip())
            spans.append(QuoteSpan(offset + s + lead, offset + e - trail, closed, continued))
    return spans

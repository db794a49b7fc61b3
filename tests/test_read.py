"""Reading inputs: encodings, formats, headlines, and bad input rejected with one-line reasons."""
import json

import pytest

from quotes.clean import clean_article
from quotes.read import RawArticle, ReadError, iter_paths, looks_like_headline, read_path

pytestmark = pytest.mark.fast  # no parser, no sentence encoder (conftest refuses them)

BODY = "The mayor said on Monday that the bridge would reopen in May after repairs."


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "latin-1"])
def test_text_encodings(tmp_path, encoding):
    text = f"Café owners protest new rules\n\n“We are angry,” said Zoë Müller, who runs a café. {BODY}"
    if encoding == "latin-1":
        text = text.replace("“", '"').replace("”", '"')
    p = tmp_path / "a.txt"
    p.write_bytes(text.encode(encoding))
    (art,) = read_path(str(p))
    assert "Zoë Müller" in art.text and "café" in art.text
    assert art.title == "Café owners protest new rules"


def test_first_line_is_headline_only_when_it_looks_like_one(tmp_path):
    p = tmp_path / "b.txt"
    p.write_text(BODY + "\n\nSecond paragraph here.")
    (art,) = read_path(str(p))
    assert art.title is None
    assert looks_like_headline("Ukraine captures two North Korean soldiers, says Zelensky")


def test_html_article_text_and_metadata(tmp_path):
    html = """<html><head><title>Bridge to reopen | Daily Planet</title>
    <meta property="og:site_name" content="Daily Planet"><meta property="og:url" content="https://example.org/bridge">
    <meta property="article:published_time" content="2025-01-11"></head><body>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
    <article><h1>Bridge to reopen</h1><p>""" + BODY + """</p>
    <p>“We are confident the work will finish on time,” the mayor told reporters on Tuesday afternoon.</p></article>
    <aside><h3>Related</h3><ul><li><a href="/x">Other story that nobody said</a></li></ul></aside>
    <footer>Sign up for our newsletter</footer></body></html>"""
    p = tmp_path / "c.html"
    p.write_text(html)
    (art,) = read_path(str(p))
    assert "bridge would reopen in May" in art.text
    assert "Home" not in art.text.split("\n\n")[1:]
    assert art.outlet == "Daily Planet"
    assert art.url == "https://example.org/bridge"
    assert art.published.startswith("2025-01-11")


def test_jsonl_articles(tmp_path):
    p = tmp_path / "d.jsonl"
    rows = [{"text": BODY, "title": "Bridge", "outlet": "Gazette", "published": "2025-01-02"}, {"text": BODY + " Again."}]
    p.write_text("\n".join(json.dumps(r) for r in rows))
    arts = read_path(str(p))
    assert [a.outlet for a in arts] == ["Gazette", None]
    assert arts[0].text.startswith("Bridge\n\n")


@pytest.mark.parametrize("content,reason", [
    (b"", "empty file"),
    (b"   \n\n ", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    (b"tiny", "too short"),
])
def test_bad_inputs_raise_one_line_errors(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(ReadError) as e:
        read_path(str(p))
    assert reason in str(e.value) and "\n" not in str(e.value)


def test_malformed_jsonl(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"text": "ok text that is long enough to count"}\n{not json}\n')
    with pytest.raises(ReadError, match="line 2: not valid JSON"):
        read_path(str(p))


def test_huge_file_is_refused(tmp_path, monkeypatch):
    import quotes.read as read

    monkeypatch.setattr(read, "MAX_BYTES", 1000)
    p = tmp_path / "huge.txt"
    p.write_text(BODY * 50)
    with pytest.raises(ReadError, match="too large"):
        read_path(str(p))


def test_directories_are_walked_recursively(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.txt").write_text(BODY)
    (tmp_path / "a" / "y.html").write_text("<html></html>")
    (tmp_path / "a" / ".hidden.txt").write_text(BODY)
    found = [p.replace(str(tmp_path), "") for p in iter_paths([str(tmp_path / "a")])]
    assert found == ["/a/b/x.txt", "/a/y.html"]


def test_same_text_same_key():
    a = RawArticle("a", "Some  text\n\nhere")
    b = RawArticle("b", "some text here")
    assert a.key == b.key


def test_clean_drops_furniture_and_repeats():
    text = "\n\n".join([
        "Headline of the story here", BODY, "CLICK TO GET THE FOX NEWS APP", BODY,
        "TRUMP SETTING UP MEETING WITH PUTIN, IN COMMUNICATION WITH XI", "Another real paragraph.",
        "Recent Posts", "Lawmaker said the hearing would end.", "27 minutes ago",
    ])
    result = clean_article(text)
    paras = result.text.split("\n\n")
    assert paras == ["Headline of the story here", BODY, "Another real paragraph."]
    assert result.duplicates == 1


def test_outlet_inferred_where_the_page_names_itself():
    from quotes.outlet import infer_outlet

    assert infer_outlet("Body text.\n\nCLICK TO GET THE FOX NEWS APP\n\nMore.") == "Fox News"
    assert infer_outlet("Body.\n\n© 2025 Reuters. All rights reserved.") == "Reuters"
    assert infer_outlet("Body.\n\nContributing: Reuters") is None
    assert infer_outlet("Body only.", "https://www.example.com/a") == "example.com"


def test_a_paragraph_of_marks_is_dropped_and_long_runs_are_cut_by_tokens():
    """Issue 31, item 1: 50 KB of quotation marks, one paragraph, took the parser past 10 GB (a
    token a mark, and the parser's memory grows with a sentence's tokens squared). Such a paragraph
    is noise and is dropped; a long run that is not (words and marks mixed) is cut into pieces of at
    most MAX_PARAGRAPH_TOKENS tokens; prose is cut as before, by characters at sentence ends."""
    from quotes.clean import MAX_PARAGRAPH_TOKENS, _tokens, split_long

    text = "A normal opening sentence.\n\n" + "“" * 50_000 + "\n\nThe mayor said the bridge would reopen."
    assert clean_article(text).text == "A normal opening sentence.\n\nThe mayor said the bridge would reopen."
    mixed = "a“" * 20_000
    pieces = split_long(mixed)
    assert "".join(pieces) == mixed and max(_tokens(p) for p in pieces) <= MAX_PARAGRAPH_TOKENS
    prose = "The minister said the plan was ready. " * 150
    assert [len(p) for p in split_long(prose.strip())] == [3989, 1709]


@pytest.mark.fast
@pytest.mark.parametrize("text,agency", [
    ("TOKYO (Reuters) - Japan's moon lander touched down on Saturday.", "Reuters"),
    ("BRATISLAVA, Slovakia (AP) — The prime minister was shot.", "AP"),
    ("(Xinhua) — The space agency confirmed the landing.", "Xinhua"),
    ("By AFP | 1h ago\n\nThe prime minister was shot.", "AFP"),
    ("The lander tipped over.\n\n[Source: Reuters]", "Reuters"),
    ("Shares were suspended from trading. -Bernama", "Bernama"),
    ("The lander tipped over.\n\nCopyright 2024 The Associated Press. All rights reserved.", "AP"),
    ("The rule starts on Monday.\n\n(Reporting by Valerie Volcovici; Editing by Will Dunham.)", "Reuters"),
    ("The rule starts on Monday, Reuters reported.", None),
    ("Contributing: Reuters", None),
    ("The Associated Press contributed to this report.", None),
    ("A rescuer at the site. (AP Photo/Jae C. Hong)", None),
])
def test_a_wire_credit_names_the_agency_a_contribution_or_photo_does_not(text, agency):
    from quotes.outlet import wire_credit

    assert wire_credit(text) == agency

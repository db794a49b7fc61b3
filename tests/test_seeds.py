"""End to end over seeds/: the acceptance checks of the tracker, speakers and variants issues."""
import json
import sqlite3

import pytest
from click.testing import CliRunner
from conftest import quotes_of

from quotes.cli import cli

ZEL_TELEGRAM = "Our soldiers have"


def who(db, text):
    r = CliRunner().invoke(cli, ["--db", str(db), "who-said", "--format", "json", text])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_geneva_names_the_sbu_and_zelensky(seeds_db):
    hits = who(seeds_db, "Geneva")
    speakers = {h["speaker"] for h in hits}
    assert "Security Service of Ukraine" in speakers
    assert any("Zelensk" in (s or "") for s in speakers)


def test_telegram_statement_is_direct_in_both_articles(seeds_db):
    rows = [q for q in quotes_of(seeds_db) if q["text"].startswith(ZEL_TELEGRAM)]
    assert {q["article"] for q in rows} == {"000_4104acffb22e89e7.txt", "001_f39154436813124e.txt"}
    assert all(q["type"] == "direct" and "Zelensk" in q["speaker"] for q in rows)


def test_yusov_quote_resumed_after_his_cue_is_one_statement(seeds_db):
    (q,) = [q for q in quotes_of(seeds_db) if "This is a global challenge" in q["text"]]
    assert "Yusov" in q["speaker"] and q["type"] == "direct"
    assert q["text"].startswith("For the first time in decades, the North Korean army is gaining real military experience")


def test_trump_bloody_mess_is_mixed(seeds_db):
    rows = [q for q in quotes_of(seeds_db) if "bloody mess" in q["text"]]
    assert rows and all(q["type"] == "mixed" and "Trump" in q["speaker"] for q in rows)


def test_nothing_from_recent_posts(seeds_db):
    rows = [q for q in quotes_of(seeds_db) if q["article"].startswith("004")]
    assert len(rows) >= 5  # the article itself is read; only its list of other stories is not
    for q in rows:
        for word in ("McBride", "Oregon", "Konanki", "NASA", "Marshall", "Keating"):
            assert word not in q["text"]


def test_duplicated_paragraphs_give_one_occurrence(seeds_db):
    rows = [q for q in quotes_of(seeds_db) if q["article"].startswith("001")]
    texts = [q["text"] for q in rows]
    assert len(texts) == len(set(texts))
    assert sum(t.startswith(ZEL_TELEGRAM) for t in texts) == 1


def test_speakers_are_canonical_across_articles(seeds_db):
    con = sqlite3.connect(seeds_db)
    named = dict(con.execute("select name, kind from speakers where kind != 'anonymous'").fetchall())
    zel = [n for n in named if "zelensk" in n.lower()]
    assert len(zel) == 1, named
    sbu = [n for n in named if n == "Security Service of Ukraine" or n in ("SBU", "SSU")]
    assert sbu == ["Security Service of Ukraine"], named
    for surname in ("Kirby", "Yusov", "Trump", "Blinken", "Sybiga"):
        assert len([n for n in named if surname in n]) == 1, (surname, named)
    assert "Andrii Yusov" in named and "Antony Blinken" in named
    aliases = {a.lower().removeprefix("the ") for (a,) in con.execute(
        "select alias from speaker_aliases join speakers s on s.id = speaker_id where s.name = 'Security Service of Ukraine'")}
    assert {"sbu", "ssu", "ukraine’s security service", "agency", "security service of ukraine"} <= aliases, aliases
    nis = [n for n in named if "National Intelligence Service" in n or n == "NIS"]
    assert len(nis) == 1, named


def test_unnamed_officials_stay_apart(seeds_db):
    con = sqlite3.connect(seeds_db)
    anon = con.execute("select id, name from speakers where kind = 'anonymous'").fetchall()
    officials = [a for a in anon if "official" in a[1].lower()]
    assert len(officials) >= 2 and len({a[0] for a in officials}) == len(officials)


def test_headline_relative_clause_and_participle_speakers(seeds_db):
    quotes = quotes_of(seeds_db)

    def one(prefix):
        found = [q for q in quotes if q["text"].startswith(prefix)]
        assert len(found) == 1, (prefix, found)
        return found[0]

    # headline "..., South Korea's intelligence service says": the service is the speaker, not content
    headline = one("Ukraine has captured 2 North Korean soldiers")
    assert headline["speaker"] == "National Intelligence Service (South Korea)"
    assert "intelligence service" not in headline["text"]
    # "a scheme that Andrii Yusov, spokesperson for ..., says could mean ...": said inside a relative clause
    scheme = one("could mean Moscow")
    assert scheme["speaker"] == "Andrii Yusov" and scheme["speaker_mention"] == "Andrii Yusov"
    # "A doctor interviewed in the SBU video said ...": an unnamed source, and its phrase is no statement
    doctor = one("one soldier suffered a facial wound")
    assert doctor["speaker_mention"] == "A doctor" and doctor["cue"] == "say"
    assert not [q for q in quotes if q["text"].startswith("A doctor interviewed")]


# Every statement the seeds hold, in export order: (article, type, canonical speaker, first 40
# characters). Reviewed by hand against the articles. Where today's answer is wrong the speaker is
# ``...`` here and a strict xfail below states the right one.
SEED_STATEMENTS = [
    ('000', 'indirect', 'Ukraine', 'to have taken into custody 2 North Korea'),
    ('000', 'indirect', 'Volodymyr Zelenskyy', 'Ukrainian forces have captured two soldi'),
    ('000', 'direct', 'Volodymyr Zelenskyy', 'Our soldiers have taken North Korean sol'),
    ('000', 'indirect', 'Volodymyr Zelenskyy', 'capturing the soldiers alive posed signi'),
    ('000', 'indirect', 'Volodymyr Zelenskyy', 'both Russian and North Korean forces in '),
    ('000', 'indirect', 'Security Service of Ukraine', 'One of them was found without any form o'),
    ('000', 'indirect', 'Security Service of Ukraine', 'communication with the captured soldiers'),
    ('000', 'indirect', 'one soldier', 'he believed he was sent to Russia for tr'),
    ('000', 'indirect', 'Security Service of Ukraine', 'both soldiers are receiving medical assi'),
    ('000', 'indirect', 'an official from the Ukrainian military', 'a few hundred North Korean troops fighti'),
    ('000', 'indirect', 'Ukraine', 'North Korea had dispatched between 10,00'),
    ('000', 'indirect', 'the White House and the Pentagon', 'North Korean forces are engaged on the f'),
    ('001', 'indirect', 'Volodymyr Zelenskyy', 'Ukrainian forces have captured two North'),
    ('001', 'indirect', 'Volodymyr Zelenskyy', 'capturing them alive was no small feat, '),
    ('001', 'direct', 'Volodymyr Zelenskyy', 'Our soldiers have captured North Korean '),
    ('001', 'indirect', 'Volodymyr Zelenskyy', 'Russian forces often kill their wounded '),
    ('001', 'indirect', 'one of the captured soldiers', 'he was deceived into fighting, having be'),
    ('001', 'indirect', None, 'he was being sent to Russia for training'),
    ('001', 'indirect', 'Security Service of Ukraine', 'one soldier had no documentation, while '),
    ('001', 'indirect', 'ukrainian military officials', 'hundreds of North Korean soldiers have a'),
    ('001', 'indirect', 'the White House and the Pentagon', 'the presence of North Korean forces on t'),
    ('001', 'indirect', 'Volodymyr Zelenskyy', 'their treatment aligns with the Geneva C'),
    ('001', 'indirect', 'Volodymyr Zelenskyy', 'to provide media access to the prisoners'),
    ('001', 'direct', 'Volodymyr Zelenskyy', 'The world needs to know what is happenin'),
    ('001', 'indirect', 'reports', 'Russia is actively working to conceal th'),
    ('001', 'indirect', 'Andriy Sybiga', 'intensified international pressure on Ru'),
    ('001', 'mixed', 'Andriy Sybiga', 'the captured soldiers as “regular DPRK t'),
    ('001', 'indirect', 'Andriy Sybiga', 'to address this dangerous partnership, w'),
    ('002', 'indirect', 'Volodymyr Zelenskyy', 'Ukraine captures two North Korean soldie'),
    ('002', 'indirect', 'Volodymyr Zelenskyy', 'Ukrainian forces have taken two North Ko'),
    ('002', 'indirect', 'U.S. sources', 'This is the first instance where Ukraini'),
    ('002', 'indirect', 'ukrainian officials', 'capturing North Korean soldiers since th'),
    ('002', 'indirect', 'Volodymyr Zelenskyy', 'the soldiers were apprehended in the Kur'),
    ('002', 'direct', 'Volodymyr Zelenskyy', 'This operation was challenging: Russian '),
    ('002', 'mixed', 'John Kirby', 'North Korean forces have sustained “subs'),
    ('002', 'indirect', 'John Kirby', 'Some soldiers allegedly chose to take th'),
    ('002', 'indirect', 'a high-ranking U.S. military official', 'The North Korean personnel have been pri'),
    ('002', 'indirect', 'a high-ranking U.S. military official', 'Many of these soldiers are reportedly in'),
    ('002', 'indirect', 'Trump', 'he is coordinating a meeting with Russia'),
    ('002', 'direct', 'Trump', 'He is interested in meeting, and we are '),
    ('002', 'mixed', 'Trump', 'it as a “bloody mess'),
    ('002', 'indirect', 'Biden administration', 'a new aid package worth $500 million, wh'),
    ('002', 'mixed', 'a senior official', 'the sanctions as “the most substantial y'),
    ('002', 'indirect', 'South Korea', 'over 1,000 North Korean troops had been '),
    ('003', 'indirect', 'western sources', 'more than 10,000 North Korean soldiers a'),
    ('003', 'indirect', 'General Staff of the Armed Forces of Ukraine', "Ukraine's Special Operations Forces elim"),
    ('003', 'indirect', 'Antony Blinken', 'at least a thousand North Korean soldier'),
    ('003', 'indirect', 'Security Service of Ukraine', 'capturing the first North Korean soldier'),
    ('003', 'indirect', ..., 'this provided irrefutable evidence of No'),
    ('003', 'indirect', 'The Ukrainians', 'one of the North Korean soldiers was cap'),
    ('003', 'mixed', 'Security Service of Ukraine', 'the foreigners "were provided with all t'),
    ('003', 'indirect', 'the North Korean soldier', 'to be 20 years old'),
    ('003', 'direct', 'Security Service of Ukraine', 'It is noteworthy that the prisoner...emp'),
    ('004', 'indirect', 'National Intelligence Service (South Korea)', 'Ukraine has captured 2 North Korean sold'),
    ('004', 'indirect', 'Ukraine', 'military captured 2 North Korean soldier'),
    ('004', 'indirect', 'National Intelligence Service (South Korea)', 'Ukraine captured two wounded North Korea'),
    ('004', 'mixed', 'National Intelligence Service (South Korea)', 'it has “confirmed that the Ukrainian mil'),
    ('004', 'indirect', 'Volodymyr Zelenskyy', 'the two captured North Korean soldiers w'),
    ('004', 'indirect', 'a doctor', 'one soldier suffered a facial wound whil'),
    ('004', 'indirect', 'Security Service of Ukraine', 'had no documents at all, while the other'),
    ('004', 'indirect', 'Ukraine’s military', 'North Korean soldiers are outfitted in R'),
    ('004', 'mixed', 'Andrii Yusov', 'could mean Moscow and “its representativ'),
    ('004', 'indirect', ..., 'Pyongyang has sent 10,000 – 12,000 troop'),
    ('004', 'direct', 'Andrii Yusov', 'For the first time in decades, the North'),
]


# On a CPU without native bfloat16 the parser and MiniLM run in float32 (``encoder.fast_dtype``), and
# one sentence of seed 003 parses otherwise: there the learned cue model also takes "Polish military
# expert Artur Micek identified the infantry soldiers attacked by drones ... as North Koreans".
FLOAT32_ALSO = ('003', 'indirect', 'Artur Micek', 'the infantry soldiers attacked by drones')


def expected_statements() -> list[tuple]:
    """The seed statements the bundled models find on this machine's numeric path."""
    from quotes.encoder import fast_dtype

    expected = list(SEED_STATEMENTS)
    if fast_dtype("cpu") is None:
        expected.insert(next(i for i, row in enumerate(expected) if row[0] == "003"), FLOAT32_ALSO)
    return expected


def test_every_seed_statement_with_its_speaker(seeds_db):
    stored = [(q["article"][:3], q["type"], q["speaker"], q["text"][:40]) for q in quotes_of(seeds_db)]
    expected = expected_statements()
    assert len(stored) == len(expected), "\n".join(map(repr, stored))
    for got, want in zip(stored, expected):
        assert got == tuple(got[2] if w is ... else w for w in want), got


@pytest.mark.xfail(strict=True, reason="'It was noted that ...' (passive, no agent) is not taken as the continuation of "
                                       "the SBU's report in the sentence before: no speaker")
def test_passive_note_continues_the_previous_speaker(seeds_db):
    (q,) = [q for q in quotes_of(seeds_db) if q["text"].startswith("this provided irrefutable evidence")]
    assert q["speaker"] == "Security Service of Ukraine"


@pytest.mark.xfail(strict=True, reason="'Ukrainian, U.S. and South Korean assertions that ...': the adjectives of a "
                                       "reporting noun are its sources, and no rule reads them")
def test_assertions_are_credited_to_their_sources(seeds_db):
    (q,) = [q for q in quotes_of(seeds_db) if q["text"].startswith("Pyongyang has sent 10,000")]
    assert q["speaker"] is not None


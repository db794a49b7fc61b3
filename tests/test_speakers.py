"""Name matching on tricky pairs: same surname different people, transliterations, acronyms."""
import pytest

from quotes.extraction import names
from quotes.extraction.names import same_org, same_person
from quotes.speakers import alias_key, curated_aliases

pytestmark = pytest.mark.fast  # no parser, no sentence encoder (conftest refuses them)

SAME_PEOPLE = [
    ("Volodymyr Zelensky", "Volodymyr Zelenskyy"),
    ("Volodymyr Zelenskiy", "Zelensky"),
    ("Andrii Yusov", "Andriy Yusov"),
    ("Andriy Sybiha", "Andrii Sybiga"),
    ("John Kirby", "Kirby"),
]
DIFFERENT_PEOPLE = [
    ("Joe Biden", "Hunter Biden"),
    ("Kim Jong Un", "Kim Yo Jong"),
    ("Donald Trump", "Melania Trump"),
    ("John Kirby", "John Kerry"),
    ("Antony Blinken", "Anthony Blinken Jr"),
]


@pytest.mark.parametrize("a,b", SAME_PEOPLE)
def test_same_person(a, b):
    assert same_person(a, b)


@pytest.mark.parametrize("a,b", DIFFERENT_PEOPLE)
def test_different_people(a, b):
    assert not same_person(a, b)


@pytest.mark.parametrize("a,b,same", [
    ("Seoul's National Intelligence Service", "South Korea's intelligence service", True),
    ("the Security Service of Ukraine", "Ukraine's security service", True),
    ("Ukraine's security service", "Ukraine's military intelligence agency", False),
    ("South Korea's intelligence service", "Ukraine's security service", False),
    ("the Russian Defence Ministry", "Ukraine's Defence Ministry", False),
])
def test_organisation_pairs(a, b, same):
    assert same_org(a, b) is same


def test_titles_are_stripped():
    assert names.strip_titles("Ukrainian President Volodymyr Zelensky") == ("Volodymyr Zelensky", "Ukrainian President")
    assert names.strip_titles("White House National Security Advisor John Kirby")[0] == "John Kirby"
    assert names.strip_titles("U.S. Secretary of State Antony Blinken")[0] == "Antony Blinken"


def test_affiliation_and_apposition_are_not_the_name():
    assert names.strip_titles("Stephen Vladeck of the University of Eastmoor School of Law")[0] == "Stephen Vladeck"
    assert names.strip_titles("Senator Lindsey Graham, Republican of South Carolina")[0] == "Lindsey Graham"
    assert names.strip_titles("Mr. Weil of Eastmoor")[0] == "Weil"
    assert names.strip_titles("Chairman of the Joint Chiefs of Staff Gen. Joseph Dunford")[0] != "Joint Chiefs"  # a title's domain


@pytest.mark.parametrize("form,parts", [
    ("Francois Hollande Says Donald Trump", ["Francois Hollande", "Donald Trump"]),
    ("Elena Brandt told Paul Derrow", ["Elena Brandt", "Paul Derrow"]),
    ("Harbour Authority Warns Eastmoor Council", ["Harbour Authority", "Eastmoor Council"]),
    ("Donald Trump", ["Donald Trump"]),
    ("Ahmed Said Khan", ["Ahmed Said Khan"]),  # "Said" capitalised is a name too
    ("United States Senate", ["United States Senate"]),
    ("House Rules Committee", ["House Rules Committee"]),
    ("Trump Says", ["Trump Says"]),  # a verb at the edge joins no two names
])
def test_reporting_verb_between_two_names(form, parts):
    assert names.reported_parts(form) == parts


def test_name_with_a_reporting_verb_is_no_persons_name():
    assert names.display_name("Francois Hollande Says Donald Trump", "person") == "Francois Hollande"
    assert not same_person("Trump", "Francois Hollande Says Donald Trump")
    assert not names.better_name("Donald Trump", "Francois Hollande Says Donald Trump")  # longer, but no name
    assert names.better_name("Francois Hollande Says Donald Trump", "Hollande")  # any real name replaces it
    assert names.better_name("Trump", "Donald J. Trump") and not names.better_name("Donald J. Trump", "Donald Trump")


def test_acronyms_learned_from_text():
    text = ("Seoul’s National Intelligence Service (NIS) told AFP it had confirmed the capture. "
            "Ukraine’s security service, SBU, released details. "
            "They cooperate with South Korean NIS (National Intelligence Service).")
    found = names.learn_acronyms(text)
    assert "National Intelligence Service" in found["NIS"]
    assert found["SBU"].endswith("security service")


def test_curated_aliases_ship_sbu_ssu():
    table = curated_aliases(None)
    assert table[alias_key("SSU")][0] == table[alias_key("SBU")][0] == "Security Service of Ukraine"
    assert table[alias_key("the Security Service of Ukraine")][0] == "Security Service of Ukraine"


@pytest.mark.parametrize("mention,kind", [
    ("Zelensky", "person"), ("the SBU", "organisation"), ("a senior official", "anonymous"),
    ("A doctor interviewed in the SBU video", "anonymous"), ("The White House", "organisation"), ("he", "pronoun"),
])
def test_kinds(mention, kind):
    head_upos = "NOUN" if mention.lower().startswith(("a ", "an ")) else None
    det = mention.split()[0] if head_upos else None
    assert names.kind_of(mention, head_upos=head_upos, determiner=det) == kind


def test_near_spellings_of_a_surname_find_the_stored_person(tmp_path):
    """Found through the surname index (no scan), including spellings that differ in their second
    letter: Kuleba / Kouleba, Stoltenberg / Sotltenberg."""
    from quotes.db import Database
    from quotes.extraction.coref import Entity
    from quotes.speakers import SpeakerIndex

    db = Database(str(tmp_path / "s.db"))
    with db.session() as s:
        index = SpeakerIndex(s)
        kuleba = index.resolve(Entity("Dmytro Kuleba", "person"), {})
        stoltenberg = index.resolve(Entity("Jens Stoltenberg", "person"), {})
        other = index.resolve(Entity("Dmytro Kravets", "person"), {})
        s.flush()
        index = SpeakerIndex(s)  # a later article
        assert index.resolve(Entity("Dmytro Kouleba", "person"), {}) is kuleba
        assert index.resolve(Entity("Jens Sotltenberg", "person"), {}) is stoltenberg
        assert index.resolve(Entity("Dmytro Kravchenko", "person"), {}) not in (kuleba, other)
    db.close()


def test_speaker_named_name_says_name_merges_no_one(tmp_path):
    """A speaker stored as "Francois Hollande Says Donald Trump" (by a version that read a title-cased
    headline as one name) is Hollande's, not Trump's: Trump gets a speaker of his own, and the first real
    name of Hollande renames it, although it is shorter."""
    from quotes.db import Database
    from quotes.extraction.coref import Entity
    from quotes.speakers import SpeakerIndex

    db = Database(str(tmp_path / "s.db"))
    with db.session() as s:
        headline = SpeakerIndex(s).resolve(Entity("Francois Hollande Says Donald Trump", "person"), {})
        s.flush()
        index = SpeakerIndex(s)  # a later article
        trump = index.resolve(Entity("Donald Trump", "person"), {})
        hollande = index.resolve(Entity("François Hollande", "person"), {})
        s.flush()
        assert trump is not headline and trump.name == "Donald Trump"
        assert hollande is headline and hollande.name == "François Hollande"
        assert SpeakerIndex(s).resolve(Entity("Trump", "person"), {}) is trump
    db.close()


def test_a_name_with_a_cyrillic_lookalike_letter_is_the_same_speaker(tmp_path):
    """Issue 31, item 15: "Zelenskyy" with a Cyrillic е (U+0435), which looks the same, made a second
    speaker that looked identical. A Latin word's Cyrillic or Greek twins of Latin letters are read
    as those letters; a name wholly in Cyrillic stays another spelling."""
    from quotes.db import Database
    from quotes.extraction.coref import Entity
    from quotes.speakers import SpeakerIndex, alias_key

    spoofed = "Volodymyr Zel\u0435nskyy"
    assert alias_key(spoofed) == alias_key("Volodymyr Zelenskyy")
    assert alias_key("Зеленський") != alias_key("Zelenskyy")
    db = Database(str(tmp_path / "s.db"))
    with db.session() as s:
        real = SpeakerIndex(s).resolve(Entity("Volodymyr Zelenskyy", "person"), {})
        sbu = SpeakerIndex(s).resolve(Entity("SBU", "organisation"), {})
        s.flush()
        index = SpeakerIndex(s)  # a later article
        assert index.resolve(Entity(spoofed, "person"), {}) is real
        assert index.resolve(Entity("\u0405BU", "organisation"), {}) is sbu  # a Cyrillic Ѕ
    db.close()

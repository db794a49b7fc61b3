"""Table-driven extraction tests: sentence in, (type, speaker, cue, quote text) out, on real parses
by the bundled models. Each row is one pattern the extractor promises to handle."""
import pytest

from quotes.workers import analyse_text

# Rows the bundled models still misparse (UPOS ~88-91, LAS ~67-69 end to end on UD dev). Strict: when
# better models parse them right these start to pass, the run fails, and the marker must go.
MODEL_MISS = pytest.mark.xfail(strict=True, reason="misparsed by the current bundled tagger/parser (docs/models.md)")

CASES = [
    # id, text, expected type, speaker (entity name or mention contains), cue lemma, quote text contains
    ("ccomp", "Zelensky said that the soldiers were captured in Kursk.", "indirect", "Zelensky", "say", "the soldiers were captured in Kursk"),
    ("ccomp-no-that", "The ministry announced it had opened an investigation into the attack.", "indirect", "ministry", "announce", "it had opened an investigation"),
    ("direct-trailing-cue", "“We will win this war,” the mayor said.", "direct", "mayor", "say", "We will win this war"),
    ("direct-leading-cue", "Zelensky stated, “This operation was challenging for our forces.”", "direct", "Zelensky", "state", "This operation was challenging"),
    ("direct-inverted-cue", "“The talks will continue next week,” said Foreign Minister Andriy Sybiha.", "direct", "Sybiha", "say", "The talks will continue next week"),
    ("parataxis-trailing", "Some soldiers chose to take their own lives instead of surrendering, Kirby mentioned in a briefing.", "indirect", "Kirby", "mention", "Some soldiers chose to take their own lives"),
    ("inverted-indirect", "The troops were deployed as light infantry at the front, noted a high-ranking U.S. military official.", "indirect", "official", "note", "The troops were deployed as light infantry"),
    ("according-to", "According to the White House, the sanctions target the energy sector.", "indirect", "White House", "according to", "the sanctions target the energy sector"),
    ("told-that", "The agency told AFP that the two men were being questioned.", "indirect", "agency", "tell", "the two men were being questioned"),
    ("mixed-fragment", "Zelensky stressed the urgency of ending the war, describing it as a “bloody mess.”", "mixed", "Zelensky", "describe", "bloody mess"),
    ("mixed-ccomp", "The NIS told reporters it had “confirmed the capture of two soldiers in Kursk.”", "mixed", "NIS", "tell", "confirmed the capture"),
    ("headline-says", "Ukraine captures two North Korean soldiers, says Zelensky", "indirect", "Zelensky", "say", "Ukraine captures two North Korean soldiers"),
    pytest.param("passive-agent", "It was reported by the General Staff that thirteen soldiers were killed.", "indirect",
                 "General Staff", "report", "thirteen soldiers were killed"),
    ("claim-xcomp", "The prisoner claimed to be a rifleman in the North Korean army.", "indirect", "prisoner", "claim", "to be a rifleman"),
    ("straight-quotes", '"The world needs to know what is happening," he said.', "direct", "he", "say", "The world needs to know what is happening"),
    ("guillemets", "«Nous allons gagner la guerre», the president said.", "direct", "president", "say", "Nous allons gagner"),
    ("typewriter-quotes", "''This isn't tax reform,'' Mr. Holtz-Eakin said.", "direct", "Holtz-Eakin", "say", "This isn't tax reform"),
    ("that-after-adjunct", "Earlier, on Monday, U.S. Secretary of State Antony Blinken confirmed during a visit to Seoul that at least a thousand soldiers have been killed.",
     "indirect", "Blinken", "confirm", "at least a thousand soldiers have been killed"),
    ("gerund-report", "The Security Service of Ukraine reported capturing two soldiers in Kursk.", "indirect", "Security Service", "report", "capturing two soldiers"),
    ("call-for", "Republican nominee Donald Trump has called for the complete repeal of Obamacare.", "indirect", "Trump", "call", "the complete repeal of Obamacare"),
    ("trailing-definite", "Many of these soldiers are reportedly inexperienced in combat, the official added.", "indirect", "official", "add", "inexperienced in combat"),
]


def find(occs, contains):
    return [o for o in occs if contains.lower() in o.text.lower()]


@pytest.mark.parametrize("case_id,text,qtype,speaker,cue,contains", CASES)
def test_pattern(case_id, text, qtype, speaker, cue, contains):
    occs = analyse_text(text)
    hits = find(occs, contains)
    assert hits, f"no occurrence containing {contains!r}; got {[(o.type, o.text) for o in occs]}"
    occ = hits[0]
    assert occ.type == qtype
    assert occ.cue_lemma == cue
    said_by = " ".join(filter(None, [occ.speaker_mention, occ.entity.name if occ.entity else None]))
    assert speaker.lower() in said_by.lower()


def test_participle_after_comma_is_no_trailing_cue():
    text = "Concerns have been raised by Ukraine and its allies regarding his rapport with Putin and statements indicating he could end the conflict."
    assert not [o for o in analyse_text(text) if o.text.startswith("Concerns")]


def test_time_modifier_is_not_part_of_the_speaker():
    text = "The personnel have been deployed as light infantry in Kursk, noted a high-ranking U.S. military official in December."
    (occ,) = analyse_text(text)
    assert occ.speaker_mention == "a high-ranking U.S. military official"


def test_offsets_point_at_the_text():
    text = "Officials said on Monday that the bridge would reopen in May."
    (occ,) = analyse_text(text)
    assert text[occ.start : occ.end] == occ.text


def test_multi_sentence_direct_quote_is_one_occurrence():
    text = ("“Our soldiers have taken prisoners in Kursk. The two captured soldiers are alive and in Kyiv,” "
            "Zelensky wrote on Telegram.")
    occs = analyse_text(text)
    direct = [o for o in occs if o.type == "direct"]
    assert len(direct) == 1
    assert direct[0].text.startswith("Our soldiers") and direct[0].text.endswith("in Kyiv,")
    assert direct[0].entity.name == "Zelensky"


def test_quote_resumed_after_its_cue_is_one_statement():
    text = ("“The army is gaining real experience,” Yusov said. “This is a global challenge for the entire world.”")
    occs = analyse_text(text)
    assert len(occs) == 1
    assert occs[0].type == "direct" and occs[0].cue_lemma == "say"
    assert occs[0].text == "The army is gaining real experience, This is a global challenge for the entire world."


def test_cueless_quote_continues_previous_speaker():
    text = ("“The army is gaining real experience,” Yusov said.\n\n"
            "“This is a global challenge for the entire world.”")
    occs = analyse_text(text)
    second = find(occs, "global challenge")[0]
    first = find(occs, "real experience")[0]
    assert first.entity is not None and first.entity.name == "Yusov"
    assert second.type == "direct" and second.entity is first.entity
    assert second.cue_lemma is None


def test_quoted_fragments_after_a_cue_make_one_mixed_statement():
    text = "Trump called the senator a “nasty guy,” an “anchor baby,” “unstable” and “sick.”"
    occs = analyse_text(text)
    assert len(occs) == 1
    assert occs[0].type == "mixed" and occs[0].entity.name == "Trump"
    assert occs[0].text.startswith("the senator") and occs[0].text.endswith("sick.")


def test_quoted_title_is_not_speech():
    text = "Kaine said on “Fox News Sunday” that the plan would fail."
    occs = analyse_text(text)
    assert [o.text for o in occs] == ["the plan would fail"]


def test_pronoun_resolves_to_earlier_speaker():
    text = ("Zelensky said the soldiers were wounded. He added that both were receiving medical care.")
    occs = analyse_text(text)
    assert len(occs) == 2 and occs[0].entity is not None and occs[0].entity.name == "Zelensky"
    assert len({id(o.entity) for o in occs}) == 1
    assert find(occs, "medical care")[0].speaker_mention == "He"


def test_definite_description_resolves_to_organisation():
    text = ("The SBU said one soldier had no documents. The agency also noted that both men were receiving care.")
    occs = analyse_text(text)
    care = find(occs, "receiving care")[0]
    assert care.speaker_mention.lower() == "the agency"
    assert care.entity is find(occs, "no documents")[0].entity


def test_unnamed_source_stays_as_written_in_a_simple_sentence():
    occ = find(analyse_text("A senior official said the sanctions were the toughest yet."), "sanctions")[0]
    assert occ.entity.kind == "anonymous"
    assert occ.speaker_mention.lower() == "a senior official"


@MODEL_MISS
def test_unnamed_source_stays_as_written():
    text = "A doctor interviewed in the video said one soldier suffered a facial wound."
    occ = find(analyse_text(text), "facial wound")[0]
    assert occ.entity.kind == "anonymous"
    assert occ.speaker_mention.lower().startswith("a doctor")


def test_scare_quotes_without_cue_are_not_statements():
    occs = analyse_text("The so-called “special operation” entered its third year on Monday.")
    assert occs == []


def test_belief_verbs_are_not_speech():
    assert analyse_text("Many analysts think that the war will last another year.") == []


def test_quote_signed_with_a_dash_is_the_signers():
    text = ("Readers wrote in.\n“Mostly he promotes ignorance and hate. A terrible influence for the children.” ― Azucena Gonzàlez\n"
            "“Tonight showed Trump for who he really is.” ― Martha Aguilar")
    occs = analyse_text(text)
    assert [(o.type, o.entity.name) for o in occs] == [("direct", "Azucena Gonzàlez"), ("direct", "Martha Aguilar")]


def test_quotation_broken_by_its_cue_mid_sentence_is_one():
    occs = analyse_text("“My hope,” he said, “is that the talks continue next week.” Then he left.")
    assert [(o.type, o.text) for o in occs] == [("direct", "My hope, is that the talks continue next week.")]


def test_surname_speaker_takes_the_full_name_given_elsewhere():
    text = ("Officials say the IDs are fake, a scheme that Andrii Yusov, spokesperson for Ukraine’s military "
            "intelligence agency, has described before.\n\n“This is a global challenge,” Yusov said.")
    occ = find(analyse_text(text), "global challenge")[0]
    assert occ.entity.name == "Andrii Yusov"
    assert occ.entity.description == "spokesperson for Ukraine’s military intelligence agency"


def test_surname_shared_by_two_people_is_not_completed():
    text = "Hillary Clinton spoke first. Bill Clinton joined her later.\n\n“We will win this,” Clinton said."
    occ = find(analyse_text(text), "We will win")[0]
    assert occ.entity.name == "Clinton"


def test_released_details_report_the_next_sentence():
    text = ("On Saturday, the agency released additional details about the two soldiers. One of them had no "
            "identification, while the other carried a Russian military ID card.\n\nThe fighting went on.")
    (occ,) = analyse_text(text)
    assert occ.rule == "details" and occ.cue_lemma == "release" and "agency" in occ.speaker_mention
    assert occ.text.startswith("One of them had no identification")


def test_transcript_turns_belong_to_their_labels():
    text = ("Mike Pence spoke to Fox News Sunday.\n\nPartial transcript as follows:\n\n"
            "\"WALLACE: Will Gennifer Flowers actually be there tomorrow night?\n\n"
            "\"PENCE: Gennifer Flowers will not be attending the debate tomorrow night.\n\n"
            "UPDATE: This story has been updated.")
    occs = analyse_text(text)
    turns = [(o.speaker_mention, o.entity.name, o.text) for o in occs if o.rule == "transcript"]
    assert turns == [("WALLACE", "Wallace", "Will Gennifer Flowers actually be there tomorrow night?"),
                     ("PENCE", "Mike Pence", "Gennifer Flowers will not be attending the debate tomorrow night.")]


def test_reporting_verb_taken_for_a_plural_noun_is_a_cue():
    # the compact tagger reads "McKinley notes" as one noun phrase; tagfix makes "notes" the verb
    occs = analyse_text("McKinley notes that we are at a rare economic moment for home buyers.")
    assert [(o.type, o.cue_lemma, o.speaker_mention) for o in occs] == [("indirect", "note", "McKinley")]
    assert occs[0].text.startswith("we are at a rare economic moment")
    # a relative clause after the noun keeps it a noun: no statement
    assert analyse_text("The notes that he took in Geneva were lost in the fire.") == []

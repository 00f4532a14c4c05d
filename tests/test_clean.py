"""The text cleaner keeps the article of a pasted page and reads its metadata."""

from rashomon.clean import clean, is_prose
from rashomon.model import Source

PAGE = """World News

Quake kills 27 in southwest China

By Jane Smith
Published March 11, 2014

Residents walk past collapsed houses in Yingjiang. Photo: Reuters

BEIJING (Reuters) - A strong earthquake struck southwest China's Yunnan province on Monday, killing at least 27 people and injuring more than 300, state media said.

The 5.8 magnitude quake hit Yingjiang county near the border with Myanmar shortly after noon, the China Earthquake Networks Center said.

Rescue teams were searching collapsed buildings for survivors late into the night, and the provincial government sent tents and food to the area.

Related: China floods leave dozens missing
Share this article
Advertisement
Most read
Floods in the north
2 hours ago
"""


def _clean(text):
    return clean(Source(path="page.txt", kind="text", content=text, raw_hash="0" * 64))


def test_keeps_the_article_and_drops_the_page_around_it():
    doc = _clean(PAGE)
    assert doc.text.startswith("A strong earthquake struck southwest China")
    assert doc.text.endswith("sent tents and food to the area.")
    for junk in ("World News", "Photo: Reuters", "Related:", "Share this article", "Advertisement", "Most read"):
        assert junk not in doc.text
        assert any(junk in r for r in doc.removed)


def test_reads_title_byline_date_and_wire_dateline():
    doc = _clean(PAGE)
    assert doc.title == "Quake kills 27 in southwest China"
    assert doc.author == "Jane Smith"
    assert doc.published == "2014-03-11"
    assert doc.dateline == "BEIJING"


def test_paragraph_spans_are_offsets_into_the_clean_text():
    doc = _clean(PAGE)
    assert "\n\n" in doc.text  # paragraphs are kept apart


def test_sentences_are_prose_and_headlines_or_labels_are_not():
    assert is_prose("The two countries have had collaboration in the area of space and satellite technology.")
    assert not is_prose("Russo-Pak dialogue in Moscow may strengthen joint strategy to deal with US post-withdrawal scenario in 2014")
    assert not is_prose("ANTIMICROBIAL resistance is an escalating crisis claiming lives. It is the third...")
    assert not is_prose("Must read")


def test_a_truncated_teaser_of_the_headline_is_metadata_not_body():
    from rashomon.clean import repeats_title

    title = "Quake kills 27 in southwest China"
    assert repeats_title("WorldQuake kills 27 in southwest China...", title)
    assert repeats_title("Quake kills 27 in southwest China", title)
    assert not repeats_title("A strong earthquake struck southwest China's Yunnan province on Monday.", title)


def test_text_without_any_article_keeps_everything_rather_than_nothing():
    doc = _clean("Home\nWorld\nSport\n")
    assert doc.text  # nothing reads as article: the text is kept, not lost


def test_a_labelled_publish_line_below_a_headline_kept_as_body_is_still_the_date():
    """When the first line is kept as body (here a link pasted as the headline, ECB+ text), the
    "Published ..." line under it is dropped as furniture; it is still the article's publish date,
    not the date of the game read from the text ("Sunday 23 Dec 2012")."""
    lines = [
        'http : / / hillnholler . net / 2012 / 12 / 23 / chiefs - lose - 20 - 13 - to - a - fourth - quarter ',
        '',
        'Published December 24, 2012',
        '',
        'http : / / hillnholler . net / 2012 / 12 / 23 / chiefs - lose - 20 - 13 - to - a - fourth - quarter - indianapolis - colt - stampede /',
        'Chiefs lose 20 - 13 to a fourth quarter Indianapolis Colt stampede',
        'Sunday 23 Dec 2012',
        'The Kansas City Chiefs lost possibly the best game they ’ ve played this season .',
        'They lost to a fourth quarter Colt stampede 20 - 13 .',
        'This time it was coach Romeo Crennel ’ s fault .',
        'There they were on the Colts 27 - yard line with inches to go for a first down and Crennel decides to go for it .',
        'He should have played it safe with a field goal .',
        'They blew it on a quarterback sneak .',
        'The score was tied 13 - 13 .',
        'They handed the ball over to the Colts at the 27 - yard line and the Colts took it back down the field for a fourth quarter touchdown and won the game .',
        'This was a game that saw a great performance by their running backs Jamaal Charles and former Razorback Peyton Hillis .',
    ]
    document = _clean("\n".join(lines))
    assert document.published == "2012-12-24"
    assert "Published" not in document.text

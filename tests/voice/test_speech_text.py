"""What the voice says: money, numbers and units in words, Spanish names respelled, markup gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from property_agent.search.places import load_catalogue
from property_agent.voice.speech_text import (
    PronunciationError,
    load_pronunciations,
    to_speech,
)


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("€1,125,000", "one million one hundred twenty-five thousand euros"),
        ("1.125.000 €", "one million one hundred twenty-five thousand euros"),
        ("450.000€", "four hundred fifty thousand euros"),
        ("€ 80,000", "eighty thousand euros"),
        ("€500k", "five hundred thousand euros"),
        ("€1.2M", "one million two hundred thousand euros"),
        ("€1.5 million", "one million five hundred thousand euros"),
        ("300,000 euros", "three hundred thousand euros"),
        ("€1", "one euro"),
        ("€2.50", "two euros fifty cents"),
        ("€3,500/m²", "three thousand five hundred euros per square metre"),
        ("about 4,000 €/m²", "about four thousand euros per square metre"),
    ],
)
def test_money_is_said_in_words(text: str, spoken: str) -> None:
    assert to_speech(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("85 m²", "eighty-five square metres"),
        ("85m2", "eighty-five square metres"),
        ("120 sqm", "one hundred twenty square metres"),
        ("120 sq m", "one hundred twenty square metres"),
        ("900 sq ft", "nine hundred square feet"),
        ("100 square meters", "one hundred square metres"),
        ("3 bedrooms and 2 bathrooms", "three bedrooms and two bathrooms"),
        ("a 3-bedroom flat", "a three-bedroom flat"),
        ("2.5 baths", "two point five baths"),
        ("on the 3rd floor", "on the third floor"),
        ("the 21st", "the twenty-first"),
        ("built in 1998", "built in nineteen ninety-eight"),
        ("renovated in 2024", "renovated in twenty twenty-four"),
        ("from the 1960s", "from the nineteen sixties"),
        ("10% below", "ten percent below"),
        ("300-400 sqm", "three hundred to four hundred square metres"),
        ("1500 square metres", "one thousand five hundred square metres"),
        ("2 km from Sol", "two kilometres from Sole"),
        ("Parking & storage", "Parking and storage"),
    ],
)
def test_numbers_units_and_years_are_said_in_words(text: str, spoken: str) -> None:
    assert to_speech(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("A flat in Chamberí.", "A flat in Chamberee."),
        ("A flat in Chamberi.", "A flat in Chamberee."),  # typed without the accent
        ("CHAMBERÍ", "Chamberee"),
        ("Malasaña-Universidad", "Malasanya Ooneeverseedad"),
        ("Nuevos Ministerios-Ríos Rosas", "Nwevos Meenistairyos Reeos Rosas"),
        ("Pinar del Rey and Fuente del Berro", "Peenar del Ray and Fwentay del Berro"),
        ("Ciudad Lineal, Ciudad Jardín", "Syoodad Leeneyal, Syoodad Hardeen"),
        ("Argüelles or Tetuán", "Argwelyes or Tetwan"),
        ("imperial style in Imperial", "imperial style in Eemperyal"),
    ],
)
def test_neighbourhood_names_are_respelled(text: str, spoken: str) -> None:
    assert to_speech(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("A **lovely** flat", "A lovely flat"),
        ("*really* __quiet__", "really quiet"),
        ("See [the listing](https://example.com/1) now", "See the listing now"),
        ("Details: https://example.com/x?y=1 thanks", "Details: thanks"),
        ("Write to agent@example.com today", "Write to today"),
        ("I found one 🏠✨ for you 👍🏽", "I found one for you"),
        ("Use `search` here", "Use search here"),
        ("# Results\n- 2 bedrooms\n- 1 bathroom", "Results, two bedrooms, one bathroom"),
        ("First line.\n\nSecond line", "First line. Second line"),
        ("| a | b |\n|---|---|", "a b"),
    ],
)
def test_markup_emoji_and_links_are_not_read_out(text: str, spoken: str) -> None:
    assert to_speech(text) == spoken


def test_a_listing_description_reads_cleanly() -> None:
    spoken = to_speech(
        "I found a **3-bedroom** flat in Chamberí: 104 m², 2 bathrooms, €888,000 "
        "(€8,538/m²). Want to book a viewing? 🙂"
    )
    assert spoken == (
        "I found a three-bedroom flat in Chamberee: one hundred four square metres, "
        "two bathrooms, eight hundred eighty-eight thousand euros (eight thousand five hundred "
        "thirty-eight euros per square metre). Want to book a viewing?"
    )
    assert not any(ch.isdigit() for ch in spoken)


def test_blank_stays_blank() -> None:
    assert to_speech("") == ""
    assert to_speech("  \n ") == ""
    assert to_speech("🏠") == ""


@given(
    st.lists(
        st.sampled_from(
            [
                "€1,125,000",
                "85 m²",
                "Chamberí",
                "**bold**",
                "2.5",
                "1998",
                "3rd",
                "10%",
                "https://x.y/z",
                "🏠",
                "Malasaña-Universidad",
                "€3,500/m²",
                "\n- ",
                "and",
                ",",
                "450.000 €",
                "€500k",
                "(",
                ")",
                "Sol",
                "300-400",
            ]
        ),
        max_size=12,
    )
)
def test_speaking_twice_changes_nothing(parts: list[str]) -> None:
    once = to_speech(" ".join(parts))
    assert to_speech(once) == once
    assert not any(ch.isdigit() for ch in once), once


def test_every_neighbourhood_in_the_data_has_a_pronunciation() -> None:
    """Prompt engineers own the map; adding a neighbourhood without a respelling fails here."""
    table = {name.casefold() for name in load_pronunciations()}
    missing = []
    for canonical in load_catalogue().neighbourhoods:
        for part in canonical.split("-"):
            words = part.split()
            spoken = [w for w in words if w.casefold() not in {"de", "del", "el", "la", "las"}]
            if part.casefold() not in table and not all(w.casefold() in table for w in spoken):
                missing.append(part)
    assert not missing, f"add these to voice/pronunciations.yaml: {missing}"


def test_pronunciation_file_errors_name_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("pronunciations:\n  Chamberí: Chamberí\n", encoding="utf-8")
    with pytest.raises(PronunciationError, match=r"Chamberí: 'Chamberí' must be plain letters"):
        load_pronunciations(bad)
    bad.write_text("pronunciations:\n  Sol: Sole\n  Retiro: Sol Reteero\n", encoding="utf-8")
    with pytest.raises(PronunciationError, match=r"Retiro: .* contains the name 'sol'"):
        load_pronunciations(bad)
    bad.write_text("names: []\n", encoding="utf-8")
    with pytest.raises(PronunciationError, match=r"expected a 'pronunciations:' mapping"):
        load_pronunciations(bad)
    bad.write_text("pronunciations:\n  Sol:\n", encoding="utf-8")
    with pytest.raises(PronunciationError, match=r"entry 'Sol' needs a non-empty text value"):
        load_pronunciations(bad)

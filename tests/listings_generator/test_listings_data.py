"""The shipped listings are internally consistent and are exactly what the generator produces.

Search answers callers from these rows: a description that says "three bedrooms" over a row with
rooms=2, or a €/m² no Madrid seller would ask, is a wrong answer the caller hears. The bands below
are written out independently of the generator, so a bug there cannot hide behind its own tables.
"""

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from property_agent.listings_generator import DEFAULT_COUNT, generate, write_csv

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
CSV_PATH = ROOT / "data" / "properties.csv"
HEADER = ["id", "price", "baths", "rooms", "sqft", "description", "location"]
INT_FIELDS = ("id", "price", "baths", "rooms", "sqft")

_BANDS = {
    (8000, 12500): "Barrio de Salamanca, Castellana, El Viso, Lista, Goya",
    (6000, 9500): "Chamberí, Chueca-Justicia, Nuevos Ministerios-Ríos Rosas, Vallehermoso, "
    "Huertas-Cortes, Retiro, Nueva España, Chamartín",
    (5000, 8000): "Centro, Sol, Palacio, Malasaña-Universidad, Argüelles, Moncloa, "
    "Fuente del Berro, Prosperidad, Cuatro Caminos",
    (3800, 6500): "Lavapiés-Embajadores, Imperial, Tetuán, El Plantío, Fuencarral, Hortaleza",
    (3200, 5000): "Ciudad Lineal, Ventas, Pinar del Rey, Canillas",
    (2500, 4000): "San Blas, Moratalaz, Latina",
}
BAND = {name: band for band, names in _BANDS.items() for name in names.split(", ")}
CONDITION_LOW, CONDITION_HIGH = 0.75, 1.35  # to-renovate −25 % … luxury/new +35 %
AREA_BY_ROOMS = {0: (22, 45), 1: (38, 75), 2: (55, 110), 3: (75, 160), 4: (110, 260)}
AREA_BIG = (160, 600)  # 5+ bedrooms

NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
NUMBERS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10}
_NUMBER = r"\b(\d+|" + "|".join(NUMBERS) + r")"
_ADJ = r"(?:(?:double|single|spacious|large|good-sized|bright|full|complete|modern)\s+)?"
BEDROOMS = re.compile(_NUMBER + r"[ -]" + _ADJ + r"bedrooms?\b", re.IGNORECASE)
BATHROOMS = re.compile(_NUMBER + r"[ -]" + _ADJ + r"bathrooms?\b", re.IGNORECASE)
NO_LIFT = re.compile(r"\b(?:no|without a|without) lift\b", re.IGNORECASE)
ANY_LIFT = re.compile(r"\blifts?\b", re.IGNORECASE)


def stated_counts(pattern: re.Pattern[str], text: str) -> list[int]:
    """Every count the text states for bedrooms or bathrooms ("three double bedrooms" → 3)."""
    return [int(n) if n.isdigit() else NUMBERS[n.lower()] for n in pattern.findall(text)]


@pytest.fixture(scope="module")
def raw_rows() -> list[dict[str, str]]:
    with CSV_PATH.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == HEADER
        return list(reader)


@pytest.fixture(scope="module")
def rows(raw_rows: list[dict[str, str]]) -> list[dict[str, int | str]]:
    for row in raw_rows:
        assert all(row[k] and row[k].strip() for k in HEADER), row
        for k in INT_FIELDS:
            assert re.fullmatch(r"\d+", row[k]), (k, row)
    return [{k: int(v) if k in INT_FIELDS else v for k, v in row.items()} for row in raw_rows]


def check_row(row: dict[str, int | str]) -> None:
    """Every invariant one listing must satisfy; raises AssertionError naming the listing."""
    rid, text, loc = row["id"], str(row["description"]), str(row["location"])
    rooms, baths, sqft, price = (int(row[k]) for k in ("rooms", "baths", "sqft", "price"))
    lower = text.lower()
    assert 10_000_000 <= int(rid) < 1_000_000_000, rid
    assert price > 0 and rooms >= 0 and baths >= 1, rid
    assert baths <= rooms + 1 and (rooms > 1 or baths == 1), (rid, rooms, baths)
    lo, hi = AREA_BY_ROOMS.get(rooms, AREA_BIG)
    assert lo <= sqft <= hi, (rid, rooms, sqft)
    assert 200 <= len(text) <= 900, (rid, len(text))
    assert re.search(rf"(?<![\d,.]){sqft} m²", text), (rid, sqft, text)
    beds = stated_counts(BEDROOMS, text)
    if rooms == 0:
        assert "studio" in lower and not beds, (rid, text)
    else:
        assert "studio" not in lower and beds and set(beds) == {rooms}, (rid, rooms, text)
    assert set(stated_counts(BATHROOMS, text)) == {baths}, (rid, baths, text)
    if NO_LIFT.search(text):
        assert len(ANY_LIFT.findall(text)) == len(NO_LIFT.findall(text)), (rid, text)
    if "penthouse" in lower:
        assert "terrace" in lower, (rid, text)
    assert "€" not in text and "euro" not in lower, (rid, text)
    band_lo, band_hi = BAND[loc]
    per_m2 = price / sqft
    assert band_lo * CONDITION_LOW <= per_m2 <= band_hi * CONDITION_HIGH, (rid, loc, per_m2)
    for other in BAND.keys() - {loc}:
        assert f"in {other}" not in text and f"in the {other}" not in text, (rid, other, text)


def test_committed_csv_has_enough_rows_and_unique_ids(rows: list[dict[str, int | str]]) -> None:
    assert len(rows) >= 500
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["description"] for r in rows}) == len(rows)


def test_every_committed_listing_is_consistent(rows: list[dict[str, int | str]]) -> None:
    for row in rows:
        check_row(row)


def test_all_neighbourhoods_are_covered(rows: list[dict[str, int | str]]) -> None:
    counts = Counter(str(r["location"]) for r in rows)
    assert set(counts) == set(BAND), set(counts) ^ set(BAND)
    assert min(counts.values()) >= 8, counts.most_common()[-5:]
    # popular central areas get more listings than the quiet outer ones
    assert counts["Chamberí"] > counts["Moratalaz"] and counts["Centro"] > counts["San Blas"]


def test_prices_span_the_madrid_market(rows: list[dict[str, int | str]]) -> None:
    prices = sorted(int(r["price"]) for r in rows)
    assert prices[0] < 150_000 and prices[-1] > 3_000_000, (prices[0], prices[-1])
    assert all(p % 1000 == 0 for p in prices)
    assert all(p % 5000 == 0 for p in prices if p >= 1_000_000)


def test_count_parser_reads_the_phrasings_ads_use() -> None:
    assert stated_counts(BEDROOMS, "a double bedroom and one full bathroom") == [1]
    assert stated_counts(BEDROOMS, "An exterior 3-bedroom flat with 4 spacious bedrooms") == [3, 4]
    assert stated_counts(BATHROOMS, "two bathrooms (one en-suite) plus a guest toilet") == [2]
    assert stated_counts(BEDROOMS, "the master bedroom has its own bathroom") == []


def test_committed_csv_is_exactly_the_generator_output(tmp_path: Path) -> None:
    rows = generate(600)
    assert DEFAULT_COUNT == 600
    out = tmp_path / "properties.csv"
    write_csv(rows, out)
    assert out.read_bytes() == CSV_PATH.read_bytes(), "run `make data` to regenerate the CSV"


def test_generator_is_deterministic() -> None:
    assert generate(300, seed=7) == generate(300, seed=7)
    assert generate(300, seed=7) != generate(300, seed=8)


def test_larger_generations_stay_unique_and_consistent() -> None:
    rows = generate(2000, seed=123)
    assert len({r["id"] for r in rows}) == len(rows) == 2000
    assert len({r["description"] for r in rows}) == len(rows)
    for row in rows:
        check_row(row)

"""CSV validation: bad rows are reported with their line and why; good rows are all kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from property_agent.search.listings_csv import ListingsFileError, read_listings
from tests.support.settings import DATA_CSV

pytestmark = pytest.mark.unit

HEADER = "id,price,baths,rooms,sqft,description,location\n"


def test_the_shipped_file_is_valid() -> None:
    report = read_listings(DATA_CSV)
    assert report.errors == []
    assert len(report.listings) >= 500
    assert len(report.locations) >= 35


def test_bad_rows_are_reported_with_line_numbers_and_reasons(tmp_path: Path) -> None:
    csv = tmp_path / "listings.csv"
    csv.write_text(
        HEADER
        + '1,250000,1,2,70,"Bright flat,\nwith a terrace",Retiro\n'  # lines 2-3: good, multi-line
        + "2,abc,1,2,70,Flat,Retiro\n"  # line 4: price not a number
        + "3,0,1,2,70,Flat,Retiro\n"  # line 5: price must be > 0
        + "4,300000,-1,2,70,Flat,Retiro\n"  # line 6: negative baths
        + "5,300000,1,2.5,70,Flat,Retiro\n"  # line 7: fractional rooms
        + "6,300000,1,2,70,,Retiro\n"  # line 8: empty description
        + "1,400000,2,3,90,Another flat,Sol\n"  # line 9: duplicate id
        + '7,"1,200,000",2,3,90,Grouped thousands are fine,Sol\n'  # line 10: good
        + "8,300000,1,2,70,Flat,Retiro,extra\n",  # line 11: one value too many
        encoding="utf-8",
    )
    report = read_listings(csv)
    assert [p.id for p in report.listings] == [1, 7]
    assert report.listings[1].price == 1_200_000
    assert report.listings[0].description == "Bright flat, with a terrace"
    by_line = {e.line: " ".join(e.reasons) for e in report.errors}
    assert sorted(by_line) == [4, 5, 6, 7, 8, 9, 11]
    assert "price 'abc' is not a whole number" in by_line[4]
    assert "price must be greater than 0" in by_line[5]
    assert "baths must be at least 0" in by_line[6]
    assert "rooms '2.5' is not a whole number" in by_line[7]
    assert "description is empty" in by_line[8]
    assert "duplicate id 1 (first on line 2)" in by_line[9]
    assert "more value(s) than the header" in by_line[11]


def test_every_reason_for_a_row_is_given_at_once(tmp_path: Path) -> None:
    csv = tmp_path / "listings.csv"
    csv.write_text(HEADER + "x,,1,-2,0,Flat,\n", encoding="utf-8")
    (error,) = read_listings(csv).errors
    text = str(error)
    for reason in (
        "id 'x'",
        "price is empty",
        "rooms must be at least 0",
        "sqft must be",
        "location",
    ):
        assert reason in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,price,rooms\n1,2,3\n", "missing column(s) baths, sqft, description, location"),
        ("", "missing column(s)"),
    ],
)
def test_whole_file_problems_name_what_to_fix(tmp_path: Path, content: str, message: str) -> None:
    csv = tmp_path / "listings.csv"
    csv.write_text(content, encoding="utf-8")
    with pytest.raises(ListingsFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_listings(csv)


def test_a_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    csv = tmp_path / "listings.csv"
    csv.write_bytes((HEADER + "1,250000,1,2,70,Piso en Chamberí,Chamberí\n").encode("latin-1"))
    with pytest.raises(ListingsFileError, match="not UTF-8"):
        read_listings(csv)


def test_a_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ListingsFileError, match="not found"):
        read_listings(tmp_path / "nope.csv")


def test_extra_columns_are_ignored_and_reported(tmp_path: Path) -> None:
    csv = tmp_path / "listings.csv"
    csv.write_text(
        "id,price,baths,rooms,sqft,description,location,agent\n1,250000,1,2,70,Flat,Retiro,Ana\n",
        encoding="utf-8",
    )
    report = read_listings(csv)
    assert report.ignored_columns == ["agent"]
    assert len(report.listings) == 1

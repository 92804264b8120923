"""Read and validate a listings CSV: every bad row is reported with its line and why; good rows
are never dropped because of a bad neighbour.

Columns: id, price, baths, rooms, sqft, description, location (`sqft` holds square metres).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from property_agent.domain import Property

REQUIRED_COLUMNS = ("id", "price", "baths", "rooms", "sqft", "description", "location")
_INT = re.compile(r"^[+-]?\d+(?:\.0+)?$")
_GROUPED_INT = re.compile(r"^\d{1,3}(?:,\d{3})+$")  # "1,200,000" as spreadsheets export it


class ListingsFileError(ValueError):
    """The file as a whole cannot be read: missing, not UTF-8, not CSV, or columns missing."""


@dataclass(frozen=True)
class RowError:
    line: int
    listing_id: str | None
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        ident = f" (id {self.listing_id})" if self.listing_id else ""
        return f"line {self.line}{ident}: " + "; ".join(self.reasons)


@dataclass
class ListingsReport:
    path: Path
    listings: list[Property] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.listings) + len(self.errors)

    @property
    def locations(self) -> list[str]:
        return sorted({p.location for p in self.listings})


def _integer(name: str, raw: str | None, minimum: int) -> tuple[int | None, str | None]:
    text = (raw or "").strip()
    if not text:
        return None, f"{name} is empty"
    if _GROUPED_INT.match(text):
        text = text.replace(",", "")
    if not _INT.match(text):
        return None, f"{name} {raw!r} is not a whole number"
    value = int(float(text))
    if value < minimum:
        rule = "greater than 0" if minimum == 1 else f"at least {minimum}"
        return None, f"{name} must be {rule} (got {value})"
    return value, None


def _validate(row: dict[str | None, str | None]) -> tuple[Property | None, list[str]]:
    reasons: list[str] = []
    if extra := row.get(None):
        reasons.append(f"{len(extra)} more value(s) than the header has columns (unquoted comma?)")
    values: dict[str, int | str] = {}
    for name, minimum in (("id", 1), ("price", 1), ("baths", 0), ("rooms", 0), ("sqft", 1)):
        value, reason = _integer(name, row.get(name), minimum)
        if reason:
            reasons.append(reason)
        elif value is not None:
            values[name] = value
    for name in ("description", "location"):
        text = " ".join((row.get(name) or "").split())
        if not text:
            reasons.append(f"{name} is empty")
        values[name] = text
    if reasons:
        return None, reasons
    return Property.model_validate(values), []


def read_listings(path: Path) -> ListingsReport:
    """Validate every row of `path`. Raises ListingsFileError only for whole-file problems."""
    path = Path(path)
    if not path.is_file():
        raise ListingsFileError(f"Listings file not found: {path}")
    report = ListingsReport(path)
    first_line: dict[int, int] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise ListingsFileError(
                    f"{path}: missing column(s) {', '.join(missing)}; the header must contain "
                    f"{','.join(REQUIRED_COLUMNS)} (found {','.join(header) or 'no header'})"
                )
            reader.fieldnames = header
            report.ignored_columns = [h for h in header if h not in REQUIRED_COLUMNS]
            line = reader.line_num + 1
            for row in reader:
                listing, reasons = _validate(row)
                raw_id = (row.get("id") or "").strip() or None
                if listing is not None and listing.id in first_line:
                    reasons = [
                        f"duplicate id {listing.id} (first on line {first_line[listing.id]})"
                    ]
                    listing = None
                if listing is None:
                    report.errors.append(RowError(line, raw_id, tuple(reasons)))
                else:
                    first_line[listing.id] = line
                    report.listings.append(listing)
                line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise ListingsFileError(
            f"{path} is not UTF-8 text ({exc.reason}); save it as UTF-8 CSV"
        ) from None
    except csv.Error as exc:
        raise ListingsFileError(f"{path}: not a readable CSV file ({exc})") from None
    return report

#!/usr/bin/env python3
"""Write the shipped Madrid listings (`data/properties.csv`) from a fixed seed.

A thin CLI over `property_agent.listings_generator`, where the generator and its tables live.

    python scripts/generate_properties.py [--out data/properties.csv] [--count 600] [--seed N]
"""

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from property_agent.listings_generator import DEFAULT_COUNT, DEFAULT_SEED, generate, write_csv

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "properties.csv"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate deterministic Madrid listings.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="CSV path to write")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help="number of listings")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = generate(args.count, args.seed)
    write_csv(rows, args.out)
    prices = [int(r["price"]) for r in rows]
    hoods = len({r["location"] for r in rows})
    print(
        f"Wrote {len(rows)} listings in {hoods} neighbourhoods (€{min(prices):,}–€{max(prices):,})"
        f" to {args.out} in {time.perf_counter() - start:.2f} s"
    )


if __name__ == "__main__":
    main()

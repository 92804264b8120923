"""Search benchmark: index build time and search latency (p50/p95) in memory at 1k and 100k
generated listings, memory use, and the local parser's accuracy on the labelled phrasings.

    python scripts/bench_search.py                      # 1k and 100k (100k takes ~25 min)
    python scripts/bench_search.py --sizes 1000         # quick run
    python scripts/bench_search.py --csv other.csv      # also index and query a real CSV

Prints one markdown table. Timings are wall-clock on this machine; nothing here is a test.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.search.test_parser.check_case (the labelled-set scorer)

from tests.search.test_parser import check_case  # noqa: E402
from tests.support.settings import LOCATIONS  # noqa: E402

from property_agent.config import Settings  # noqa: E402
from property_agent.domain import Property  # noqa: E402
from property_agent.listings_generator import generate, write_csv  # noqa: E402
from property_agent.search.listings_csv import read_listings  # noqa: E402
from property_agent.search.parser import LocalQueryParser  # noqa: E402
from property_agent.search.service import PropertySearchService  # noqa: E402

FEATURES = (
    "with a terrace|with a pool|penthouse|quiet|renovated|with a lift|near the metro|"
    "with parking|bright|studio|chalet with a garden|"
).split("|")
OPENERS = ["a flat", "an apartment", "something", "a home"]
Row = tuple[str, str, str]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def random_queries(n: int, locations: list[str], seed: int = 7) -> list[str]:
    """Requests like callers make: a feature, and some of location, bedrooms, price cap."""
    rnd = random.Random(seed)
    queries = []
    for _ in range(n):
        parts = [rnd.choice(OPENERS), rnd.choice(FEATURES)]
        if rnd.random() < 0.6:
            parts.append(f"in {rnd.choice(locations)}")
        if rnd.random() < 0.5:
            parts.append(f"with {rnd.randint(1, 4)} bedrooms")
        if rnd.random() < 0.5:
            parts.append(f"under {rnd.choice([300, 450, 600, 800, 1200, 2000])}k")
        queries.append(" ".join(p for p in parts if p))
    return queries


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def bench_index(label: str, listings: list[Property], queries: int) -> list[Row]:
    service = PropertySearchService(Settings(_env_file=None))  # type: ignore[call-arg]
    await service.start(load_data=False)
    try:
        began = time.perf_counter()
        await service.ingest(listings)
        build = time.perf_counter() - began
        texts = random_queries(queries, sorted({p.location for p in listings}))
        for text in texts[:5]:  # warm-up: first query loads lazily initialised pieces
            await service.search(text)
        latencies, empty = [], 0
        for text in texts:
            t = time.perf_counter()
            result = await service.search(text)
            latencies.append((time.perf_counter() - t) * 1000)
            empty += not result.properties
        p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
        rate = len(listings) / build
        return [
            (label, "index build", f"{build:.1f} s ({rate:.0f} listings/s)"),
            (label, "search latency p50 / p95", f"{p50:.0f} ms / {p95:.0f} ms ({queries} queries)"),
            (label, "queries with no match (relax hints computed)", f"{empty / queries:.0%}"),
            (label, "peak RSS after indexing", f"{rss_mb():.0f} MB"),
        ]
    finally:
        await service.aclose()


def bench_parser() -> list[Row]:
    parser = LocalQueryParser(LOCATIONS)
    rows: list[Row] = []
    for name in ("parser_cases", "parser_holdout"):
        cases: list[dict[str, Any]] = yaml.safe_load(
            (ROOT / "tests" / "search" / "data" / f"{name}.yaml").read_text("utf-8")
        )
        began = time.perf_counter()
        results = [check_case(parser.parse(c["text"]), c) for c in cases]
        per_query = (time.perf_counter() - began) / len(cases) * 1000
        exact = sum(not r for r in results)
        fields = sum(len(c["filters"]) for c in cases) or 1
        wrong = sum(
            sum(p.split(":")[0] in c["filters"] for p in r)
            for r, c in zip(results, cases, strict=True)
        )
        label = "dev set (tuned on)" if name == "parser_cases" else "held-out set (never tuned on)"
        rows.append(
            (
                "parser",
                label,
                f"{exact}/{len(cases)} sentences fully right ({exact / len(cases):.0%}); "
                f"stated filters right {1 - wrong / fields:.0%}; {per_query:.2f} ms/sentence",
            )
        )
    return rows


async def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", default="1000,100000", help="comma-separated listing counts")
    args.add_argument("--queries", type=int, default=200)
    args.add_argument("--csv", type=Path, help="also benchmark this listings CSV")
    opts = args.parse_args()

    rows = bench_parser()
    for size in (int(s) for s in opts.sizes.split(",") if s):
        with tempfile.TemporaryDirectory() as tmp:  # through the CSV path, as the server does
            path = Path(tmp) / "listings.csv"
            write_csv(generate(size), path)
            listings = read_listings(path).listings
        print(f"indexing {size:,} generated listings…", file=sys.stderr, flush=True)
        rows += await bench_index(f"{size:,} generated", listings, opts.queries)
    if opts.csv:
        report = read_listings(opts.csv)
        print(f"indexing {opts.csv} ({len(report.listings)} rows)…", file=sys.stderr, flush=True)
        rows += await bench_index(opts.csv.name, report.listings, opts.queries)

    print("\n| data | measure | result |\n| --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    asyncio.run(main())

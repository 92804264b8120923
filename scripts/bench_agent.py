"""Agent benchmark: offline-policy turn latency, text in → first sentence out, search included.

    python scripts/bench_agent.py [--conversations 40]

Each conversation is a realistic call (request, detail question, cheaper, next, new area…) over
the shipped 600 listings, in memory. Prints one markdown table; nothing here is a test.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

from langgraph.checkpoint.memory import InMemorySaver

from property_agent.agent.events import SentenceReady, ToolFinished, ToolStarted
from property_agent.agent.runtime import AgentRuntime
from property_agent.config import Settings
from property_agent.search.service import PropertySearchService

ROOT = Path(__file__).resolve().parent.parent
AREAS = ["Chamberí", "Retiro", "Salamanca", "Malasana", "Tetuan", "Arguelles", "Lavapies", "Sol"]
FOLLOW_UPS = ["how many bathrooms does it have?", "something cheaper", "tell me more",
              "the next one", "how big is it?", "bigger"]  # fmt: skip


def script(rnd: random.Random) -> list[str]:
    rooms = rnd.randint(1, 4)
    budget = rnd.choice([300, 450, 600, 900, 1500])
    turns = ["hello", f"a {rooms} bedroom flat in {rnd.choice(AREAS)} under {budget}k"]
    turns += rnd.sample(FOLLOW_UPS, 3)
    turns.append(f"what about {rnd.choice(AREAS)} instead")
    return turns


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--conversations", type=int, default=40)
    opts = args.parse_args()

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    search = PropertySearchService(settings)
    await search.start(ROOT / "data" / "properties.csv")
    runtime = AgentRuntime(settings, search, checkpointer=InMemorySaver())
    await runtime.start()
    await runtime.warm_up()
    rnd = random.Random(11)
    first_any: list[float] = []  # text in → first sentence (for searches: the summary said first)
    first_answer: list[float] = []  # text in → first sentence after the search (names a listing)
    totals: list[float] = []
    for n in range(opts.conversations + 2):
        conversation = runtime.conversation(f"bench-{n}")
        for text in script(rnd):
            if search.encoder is not None:
                search.encoder.forget()  # a caller's words are new each time: no cache hits
            began = time.perf_counter()
            first = answer = None
            searched = answered = False
            async for event in conversation.respond(text):
                now = (time.perf_counter() - began) * 1000
                if isinstance(event, ToolStarted):
                    searched = True
                elif isinstance(event, ToolFinished):
                    answered = True
                elif isinstance(event, SentenceReady):
                    first = first if first is not None else now
                    if answered and answer is None:
                        answer = now
            if n < 2 or first is None:
                continue  # the first two conversations warm up caches
            first_any.append(first)
            totals.append((time.perf_counter() - began) * 1000)
            if searched and answer is not None:
                first_answer.append(answer)
    reading = []
    for text in {t for _ in range(20) for t in script(rnd)}:
        if search.encoder is not None:
            search.encoder.forget()
        began = time.perf_counter()
        runtime.policy.guess(text)
        reading.append((time.perf_counter() - began) * 1000)
    await runtime.aclose()
    await search.aclose()

    rows = [
        ("turns measured", f"{len(first_any)} in {opts.conversations} conversations"),
        ("text in → first sentence, p50 / p95",
         f"{pct(first_any, 0.5):.1f} ms / {pct(first_any, 0.95):.1f} ms"),
        (f"text in → first sentence naming a listing (the {len(first_answer)} searching turns)",
         f"{pct(first_answer, 0.5):.1f} ms / {pct(first_answer, 0.95):.1f} ms"),
        ("whole turn, mean", f"{statistics.mean(totals):.1f} ms"),
        (f"intent reading alone (embedding + head, {len(reading)} sentences), p50 / p95",
         f"{pct(reading, 0.5):.1f} ms / {pct(reading, 0.95):.1f} ms"),
    ]  # fmt: skip
    print("\n| measure (offline policy, 600 listings in memory) | result |\n| --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

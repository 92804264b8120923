"""Evaluate the offline agent on multi-turn conversations (evals/*.yaml, format in
evals/FORMAT.md): each conversation runs through the real agent loop (offline policy, the search
tool over data/properties.csv, LangGraph memory) after the avatar's greeting, and every turn is
judged as the caller would judge it.

    python scripts/eval_conversations.py                 # dev and heldout, per-intent table
    python scripts/eval_conversations.py --split dev --failures
    python scripts/eval_conversations.py --intents       # how the intent head was chosen

Ends with one line per split ("heldout: 148/152 turns right (97.4%)") and exits 1 when a split
is below its bar (dev 100%, heldout 97%).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import logging
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _eval_judge import Call, Turn, judge

ROOT = Path(__file__).resolve().parent.parent
SPLITS = {"dev": 1.0, "heldout": 0.97}


def listings() -> list[dict[str, Any]]:
    with (ROOT / "data" / "properties.csv").open(encoding="utf-8", newline="") as handle:
        return [
            {**row, **{k: int(row[k]) for k in ("id", "price", "baths", "rooms", "sqft")}}
            for row in csv.DictReader(handle)
        ]


async def play(runtime: Any, conversation: dict[str, Any], data: list[dict[str, Any]]) -> list:
    from property_agent.agent.events import SentenceReady, ToolFinished, ToolStarted, TurnFinished

    talk = runtime.conversation(f"eval-{conversation['id']}")
    call = Call(data=data, last_reply=await talk.greet() or "")
    outcomes = []
    for case in conversation["turns"]:
        sentences, results, searched, fallback, intent = [], [], False, False, None
        async for event in talk.respond(case["say"]):
            if isinstance(event, SentenceReady):
                sentences.append(event.text)
            elif isinstance(event, ToolStarted):
                searched = True
            elif isinstance(event, ToolFinished):
                results.append(event.result)
            elif isinstance(event, TurnFinished):
                fallback = event.fallback
        intent = await _intent_of_last_reply(talk)
        turn = Turn(" ".join(sentences), searched, results, fallback, intent)
        outcomes.append((case, turn, judge(case, turn, call)))
    return outcomes


async def _intent_of_last_reply(talk: Any) -> str | None:
    """The policy's own reading of the turn (its note), shown beside failures."""
    from property_agent.agent.offline.state import NOTE_KEY

    agent, _ = talk.runtime.agent_for_turn()
    state = await agent.aget_state({"configurable": {"thread_id": talk.thread_id}})
    for message in reversed(state.values.get("messages", [])):
        note = getattr(message, "additional_kwargs", {}).get(NOTE_KEY)
        if isinstance(note, dict) and "intent" in note:
            return str(note["intent"])
    return None


async def evaluate(splits: list[str], show_failures: set[str]) -> bool:
    from langgraph.checkpoint.memory import InMemorySaver

    from property_agent.agent.runtime import AgentRuntime
    from property_agent.config import Settings
    from property_agent.search.service import PropertySearchService

    settings = Settings(_env_file=None, llm={"provider": "offline"})  # type: ignore[call-arg]
    search = PropertySearchService(settings)
    await search.start(ROOT / "data" / "properties.csv")
    runtime = AgentRuntime(settings, search, checkpointer=InMemorySaver())
    await runtime.start()
    await runtime.warm_up()
    data = listings()
    passed = True
    summary = []
    try:
        for split in splits:
            spec = yaml.safe_load((ROOT / "evals" / f"{split}.yaml").read_text("utf-8"))
            per_intent: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            failures = []
            for conversation in spec["conversations"]:
                for case, turn, problem in await play(runtime, conversation, data):
                    tally = per_intent[case["expect"]]
                    tally[1] += 1
                    tally[0] += problem is None
                    if problem:
                        failures.append((conversation["id"], case, turn, problem))
            right = sum(r for r, _ in per_intent.values())
            total = sum(t for _, t in per_intent.values())
            print(f"\n## {split}\n\n| intent | right | turns | accuracy |\n|---|---:|---:|---:|")
            for intent, (r, t) in sorted(per_intent.items(), key=lambda kv: -kv[1][1]):
                print(f"| {intent} | {r} | {t} | {100 * r / t:.1f}% |")
            if split in show_failures:
                for cid, case, turn, problem in failures:
                    print(f"- {cid}: {case['say']!r} (expect {case['expect']}, read as "
                          f"{turn.intent}) → {problem}\n    avatar: {turn.text}")  # fmt: skip
            rate = right / total if total else 0.0
            summary.append(f"{split}: {right}/{total} turns right ({100 * rate:.1f}%)")
            passed = passed and rate >= SPLITS[split]
    finally:
        await runtime.aclose()
        await search.aclose()
    print()
    for line in summary:
        print(line)
    return passed


def intent_figures() -> None:
    """Cross-validated accuracy of the candidate intent readers over exemplars.yaml."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from property_agent.agent.offline.meaning import REGULARISATION_C, exemplars
    from property_agent.config import Settings
    from property_agent.search.service import PropertySearchService

    search = PropertySearchService(Settings(_env_file=None))  # type: ignore[call-arg]
    asyncio.run(search.start(ROOT / "data" / "properties.csv"))
    assert search.encoder is not None, search.status().message
    texts = [s for group in exemplars().values() for s in group]
    labels = np.array([k for k, group in exemplars().items() for _ in group])
    vectors = search.encoder.encode(texts)
    folds = list(StratifiedKFold(10, shuffle=True, random_state=0).split(vectors, labels))
    print(f"{len(texts)} examples, {len(set(labels))} intents, 10-fold cross-validation\n")
    print("| reader | accuracy |\n|---|---:|")
    for k in (1, 2, 3):
        right = 0
        for train, test in folds:
            sims = vectors[test] @ vectors[train].T
            for row, truth in zip(sims, labels[test], strict=True):
                scores = defaultdict(list)
                for sim, label in zip(row, labels[train], strict=True):
                    scores[label].append(sim)
                best = max(scores, key=lambda lab: np.mean(sorted(scores[lab])[-k:]))
                right += best == truth
        print(f"| nearest examples, k={k} | {100 * right / len(texts):.1f}% |")
    right = 0
    for train, test in folds:
        names = sorted(set(labels[train]))
        centres = np.stack([vectors[train][labels[train] == n].mean(0) for n in names])
        guess = np.array(names)[np.argmax(vectors[test] @ centres.T, axis=1)]
        right += int((guess == labels[test]).sum())
    print(f"| intent centroids | {100 * right / len(texts):.1f}% |")
    for c in (1.0, 4.0, REGULARISATION_C, 64.0):
        head = LogisticRegression(C=c, max_iter=2000)
        guess = cross_val_predict(head, vectors, labels, cv=folds)
        print(f"| logistic head, C={c:g} | {100 * float((guess == labels).mean()):.1f}% |")
    asyncio.run(search.aclose())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=sorted(SPLITS), action="append")
    parser.add_argument("--failures", action="store_true", help="list every wrong turn")
    parser.add_argument("--intents", action="store_true", help="compare intent readers")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.intents:
        intent_figures()
        return
    splits = args.split or list(SPLITS)
    show = set(splits) if args.failures else {"dev"}
    sys.exit(0 if asyncio.run(evaluate(splits, show)) else 1)


if __name__ == "__main__":
    main()

"""Phone speech recognition for Madrid place names: word error rate, the neighbourhood and the
bedrooms the parser reads from each transcript, and STT latency, per synthetic voice.

    HF_HUB_OFFLINE=1 python scripts/bench_phone_stt.py [--split dev|heldout|all]
                                                       [--voices kal,awb] [--mishearings]

Each request in evals/phone_stt/<split>.yaml is spoken by espeak-ng and flite voices, sent as a
Twilio caller's 20 ms μ-law frames at 8 kHz through the real turn detector (`TurnTaker`, Silero),
and the utterance it hands over goes to the configured STT (`STT__MODEL` and friends, default
the packaged Whisper base) exactly as a call does. `LocalQueryParser` over data/properties.csv
then reads the place and the bedrooms from the transcript. Synthesised audio is cached in the
temp folder. Prints one markdown table (and, with --mishearings, what each place was heard as);
nothing here is a test.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from _synthetic_callers import Voice, heard_turns, installed_voices, over_the_phone, synthesize
from _transcript_scoring import heard_as, normalise, word_errors
from property_agent.config import Settings, load_settings
from property_agent.search.listings_csv import read_listings
from property_agent.search.parser import LocalQueryParser
from property_agent.telephony.codec import PHONE_RATE
from property_agent.voice.stt import STT, create_stt

ROOT = Path(__file__).resolve().parent.parent
EVALS = ROOT / "evals" / "phone_stt"


@dataclass(frozen=True)
class Request:
    say: str
    place: str
    rooms: int | None


@dataclass
class Outcome:
    voice: Voice
    request: Request
    transcript: str
    turns: int
    stt_s: list[float]
    errors: int
    words: int
    read_place: str | None  # what the parser read from the transcript
    asked: str | None  # the neighbourhood the avatar would ask about ("did you mean …?")
    rooms_ok: bool | None  # None: the caller named no bedrooms

    @property
    def place_ok(self) -> bool:
        return self.read_place == self.request.place

    @property
    def asked_right(self) -> bool:
        """No search yet, but the avatar asks "did you mean <the right place>?"."""
        return self.read_place is None and self.asked == self.request.place

    @property
    def wrong_place(self) -> bool:
        """Searched in another neighbourhood: worse than none, which the agent asks about."""
        return self.read_place is not None and not self.place_ok


def load_requests(split: str) -> list[Request]:
    splits = ["dev", "heldout"] if split == "all" else [split]
    requests = []
    for name in splits:
        data = yaml.safe_load((EVALS / f"{name}.yaml").read_text(encoding="utf-8"))
        requests += [Request(u["say"], u["place"], u["rooms"]) for u in data["utterances"]]
    return requests


def parser_over_listings(settings: Settings) -> LocalQueryParser:
    locations = read_listings(ROOT / settings.data.path).locations
    return LocalQueryParser(locations, settings.search.fuzzy_threshold)


async def hear(
    stt: STT, parser: LocalQueryParser, settings: Settings, voice: Voice, request: Request
) -> Outcome:
    rate, speech = synthesize(voice, request.say)
    utterances = heard_turns(over_the_phone(rate, speech), settings.vad)
    texts, took = [], []
    for utterance in utterances:
        started = time.perf_counter()
        texts.append(await stt.transcribe((PHONE_RATE, utterance)))
        took.append(time.perf_counter() - started)
    transcript = " ".join(t for t in texts if t)
    errors, words = word_errors(request.say, transcript)
    parsed = parser.parse(transcript)
    wanted = parsed.filters
    unsure = [f.suggestion for f in parsed.flagged_places if f.suggestion]
    return Outcome(
        voice=voice,
        request=request,
        transcript=transcript,
        turns=len(utterances),
        stt_s=took,
        errors=errors,
        words=words,
        read_place=wanted.location,
        asked=unsure[0] if unsure else None,
        rooms_ok=None if request.rooms is None else wanted.min_rooms == request.rooms,
    )


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def row(label: str, outcomes: list[Outcome]) -> str:
    errors = sum(o.errors for o in outcomes)
    words = sum(o.words for o in outcomes)
    places = sum(o.place_ok for o in outcomes)
    asked = sum(o.asked_right for o in outcomes)
    wrong = sum(o.wrong_place for o in outcomes)
    counted = [o.rooms_ok for o in outcomes if o.rooms_ok is not None]
    took = [t * 1000 for o in outcomes for t in o.stt_s]
    split = sum(o.turns != 1 for o in outcomes)
    return (
        f"| {label} | {len(outcomes)} | {100 * errors / max(words, 1):.1f}% "
        f"| {100 * places / len(outcomes):.0f}% ({places}) | {asked} | {wrong} "
        f"| {100 * sum(counted) / max(len(counted), 1):.0f}% ({sum(counted)}/{len(counted)}) "
        f"| {_percentile(took, 0.5):.0f} | {_percentile(took, 0.95):.0f} | {split} |"
    )


def table(outcomes: list[Outcome]) -> str:
    lines = [
        "| voice | utterances | WER | place right | asked right | wrong place | bedrooms right "
        "| STT p50 ms "
        "| STT p95 ms | not one turn |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    by_voice: dict[Voice, list[Outcome]] = defaultdict(list)
    by_family: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_voice[outcome.voice].append(outcome)
        by_family[outcome.voice.family].append(outcome)
    lines += [row(voice.label, items) for voice, items in by_voice.items()]
    lines += [row(f"**{family}**", items) for family, items in by_family.items()]
    lines.append(row("**all**", outcomes))
    return "\n".join(lines)


def mishearings(outcomes: list[Outcome]) -> str:
    """Each place the parser missed, with what the recogniser wrote for it, which voice said it,
    and the other neighbourhood searched instead, if any."""
    missed: dict[str, list[str]] = defaultdict(list)
    for o in outcomes:
        if not o.place_ok:
            heard = heard_as(o.request.say, o.transcript, o.request.place)
            instead = f" → {o.read_place}" if o.read_place else ""
            missed[o.request.place].append(f"{heard!r} ({o.voice.name}){instead}")
    return "\n".join(
        f"- {place}: {', '.join(sorted(heard))}" for place, heard in sorted(missed.items())
    )


async def run(args: argparse.Namespace) -> None:
    settings = load_settings(_env_file=None)
    voices = [v for v in installed_voices() if not args.voices or v.name in args.voices]
    if not voices:
        sys.exit("no synthetic voice: apt-get install espeak-ng flite")
    requests = load_requests(args.split)
    parser = parser_over_listings(settings)
    stt = create_stt(settings)
    await stt.transcribe((PHONE_RATE, next(iter(heard_turns(
        over_the_phone(*synthesize(voices[0], "Hello."), tail_s=1.0), settings.vad
    )))))  # fmt: skip  # warm-up: model load and first-call costs
    started = time.perf_counter()
    outcomes = [
        await hear(stt, parser, settings, voice, request)
        for voice in voices
        for request in requests
    ]
    places = {r.place for r in requests}
    print(
        f"STT {stt.name} (beam {settings.stt.beam_size}), split {args.split}: "
        f"{len(requests)} requests, {len(places)} neighbourhoods, {len(voices)} voices, "
        f"{time.perf_counter() - started:.0f} s\n"
    )
    print(table(outcomes))
    if args.mishearings:
        print("\nPlaces the parser missed, as heard:\n" + mishearings(outcomes))
    if args.transcripts:
        for o in outcomes:
            if not o.place_ok or o.errors:
                print(f"{o.voice.name:10} {' '.join(normalise(o.transcript))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    parser.add_argument("--voices", type=lambda s: set(s.split(",")), default=None)
    parser.add_argument("--mishearings", action="store_true", help="list the missed places")
    parser.add_argument("--transcripts", action="store_true", help="print imperfect transcripts")
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()

"""Reading what a turn means: the examples prompt engineers extend (exemplars.yaml), the intent
head trained on them with the search's own MiniLM, and the rules that override it."""

from __future__ import annotations

import gc
import warnings

import pytest

from property_agent.agent.offline.intents import Intent
from property_agent.agent.offline.meaning import exemplars, reader_for
from property_agent.search.service import PropertySearchService

MIN_EXAMPLES = 12
# Read without a listing on the table, and without criteria from earlier in the call.
READINGS = [
    ("Hmm, that's a bit steep for us. Got anything that costs less?", "cheaper"),
    ("Where can I get decent tapas around Sol tonight?", "out_of_scope"),
    ("That sounds lovely, could I go and see it on Saturday morning?", "visit"),
    ("could you put me through to someone at the office", "person"),
    ("what other flats have you got", "next"),
    ("nah", "no"),
    ("cheers, that's all for today", "goodbye"),
]


def test_every_intent_has_enough_examples() -> None:
    examples = exemplars()
    readable = {i.value for i in Intent} - {Intent.EMPTY.value}
    assert set(examples) == readable, "exemplars.yaml and the Intent enum must list the same"
    thin = {intent: len(said) for intent, said in examples.items() if len(said) < MIN_EXAMPLES}
    assert not thin, f"add examples (at least {MIN_EXAMPLES} each): {thin}"


def test_no_example_sits_under_two_intents() -> None:
    seen: dict[str, str] = {}
    for intent, said in exemplars().items():
        for sentence in said:
            key = sentence.lower().strip(" ?!.")
            assert key not in seen, f"{sentence!r} is under {seen[key]} and {intent}"
            seen[key] = intent


@pytest.mark.integration
def test_the_policy_reads_meaning_with_the_searchs_own_model(
    search_service: PropertySearchService,
) -> None:
    from sentence_transformers import SentenceTransformer

    from property_agent.search.index import description_model

    encoder = search_service.encoder
    assert encoder is not None
    engine = search_service._engine  # the engine the index embeds descriptions with
    assert engine is not None
    assert encoder.model is description_model(engine.index)
    with warnings.catch_warnings():  # torch warns about a deprecated alias while gc walks it
        warnings.simplefilter("ignore", FutureWarning)
        loaded = [o for o in gc.get_objects() if isinstance(o, SentenceTransformer)]
    assert len(loaded) == 1, "MiniLM is loaded once per process"


@pytest.mark.integration
@pytest.mark.parametrize(("sentence", "intent"), READINGS)
def test_free_phrasings_are_read_by_meaning(
    search_service: PropertySearchService, sentence: str, intent: str
) -> None:
    from property_agent.agent.offline.intents import classify

    assert search_service.encoder is not None
    guess = reader_for(search_service.encoder).read(sentence)
    reading = classify(
        sentence,
        search_service.parser.parse(sentence),
        guess,
        has_listing=False,
        asked=None,
    )
    assert reading.intent.value == intent, guess

"""Opik traces of voice turns: one trace per turn (`generate-avatar-response`) holding the speech
recognition, the agent's own spans, each synthesised sentence and the filler.

Spans are written once, complete, when they end: an update sent right after a create can be
lost to the SDK's batching. Their ids are chosen up front, so the agent's LangChain spans can
join the turn (through Opik's distributed-trace headers) before their parent is written.
Without Opik, sessions get `VoiceTracing`, which records nothing and never imports opik; a
tracing failure is logged and the turn goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from property_agent.observability.opik import TAGS, Tracing

if TYPE_CHECKING:
    from opik import Opik
    from opik.types import DistributedTraceHeadersDict, ErrorInfoDict

    from property_agent.agent.events import TurnFinished

logger = logging.getLogger(__name__)
TRACE_NAME = "generate-avatar-response"


class TurnTrace:
    """One voice turn's trace. This base records nothing: it is the turn when tracing is off.

    Times are `time.perf_counter()` readings, the clock the voice session already keeps.
    """

    def transcribed(self, audio: tuple[int, Any], transcript: str, began: float) -> None:
        """Speech recognition of the caller's utterance, from `began` until now."""

    def agent_started(self) -> DistributedTraceHeadersDict | None:
        """The agent's run begins: where its spans go (None: they are not traced)."""
        return None

    def agent_finished(self, finished: TurnFinished | None) -> None:
        """The agent's run ended (`finished` is None when it was cut short)."""

    def spoke(self, text: str, *, chunks: int, audio_s: float, began: float, kind: str) -> None:
        """One `text` synthesised and played, from `began` until now."""

    def filled(self, *, tool_line: bool, typing_s: float, began: float) -> None:
        """The filler while a search ran: the tool line (or not) and `typing_s` of typing."""

    def finish(self, timings: Mapping[str, Any], error: BaseException | None = None) -> None:
        """The turn is over: write the trace."""


class VoiceTracing:
    """Makes each turn's trace; this base is tracing switched off."""

    enabled = False

    def turn(
        self, session_id: str, *, avatar: str, stt: str, tts: str, voice: str | None
    ) -> TurnTrace:
        return _NO_TRACE


_NO_TRACE = TurnTrace()


def voice_tracing(tracing: Tracing) -> VoiceTracing:
    """Opik voice tracing when the agent's tracing is on, else the no-op."""
    return OpikVoiceTracing(tracing) if tracing.enabled else VoiceTracing()


class OpikVoiceTracing(VoiceTracing):
    enabled = True

    def __init__(self, tracing: Tracing) -> None:
        self.project = tracing.settings.project

    def turn(
        self, session_id: str, *, avatar: str, stt: str, tts: str, voice: str | None
    ) -> TurnTrace:
        try:
            import opik

            return _OpikTurnTrace(
                opik.get_global_client(),
                self.project,
                session_id,
                {"avatar": avatar, "stt_model": stt, "tts_model": tts, "tts_voice": voice},
            )
        except Exception as exc:  # tracing must never stop a turn
            logger.warning("Could not start the Opik trace of a voice turn: %s", exc)
            return _NO_TRACE


class _OpikTurnTrace(TurnTrace):
    def __init__(
        self, client: Opik, project: str, session_id: str, metadata: dict[str, Any]
    ) -> None:
        from opik.id_helpers import generate_id

        self._client = client
        self._project = project
        self._session_id = session_id
        self._metadata = metadata
        self._new_id = generate_id
        self._id = generate_id()
        self._began = time.perf_counter()
        self._began_at = datetime.now(UTC)
        self._transcript = ""
        self._agent_span = ""
        self._agent_began = 0.0
        self._reply: list[str] = []
        self._fallback = False

    def _at(self, reading: float) -> datetime:
        return self._began_at + timedelta(seconds=reading - self._began)

    def _span(self, what: str, began: float, **fields: Any) -> None:
        self._safely(
            what,
            lambda: self._client.span(
                trace_id=self._id,
                project_name=self._project,
                start_time=self._at(began),
                end_time=datetime.now(UTC),
                **fields,
            ),
        )

    def _safely(self, what: str, write: Callable[[], object]) -> None:
        try:
            write()
        except Exception as exc:  # tracing must never stop a turn
            logger.warning("Could not trace %s of session %s: %s", what, self._session_id, exc)

    def transcribed(self, audio: tuple[int, Any], transcript: str, began: float) -> None:
        rate, samples = audio
        self._transcript = transcript
        self._span(
            "speech recognition",
            began,
            name="stt-transcription",
            input={"audio_s": round(np.asarray(samples).size / rate, 3), "sample_rate": rate},
            output={"transcript": transcript},
            metadata={"model": self._metadata["stt_model"]},
        )

    def agent_started(self) -> DistributedTraceHeadersDict | None:
        self._agent_span = self._new_id()
        self._agent_began = time.perf_counter()
        return {"opik_trace_id": self._id, "opik_parent_span_id": self._agent_span}

    def agent_finished(self, finished: TurnFinished | None) -> None:
        if not self._agent_span:
            return
        self._fallback = bool(finished and finished.fallback)
        self._span(
            "the agent",
            self._agent_began,
            id=self._agent_span,
            name="agent",
            input={"transcript": self._transcript},
            output={"text": finished.text if finished else None},
            metadata={
                "fallback": self._fallback,
                "interrupted": finished is None,
                "latency_ms": finished.latency_ms if finished else {},
            },
        )

    def spoke(self, text: str, *, chunks: int, audio_s: float, began: float, kind: str) -> None:
        if kind == "reply":
            self._reply.append(text)
        self._span(
            "speech synthesis",
            began,
            name="tts-generation",
            input={"text": text},
            output={"audio_chunks": chunks, "audio_s": round(audio_s, 3)},
            metadata={
                "kind": kind,
                "model": self._metadata["tts_model"],
                "voice": self._metadata["tts_voice"],
            },
        )

    def filled(self, *, tool_line: bool, typing_s: float, began: float) -> None:
        self._span(
            "the filler",
            began,
            name="filler",
            input={"tool_line": tool_line},
            output={"typing_s": round(typing_s, 3)},
        )

    def finish(self, timings: Mapping[str, Any], error: BaseException | None = None) -> None:
        metadata = {
            **self._metadata,
            "session_id": self._session_id,
            "fallback": self._fallback,
            "timings_ms": {k: v for k, v in timings.items() if k.endswith("_ms")},
        }
        self._safely(
            "the turn",
            lambda: self._client.trace(
                id=self._id,
                name=TRACE_NAME,
                project_name=self._project,
                start_time=self._began_at,
                end_time=datetime.now(UTC),
                input={"transcript": self._transcript},
                output={"text": " ".join(self._reply)},
                metadata=metadata,
                tags=[*TAGS, self._metadata["avatar"]],
                thread_id=self._session_id,
                error_info=_error_info(error) if error else None,
            ),
        )


def _error_info(error: BaseException) -> ErrorInfoDict:
    return {"exception_type": type(error).__name__, "message": str(error), "traceback": ""}

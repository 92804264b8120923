"""The OpenAI-compatible `/audio/transcriptions` call that Groq and faster-whisper servers share.

The audio goes as a 16 kHz int16 WAV built in memory; `verbose_json` is asked for so the same
no-speech rule as the local model (see `base`) applies to the segments the server reports.
"""

from __future__ import annotations

import io
import wave
from typing import Any

import httpx
import numpy as np
from numpy.typing import NDArray

from property_agent.voice.stt.base import (
    STT,
    TARGET_RATE,
    STTError,
    clean_text,
    is_no_speech,
)


def wav_bytes(samples: NDArray[np.float32], rate: int = TARGET_RATE) -> bytes:
    """Mono float32 samples as a 16-bit PCM WAV file, in memory."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def transcript_from(body: Any) -> str:
    """The text of a transcription response, without segments the no-speech rule drops."""
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        raise ValueError("the response has no 'text'")
    segments = body.get("segments")
    if not isinstance(segments, list) or not segments:
        return clean_text(body["text"])
    kept = [
        str(seg.get("text", ""))
        for seg in segments
        if isinstance(seg, dict)
        and not is_no_speech(
            float(seg.get("no_speech_prob", 0.0)), float(seg.get("avg_logprob", 0.0))
        )
    ]
    return clean_text(" ".join(kept))


class OpenAICompatibleSTT(STT):
    """POSTs one utterance to an OpenAI-compatible transcription endpoint."""

    name = "openai-compatible"

    def __init__(
        self,
        *,
        url: str,
        model: str,
        language: str,
        api_key: str | None,
        timeout_s: float,
        prompt: str,
    ) -> None:
        self._url = url
        self._prompt = prompt
        self._model = model
        self._language = language
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout_s = timeout_s
        self._client: httpx.AsyncClient | None = None

    async def _transcribe(self, samples: NDArray[np.float32]) -> str:
        body = await self._post(wav_bytes(samples))
        try:
            return transcript_from(body)
        except (ValueError, TypeError) as exc:
            raise STTError(f"{self.name}: unexpected answer from {self._url}: {exc}") from None

    async def _post(self, wav: bytes) -> Any:
        if self._client is None or self._client.is_closed:
            self._client = httpx.AsyncClient(timeout=self._timeout_s)
        data = {
            "model": self._model,
            "language": self._language,
            "response_format": "verbose_json",
            "temperature": "0",
            "prompt": self._prompt,
        }
        try:
            response = await self._client.post(
                self._url,
                headers=self._headers,
                data=data,
                files={"file": ("utterance.wav", wav, "audio/wav")},
            )
            response.raise_for_status()
            return response.json()
        except httpx.TimeoutException:
            raise STTError(
                f"{self.name}: no answer from {self._url} within {self._timeout_s:g} s"
            ) from None
        except httpx.HTTPStatusError as exc:
            detail = exc.response.text[:200].strip()
            raise STTError(
                f"{self.name}: HTTP {exc.response.status_code} from {self._url}: {detail}"
            ) from None
        except httpx.HTTPError as exc:
            raise STTError(f"{self.name}: cannot reach {self._url}: {exc}") from None
        except ValueError:
            raise STTError(f"{self.name}: the answer from {self._url} is not JSON") from None

    async def aclose(self) -> None:
        """Close the pooled HTTP connection (the provider stays usable: it reopens on demand)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

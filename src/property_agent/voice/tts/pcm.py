"""Turn streamed audio bytes (raw 16-bit PCM, or a WAV stream) into int16 chunks as they arrive.

Network reads split samples anywhere, so an odd trailing byte waits for the next read. A WAV
stream is recognised by its `RIFF` magic; its header gives the real sample rate, and its data
size is ignored (streaming servers write a placeholder there).
"""

from __future__ import annotations

import struct

import numpy as np
from numpy.typing import NDArray

from property_agent.voice.tts.base import TTSError

_RIFF_HEADER = 12  # "RIFF", size, "WAVE"
_CHUNK_HEADER = 8  # id, size


class PcmDecoder:
    """Incremental int16 little-endian PCM decoder; `feed` bytes, get the whole samples so far."""

    def __init__(self, sample_rate: int, provider: str) -> None:
        self.sample_rate = sample_rate
        self.samples_out = 0
        self._provider = provider
        self._buffer = b""
        self._channels = 1
        self._in_header: bool | None = None  # None until the first bytes tell raw from WAV

    def feed(self, data: bytes) -> NDArray[np.int16] | None:
        """The whole samples in `data` plus carried bytes, or None while none are complete."""
        self._buffer += data
        if self._in_header is None:
            if len(self._buffer) < 4:
                return None
            self._in_header = self._buffer.startswith(b"RIFF")
        if self._in_header and not self._parse_header():
            return None
        frame = 2 * self._channels
        usable = len(self._buffer) - len(self._buffer) % frame
        if usable == 0:
            return None
        raw, self._buffer = self._buffer[:usable], self._buffer[usable:]
        samples = np.frombuffer(raw, dtype="<i2").astype(np.int16)
        if self._channels > 1:
            samples = samples.reshape(-1, self._channels).mean(axis=1).astype(np.int16)
        self.samples_out += samples.size
        return samples

    def _parse_header(self) -> bool:
        """Consume the WAV header up to its `data` chunk; False while more bytes are needed."""
        buf = self._buffer
        if len(buf) < _RIFF_HEADER:
            return False
        if buf[8:12] != b"WAVE":
            raise TTSError(f"{self._provider}: the server sent RIFF data that is not WAV audio")
        offset = _RIFF_HEADER
        while len(buf) >= offset + _CHUNK_HEADER:
            chunk_id = buf[offset : offset + 4]
            (size,) = struct.unpack("<I", buf[offset + 4 : offset + 8])
            body = offset + _CHUNK_HEADER
            if chunk_id == b"data":
                self._buffer = buf[body:]
                self._in_header = False
                return True
            if len(buf) < body + size:
                return False
            if chunk_id == b"fmt ":
                self._read_format(buf[body : body + size])
            offset = body + size + (size & 1)  # chunks are padded to an even length
        return False

    def _read_format(self, fmt: bytes) -> None:
        audio_format, channels, rate = struct.unpack("<HHI", fmt[:8])
        (bits,) = struct.unpack("<H", fmt[14:16])
        # 0xFFFE is WAVE_FORMAT_EXTENSIBLE, which servers also use for plain PCM.
        if audio_format not in (1, 0xFFFE) or bits != 16:
            raise TTSError(
                f"{self._provider}: the server sent WAV format {audio_format} at {bits} bits; "
                "only 16-bit PCM is supported (ask for response_format pcm or wav)"
            )
        self._channels = max(1, channels)
        self.sample_rate = rate

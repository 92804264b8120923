"""The avatars callers talk to (Tara, Leo, …): loaded from `avatars/*.yaml`, validated, and turned
into the agent's system prompt.

Every line an avatar says goes straight to TTS, so spoken lines are checked for plain speech at
load time: a markdown character, a URL or an emoji fails start-up naming the file and field.
The wording lives in the YAML files and `avatars/system_prompt.txt`, never here.
"""

from __future__ import annotations

import re
import string
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator


def _default_dir() -> Path:
    """The repository's avatars/ in a source checkout; ./avatars when installed (the Docker image
    runs from /app, next to its avatars/)."""
    checkout = Path(__file__).resolve().parents[2] / "avatars"
    return checkout if checkout.is_dir() else Path.cwd() / "avatars"


AVATARS_DIR = _default_dir()
TEMPLATE_FILE = "system_prompt.txt"
PLACEHOLDERS = ("name", "description", "intro", "communication_style", "tool_use_line")
MAX_INTRO_CHARS = 300

_MARKDOWN = set("*#_[]`")
_URL = re.compile(r"https?://\S+|\bwww\.\S+|\b[\w-]+\.(?:com|es|org|net|io|eu)\b", re.IGNORECASE)
# Emoji and pictographic symbol blocks (arrows, dingbats, geometric shapes, emoji planes), plus
# the zero-width joiner and variation selector emojis are built from. Letters, digits, accents,
# punctuation and € are outside these ranges.
_SYMBOL_RANGES = (
    (0x2022, 0x2022),  # bullet
    (0x200D, 0x200D),
    (0x2190, 0x21FF),
    (0x2300, 0x23FF),
    (0x2460, 0x24FF),
    (0x25A0, 0x27BF),
    (0x2900, 0x297F),
    (0x2B00, 0x2BFF),
    (0xFE0F, 0xFE0F),
    (0x1F000, 0x1FAFF),
)


class AvatarError(ValueError):
    """An avatar file, name or the prompt template is wrong; the message says what to fix."""


def _symbol(char: str) -> bool:
    return any(lo <= ord(char) <= hi for lo, hi in _SYMBOL_RANGES)


def _check_spoken(text: str) -> str:
    """Reject anything TTS would read out literally or choke on."""
    url = _URL.search(text)
    if url:
        raise ValueError(f"must be plain speech (found URL {url.group()!r})")
    for char in text:
        if char in _MARKDOWN or _symbol(char):
            raise ValueError(f"must be plain speech (found {char!r})")
    return text


class Avatar(BaseModel):
    """One avatar: who it is, what it says at fixed moments, and its voice per TTS engine."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: str
    description: str
    intro: str
    communication_style: str
    tool_use_line: str
    fallback_line: str
    goodbye_line: str
    voices: dict[str, str]

    @field_validator("name", "description", "communication_style")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("intro", "tool_use_line", "fallback_line", "goodbye_line")
    @classmethod
    def _plain_speech(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        return _check_spoken(value)

    @field_validator("intro")
    @classmethod
    def _short_intro(cls, value: str) -> str:
        if len(value) > MAX_INTRO_CHARS:
            raise ValueError(f"must be at most {MAX_INTRO_CHARS} characters (has {len(value)})")
        return value

    @field_validator("voices")
    @classmethod
    def _has_piper(cls, value: dict[str, str]) -> dict[str, str]:
        voices = {engine.strip().lower(): voice.strip() for engine, voice in value.items()}
        if not voices.get("piper"):
            raise ValueError("must include a 'piper' voice (the offline default engine)")
        return voices

    def voice_for(self, engine: str) -> str | None:
        """This avatar's preferred voice for a TTS engine, or None to use the engine's default."""
        return self.voices.get(engine.strip().lower()) or None


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "file"
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{field}: {msg}")
    return "; ".join(parts)


def _load_file(path: Path) -> Avatar:
    where = _display(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AvatarError(f"{where}: cannot read YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise AvatarError(f"{where}: must be a mapping of avatar fields")
    try:
        avatar = Avatar.model_validate(raw)
    except ValidationError as exc:
        raise AvatarError(f"{where}: {_describe(exc)}") from None
    if avatar.name.lower() != path.stem:
        raise AvatarError(
            f"{where}: name: {avatar.name!r} does not match the file name "
            f"(rename the file to {avatar.name.lower()}.yaml or set name to {path.stem.title()})"
        )
    return avatar


@cache
def _load_dir(directory: Path) -> dict[str, Avatar]:
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise AvatarError(f"No avatar files (*.yaml) in {_display(directory)}")
    return {path.stem: _load_file(path) for path in files}


def load_avatars(directory: Path = AVATARS_DIR) -> dict[str, Avatar]:
    """All avatars in `directory`, keyed by lower-case name. Files are read once per directory."""
    return dict(_load_dir(Path(directory).resolve()))


def get_avatar(name: str, directory: Path = AVATARS_DIR) -> Avatar:
    """The avatar called `name` (any case); unknown names fail naming the valid ones."""
    avatars = load_avatars(directory)
    try:
        return avatars[name.strip().lower()]
    except KeyError:
        valid = ", ".join(sorted(avatars))
        raise AvatarError(
            f"Unknown avatar {name!r}. Valid avatars: {valid} (set AVATAR_NAME)"
        ) from None


def render_system_prompt(avatar: Avatar, directory: Path = AVATARS_DIR) -> str:
    """The agent's system prompt: the shared template filled with this avatar's fields."""
    path = Path(directory) / TEMPLATE_FILE
    try:
        template = string.Template(path.read_text(encoding="utf-8"))
    except OSError:
        raise AvatarError(
            f"System prompt template not found: {_display(path)} "
            f"(it may use ${', $'.join(PLACEHOLDERS)})"
        ) from None
    values = {key: getattr(avatar, key) for key in PLACEHOLDERS}
    try:
        return template.substitute(values).strip()
    except KeyError as exc:
        raise AvatarError(
            f"{_display(path)}: unknown placeholder ${exc.args[0]} "
            f"(valid: ${', $'.join(PLACEHOLDERS)})"
        ) from None
    except ValueError as exc:
        raise AvatarError(f"{_display(path)}: {exc} (write $$ for a literal dollar sign)") from None

"""Avatars: every shipped file loads and renders a usable prompt; broken files name the fix."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from property_agent.avatars import (
    AVATARS_DIR,
    Avatar,
    AvatarError,
    get_avatar,
    load_avatars,
    render_system_prompt,
)
from tests.support.settings import make_settings

pytestmark = pytest.mark.unit

NAMES = ("dan", "jess", "leah", "leo", "mia", "tara", "zac", "zoe")
KOKORO_VOICES = {
    "af_heart", "af_bella", "af_nicole", "af_sarah", "am_adam", "am_michael",
    "bf_emma", "bf_isabella", "bm_george", "bm_lewis",
}  # fmt: skip
SPOKEN = ("intro", "tool_use_line", "fallback_line", "goodbye_line")


@pytest.fixture
def avatars_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped folder that a test may break."""
    return Path(shutil.copytree(AVATARS_DIR, tmp_path / "avatars"))


def _edit(path: Path, **changes: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_all_eight_avatars_are_shipped() -> None:
    assert sorted(load_avatars()) == list(NAMES)


@pytest.mark.parametrize("key", NAMES)
def test_each_avatar_renders_a_complete_prompt(key: str) -> None:
    avatar = load_avatars()[key]
    prompt = render_system_prompt(avatar)
    assert avatar.name in prompt
    assert avatar.communication_style in prompt
    assert avatar.intro in prompt
    assert avatar.tool_use_line in prompt
    assert "search_property_tool" in prompt
    assert "$" not in prompt
    assert "Casa Madrid Homes" in prompt


@pytest.mark.parametrize("key", NAMES)
def test_each_avatar_introduces_itself_and_asks(key: str) -> None:
    avatar = load_avatars()[key]
    assert avatar.name in avatar.intro
    assert avatar.intro.endswith("?")
    assert "name" in avatar.intro.lower() or "who " in avatar.intro.lower()
    for field in SPOKEN[1:]:
        assert len(getattr(avatar, field)) <= 80, f"{key}.{field} is too long to say on a call"


@pytest.mark.parametrize("key", NAMES)
def test_each_avatar_has_a_voice_for_every_engine(key: str) -> None:
    avatar = load_avatars()[key]
    assert avatar.voice_for("piper") == "en_US-joe-medium"
    assert avatar.voice_for("kokoro") in KOKORO_VOICES
    assert avatar.voice_for("orpheus") == avatar.voice_for("TOGETHER") == key
    assert avatar.voice_for("elevenlabs") is None


def test_avatars_are_distinct_people() -> None:
    avatars = load_avatars().values()
    for field in ("description", "communication_style", *SPOKEN):
        values = [getattr(a, field) for a in avatars]
        assert len(set(values)) == len(NAMES), f"two avatars share a {field}"
    assert len({a.voice_for("kokoro") for a in avatars}) == len(NAMES)


def test_names_are_case_insensitive_and_the_default_setting_exists() -> None:
    assert get_avatar("TARA").name == "Tara"
    assert get_avatar(" Leo ").name == "Leo"
    assert get_avatar(make_settings().avatar_name).name == "Tara"


def test_an_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(AvatarError) as err:
        get_avatar("bob")
    assert str(err.value) == (
        "Unknown avatar 'bob'. Valid avatars: dan, jess, leah, leo, mia, tara, zac, zoe "
        "(set AVATAR_NAME)"
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"intro": "Hi, I'm **Leo**. What's your name?"},
            "intro: must be plain speech (found '*')",
        ),
        ({"description": None}, "description: Field required"),
        ({"name": "Leon"}, "name: 'Leon' does not match the file name"),
        ({"tool_use_line": "Searching now 🏠"}, "tool_use_line: must be plain speech (found '🏠')"),
        ({"goodbye_line": "Bye, see casamadrid.com"}, "goodbye_line: must be plain speech"),
        ({"intro": "Hello. " * 50}, "intro: must be at most 300 characters"),
        ({"voices": {"kokoro": "am_michael"}}, "voices: must include a 'piper' voice"),
        ({"favourite_colour": "blue"}, "favourite_colour: Extra inputs are not permitted"),
    ],
)
def test_a_broken_file_names_the_file_and_field(
    avatars_copy: Path, changes: dict[str, Any], expected: str
) -> None:
    _edit(avatars_copy / "leo.yaml", **changes)
    with pytest.raises(AvatarError) as err:
        load_avatars(avatars_copy)
    message = str(err.value)
    assert "leo.yaml: " in message
    assert expected in message


def test_a_file_that_is_not_a_mapping_is_named(avatars_copy: Path) -> None:
    (avatars_copy / "mia.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(AvatarError, match=r"mia\.yaml: must be a mapping"):
        load_avatars(avatars_copy)


def test_another_folder_can_hold_a_single_avatar(tmp_path: Path) -> None:
    shutil.copy(AVATARS_DIR / "zoe.yaml", tmp_path / "zoe.yaml")
    shutil.copy(AVATARS_DIR / "system_prompt.txt", tmp_path / "system_prompt.txt")
    zoe = get_avatar("Zoe", tmp_path)
    assert "Zoe" in render_system_prompt(zoe, tmp_path)
    with pytest.raises(AvatarError, match="Valid avatars: zoe "):
        get_avatar("tara", tmp_path)


def test_an_empty_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(AvatarError, match=r"No avatar files"):
        load_avatars(tmp_path)


def test_a_missing_template_is_a_clear_error(avatars_copy: Path) -> None:
    (avatars_copy / "system_prompt.txt").unlink()
    with pytest.raises(
        AvatarError, match=r"System prompt template not found: .*system_prompt\.txt"
    ):
        render_system_prompt(get_avatar("tara", avatars_copy), avatars_copy)


def test_a_template_placeholder_no_avatar_has_is_named(avatars_copy: Path) -> None:
    (avatars_copy / "system_prompt.txt").write_text("You are $name. Budget: $budget.")
    with pytest.raises(AvatarError, match=r"unknown placeholder \$budget"):
        render_system_prompt(get_avatar("tara", avatars_copy), avatars_copy)


def test_spoken_lines_allow_ordinary_speech() -> None:
    avatar = Avatar(
        name="Test",
        description="A test avatar.",
        intro="Hola, I'm Test from Casa Madrid Homes. It's about €300,000, isn't it? Your name?",
        communication_style="Plain.",
        tool_use_line="One moment, please.",
        fallback_line="Sorry, could you say that again?",
        goodbye_line="Adiós, and thank you!",
        voices={"Piper": "en_US-joe-medium"},
    )
    assert avatar.voice_for("piper") == "en_US-joe-medium"

"""Settings: nested env names, placeholders treated as unset, errors that name the variable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from property_agent.config import Settings, SettingsError, load_settings

pytestmark = pytest.mark.unit


def test_nested_settings_come_from_double_underscore_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QDRANT__URL", "http://qdrant:6333/")
    monkeypatch.setenv("QDRANT__API_KEY", "secret-key")
    monkeypatch.setenv("DATA__PATH", "/tmp/listings.csv")
    monkeypatch.setenv("SEARCH__PRICE_WEIGHT", "0.5")
    settings = load_settings()
    assert settings.qdrant.url == "http://qdrant:6333"
    assert settings.qdrant.api_key is not None
    assert settings.qdrant.api_key.get_secret_value() == "secret-key"
    assert settings.data.path == Path("/tmp/listings.csv")
    assert settings.search.price_weight == 0.5


@pytest.mark.parametrize("value", ["YOUR_KEY_HERE", "your-api-key", "<your key>", "changeme", ""])
def test_placeholder_values_count_as_unset(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("OPENAI__API_KEY", value)
    monkeypatch.setenv("QDRANT__URL", value)
    settings = load_settings()
    assert settings.openai.api_key is None
    assert not settings.openai.configured
    assert settings.qdrant.url is None


def test_defaults_need_no_keys() -> None:
    settings = load_settings()
    assert settings.qdrant.url is None
    assert settings.groq.api_key is None
    assert not settings.openai.configured
    assert settings.data.path == Path("data/properties.csv")


def test_a_bad_value_fails_at_start_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QDRANT__URL", "qdrant:6333")
    monkeypatch.setenv("API__PORT", "99999")
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert "QDRANT__URL" in message and "http://" in message
    assert "API__PORT" in message


def test_tests_do_not_read_a_developers_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("QDRANT__URL=http://from-dotenv:6333\n")
    monkeypatch.chdir(tmp_path)
    assert Settings().qdrant.url is None


def test_env_example_documents_every_setting() -> None:
    """Each setting appears in .env.example (commented with its default, or as a placeholder),
    so a newcomer finds every knob in one file."""
    text = (Path(__file__).resolve().parents[1] / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))
    expected = set()
    for name, field in Settings.model_fields.items():
        group = field.annotation
        if isinstance(group, type) and issubclass(group, BaseModel):
            expected |= {f"{name.upper()}__{sub.upper()}" for sub in group.model_fields}
        else:
            expected.add(name.upper())
    assert not expected - documented, f"add to .env.example: {sorted(expected - documented)}"
    assert not documented - expected, f"not settings: {sorted(documented - expected)}"

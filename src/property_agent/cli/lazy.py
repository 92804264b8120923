"""A command group that imports a command's module only when that command runs (or shows its
own help), so `property-agent --help` lists every command without loading Superlinked, FastAPI or
pydantic-settings. Each command's one-line help is kept here in the registry for that listing."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer.core import TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    """`name` runs the function of that name in `module` (built with the command class `cls` of
    that module when given); `summary` is its line in the group's `--help`, kept here so that
    listing the commands imports none of them."""

    name: str
    module: str
    summary: str
    cls: str | None = None

    def load(self) -> Any:
        """The typer command, as `app.command()` would have built it at import."""
        module = importlib.import_module(self.module)
        cls = getattr(module, self.cls) if self.cls else None
        one = typer.Typer(rich_markup_mode=None, add_completion=False)
        one.command(name=self.name, cls=cls)(getattr(module, self.name))
        return typer.main.get_command(one)


class LazyGroup(TyperGroup):
    """A group over `commands_registry` (subclasses set it); a command is imported on first use."""

    commands_registry: ClassVar[tuple[LazyCommand, ...]] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._loaded: dict[str, Any] = {}

    def _entry(self, name: str) -> LazyCommand | None:
        return next((c for c in self.commands_registry if c.name == name), None)

    def list_commands(self, ctx: Any) -> list[str]:
        return [c.name for c in self.commands_registry]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = self._entry(cmd_name)
        if entry is None:
            return None
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = entry.load()
        return self._loaded[cmd_name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The registry's summaries, without importing a single command."""
        rows = [(c.name, c.summary) for c in self.commands_registry]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

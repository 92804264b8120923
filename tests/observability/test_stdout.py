"""Gradio's two leftover debugging prints (`new /` when the page is mounted, `content_type …`
on every WebRTC handshake message) never reach the server's output; every other print does,
unchanged and without waiting."""

from __future__ import annotations

import io
import sys

import pytest

from property_agent.observability.stdout import FilteredStdout, gradio_prints_dropped

pytestmark = [pytest.mark.unit]


def printed(*calls: tuple[object, ...]) -> str:
    out = io.StringIO()
    stream = FilteredStdout(out)
    for args in calls:
        print(*args, file=stream)  # print writes each piece separately, as Gradio's do
    return out.getvalue()


def test_gradios_prints_are_dropped() -> None:
    assert printed(("new", "/"), ("content_type", "application/json")) == ""
    assert printed(("content_type", None), ("content_type", "multipart/form-data; b=x")) == ""


def test_other_prints_pass_unchanged() -> None:
    calls = [
        ("INFO:\t  Visit https://fastrtc.org/userguide/api/ for WebRTC or Websocket API docs.",),
        ("new", "listings:", 3),
        ("newcomer",),
        ("content_type",),
        ("",),
        ("the content_type is", "application/json"),
    ]
    expected = "".join(" ".join(str(a) for a in call) + "\n" for call in calls)

    assert printed(*calls) == expected


def test_text_that_cannot_be_a_gradio_print_is_written_at_once() -> None:
    out = io.StringIO()
    stream = FilteredStdout(out)

    stream.write("Loading… 40%\r")
    assert out.getvalue() == "Loading… 40%\r"
    stream.write("ne")  # could still become "new /": held back until the line ends
    assert out.getvalue() == "Loading… 40%\r"
    stream.write("ws\n")
    assert out.getvalue() == "Loading… 40%\rnews\n"


def test_the_server_runs_with_the_filter_and_gets_stdout_back() -> None:
    original = sys.stdout
    with gradio_prints_dropped():
        assert isinstance(sys.stdout, FilteredStdout)
        assert sys.stdout.encoding == original.encoding
    assert sys.stdout is original

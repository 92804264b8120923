"""The voice page in a real browser: headless Chromium, its microphone a recorded request, talks to
the app as a caller would and must hear the avatar and see the conversation.

Runs the app as `make run` does (offline: local Whisper, Piper, offline agent), so it takes a few
minutes on two cores, most of it start-up and indexing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from property_agent.avatars import get_avatar
from tests.support.browser import (
    CHROMEDRIVER,
    CHROMIUM,
    ESPEAK,
    AppServer,
    headless_chromium,
    received_audio,
    wait_for,
    write_mic_recording,
)

missing = [
    name
    for name, path in (
        ("chromium", CHROMIUM),
        ("chromedriver", CHROMEDRIVER),
        ("espeak-ng", ESPEAK),
    )
    if path is None
]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(missing), reason=f"the browser test needs {', '.join(missing)}, not installed"
    ),
]

REQUEST = (
    "I am looking for a flat with three bedrooms in Chamberí under five hundred thousand euros"
)
# The caller waits out the greeting (about 7 s of speech) before speaking, then stays quiet long
# enough for the answer: Chromium loops the file, and a repeat would interrupt the avatar.
LEAD_S, TAIL_S = 12.0, 45.0
START_BUTTON = "#voice button[aria-label='start stream']"
USER_LINES = "#transcript [data-testid='user']"
BOT_LINES = "#transcript [data-testid='bot']"
REQUESTED = re.compile(r"chamberí|bedrooms", re.IGNORECASE)
REPLIES = "//*[@id='transcript']//*[@data-testid='user']/following::*[@data-testid='bot']"
HEARD = 0.01  # totalAudioEnergy (sum of level² · seconds): digital silence adds exactly 0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    app = AppServer(tmp_path_factory.mktemp("app"))
    try:
        # ~20 s to open the port, then indexing; several times that on a busy two-core machine.
        app.wait_healthy(timeout_s=300)
        yield app
    finally:
        app.stop()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    mic = write_mic_recording(REQUEST, tmp_path / "mic.wav", lead_s=LEAD_S, tail_s=TAIL_S)
    with headless_chromium(mic) as driver:
        yield driver


def lines(driver: WebDriver, selector: str) -> list[str]:
    return [el.text for el in driver.find_elements(By.CSS_SELECTOR, selector)]


def test_caller_hears_the_avatar_and_sees_the_conversation(
    server: AppServer, browser: WebDriver
) -> None:
    def page_state() -> str:
        return (
            f"caller {lines(browser, USER_LINES)}, avatar {lines(browser, BOT_LINES)}, "
            f"audio {received_audio(browser)}"
        )

    began = time.monotonic()
    browser.get(server.url)
    try:
        start = wait_for(
            lambda: browser.find_elements(By.CSS_SELECTOR, START_BUTTON),
            60,
            "Record button",
            lambda: browser.title,
        )[0]
        name = get_avatar("tara").name
        assert name in browser.find_element(By.ID, "avatar").text
        start.click()

        wait_for(
            lambda: received_audio(browser)["energy"] > HEARD, 60, "greeting audio", page_state
        )
        assert lines(browser, BOT_LINES), "the greeting is not in the transcript"

        said = wait_for(
            lambda: [t for t in lines(browser, USER_LINES) if REQUESTED.search(t)],
            120,
            "transcript line with the caller's request",
            page_state,
        )
        heard_before = received_audio(browser)["energy"]
        replies = wait_for(
            lambda: [el.text for el in browser.find_elements(By.XPATH, REPLIES)],
            60,
            "avatar reply after the caller's line",
            page_state,
        )
        wait_for(
            lambda: received_audio(browser)["energy"] > heard_before + HEARD,
            60,
            "answer audio",
            page_state,
        )
    except Exception:
        print(f"--- server log ---\n{server.log_tail()}")
        print("--- browser console ---")
        for entry in browser.get_log("browser"):
            print(entry["level"], entry["message"])
        raise
    print(f"heard {said[0]!r}; replied {replies}")
    print(f"page to answer audio: {time.monotonic() - began:.1f} s")

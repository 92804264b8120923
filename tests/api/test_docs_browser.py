"""In a real browser with no network (no host but 127.0.0.1 resolves), `/docs` and `/redoc` still
render the API's operations: nothing they need comes from a CDN."""

from __future__ import annotations

import asyncio

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from property_agent.api.app import create_app
from property_agent.search.service import PropertySearchService
from tests.support.browser import CHROMEDRIVER, CHROMIUM, headless_chromium, wait_for
from tests.support.local_server import LocalServer
from tests.support.settings import make_settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None or CHROMEDRIVER is None,
        reason="the docs browser test needs chromium and chromedriver, not installed",
    ),
]


def rendered(base: str) -> dict[str, object]:
    """What an offline browser shows on each docs page."""
    with headless_chromium(offline=True) as driver:
        driver.get(f"{base}/docs")
        operations = wait_for(
            lambda: driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path"),
            30,
            "Swagger UI operations",
            lambda: page_text(driver),
        )
        swagger = [op.text for op in operations]
        driver.get(f"{base}/redoc")
        redoc = wait_for(
            lambda: "/superlinked/search" in page_text(driver) and page_text(driver),
            30,
            "ReDoc operations",
            lambda: page_text(driver),
        )
    return {"swagger": swagger, "redoc": redoc}


def page_text(driver: webdriver.Chrome) -> str:
    return str(driver.execute_script("return document.body ? document.body.innerText : ''"))


async def test_the_api_docs_render_their_operations_with_no_network(
    search_service: PropertySearchService,
) -> None:
    app = create_app(make_settings(), search_service=search_service, with_voice=False)
    async with LocalServer(app, lifespan="on") as server:
        shown = await asyncio.to_thread(rendered, server.http_url)
    swagger = shown["swagger"]
    assert isinstance(swagger, list)
    assert any("/superlinked/search" in op for op in swagger), swagger
    assert any("/agent/chat" in op for op in swagger), swagger
    assert "Realtime voice agent" in str(shown["redoc"])

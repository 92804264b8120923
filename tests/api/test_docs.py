"""The API docs a newcomer opens (`/docs`, `/redoc`) load everything from this server: with no
network they still render, where FastAPI's defaults fetch Swagger UI and ReDoc from a CDN."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration


def assets_of(page: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_load_only_assets_this_server_serves(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert "cdn.jsdelivr.net" not in html and "fonts.googleapis" not in html
    assets = assets_of(html)
    assert assets, html
    for url in assets:
        assert url.startswith("/"), f"{page} loads {url} from elsewhere"
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
    assert "/openapi.json" in html


def test_the_scripts_are_served_as_javascript_and_the_schema_lists_the_operations(
    client: TestClient,
) -> None:
    swagger = client.get("/docs-assets/swagger-ui-bundle.js")
    assert "javascript" in swagger.headers["content-type"]
    redoc = client.get("/docs-assets/redoc.standalone.js")
    assert "javascript" in redoc.headers["content-type"]
    paths = client.get("/openapi.json").json()["paths"]
    assert "/superlinked/search" in paths and "/agent/chat" in paths
    assert not any(p.startswith("/docs") for p in paths)  # the docs are not API operations

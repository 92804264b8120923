"""The interactive API docs (`/docs`, `/redoc`) served from packaged assets, so they render with
no network: FastAPI's defaults load Swagger UI and ReDoc from a CDN, a blank page offline.

The assets are the ones `fastapi-offline` ships (Swagger UI's bundle and CSS, ReDoc's standalone
build); the pages are FastAPI's own, pointed at them.
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"


def _assets_folder() -> str:
    return str(resources.files("fastapi_offline").joinpath("static"))


def add_offline_docs(app: FastAPI) -> None:
    """Serve `/docs` and `/redoc` from local assets. Build the app with `docs_url=None` and
    `redoc_url=None` so FastAPI's CDN pages are not registered too."""
    app.mount(ASSETS_URL, StaticFiles(directory=_assets_folder()), name="docs-assets")
    title = f"{app.title} — API docs"
    oauth2_redirect = "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=title,
            oauth2_redirect_url=oauth2_redirect,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
        )

    @app.get(oauth2_redirect, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=title,
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )

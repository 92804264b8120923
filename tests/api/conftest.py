"""The API as a client calls it: the whole app without voice, over the session's search index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from property_agent.api.app import create_app
from property_agent.search.service import PropertySearchService
from tests.support.settings import make_settings


@pytest.fixture(scope="module")
def client(search_service: PropertySearchService) -> Iterator[TestClient]:
    with TestClient(
        create_app(make_settings(), search_service=search_service, with_voice=False)
    ) as c:
        yield c

"""The REST contract: exact response shapes, 422s that name the field, 503 while loading."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from property_agent.api.app import create_app
from property_agent.search.service import PropertySearchService
from tests.support.settings import make_settings

pytestmark = [pytest.mark.integration]

FILTER_KEYS = {
    "location",
    "min_rooms",
    "min_baths",
    "price_smaller_than",
    "price_bigger_than",
    "sqft_bigger_than",
    "description_query",
}
PROPERTY_KEYS = {"id", "description", "baths", "rooms", "sqft", "location", "price"}


def test_search_returns_the_documented_shape(client: TestClient) -> None:
    response = client.post(
        "/superlinked/search", json={"query": "2 bed 2 bath in Retiro under 900k", "limit": 4}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success"
    assert body["query"] == "2 bed 2 bath in Retiro under 900k"
    assert set(body["filters"]) == FILTER_KEYS
    assert body["filters"] | {"description_query": None} == {
        "location": "Retiro",
        "min_rooms": 2,
        "min_baths": 2,
        "price_smaller_than": 900_000,
        "price_bigger_than": None,
        "sqft_bigger_than": None,
        "description_query": None,
    }
    assert body["count"] == len(body["properties"]) > 0
    for listing in body["properties"]:
        assert set(listing) == PROPERTY_KEYS
        assert listing["location"] == "Retiro" and listing["price"] <= 900_000


def test_limit_defaults_to_three(client: TestClient) -> None:
    body = client.post("/superlinked/search", json={"query": "a flat"}).json()
    assert body["count"] == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"query": "", "limit": 3}, "query"),
        ({"query": "   ", "limit": 3}, "query"),
        ({"query": "x" * 501, "limit": 3}, "query"),
        ({"query": 123, "limit": 3}, "query"),
        ({"limit": 3}, "query"),
        ({"query": "flat", "limit": 0}, "limit"),
        ({"query": "flat", "limit": 21}, "limit"),
        ({"query": "flat", "limit": "3"}, "limit"),
        ({"query": "flat", "limit": 2.5}, "limit"),
        ({"query": "flat", "limt": 3}, "limt"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    response = client.post("/superlinked/search", json=body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["message"].startswith(field)
    assert any(field in error["loc"] for error in payload["detail"])


def test_malformed_json_is_a_422(client: TestClient) -> None:
    response = client.post(
        "/superlinked/search", content=b'{"query": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "JSON" in response.json()["message"]


def test_a_query_of_exactly_500_characters_is_accepted(client: TestClient) -> None:
    query = ("flat with a terrace " * 30)[:500]
    assert client.post("/superlinked/search", json={"query": query}).status_code == 200


def test_health_reports_the_backend_and_size(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["index"] == {"backend": "in-memory", "properties": 600}
    assert "600 listings indexed" in body["message"]


def test_while_the_index_loads_health_and_search_say_503() -> None:
    loading = PropertySearchService(make_settings())  # never started: still loading
    with TestClient(create_app(make_settings(), search_service=loading, with_voice=False)) as c:
        health = c.get("/health")
        assert health.status_code == 503
        assert health.json()["status"] == "loading"
        assert health.headers["retry-after"] == "5"
        search = c.post("/superlinked/search", json={"query": "flat"})
        assert search.status_code == 503
        assert "Loading" in search.json()["message"]


def test_the_root_leads_to_the_api_docs(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/docs"

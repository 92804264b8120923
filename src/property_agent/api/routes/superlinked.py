"""`/superlinked`: `POST /superlinked/search`, plain-English property search."""

from __future__ import annotations

from fastapi import APIRouter

from property_agent.api.deps import SearchServiceDep
from property_agent.domain import SearchRequest, SearchResponse

router = APIRouter(prefix="/superlinked", tags=["search"])


@router.post("/search", response_model=SearchResponse)
async def search(body: SearchRequest, service: SearchServiceDep) -> SearchResponse:
    """Search listings with a sentence such as "three bedrooms in Chamberí under half a million".

    Returns the filters understood from the sentence, the listings that meet all of them, and
    when nothing matches, which constraint to relax.
    """
    result = await service.search(body.query, body.limit)
    return SearchResponse.from_result(result)

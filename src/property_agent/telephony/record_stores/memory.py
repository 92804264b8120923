"""Call records in process (`MEMORY__BACKEND=memory`): lost on restart."""

from __future__ import annotations

import copy
import logging
from datetime import UTC, datetime

from property_agent.telephony.record_stores.base import CallRecordStore, unknown_call, utc
from property_agent.telephony.records import CallRecord, CallTurn, Outcome

logger = logging.getLogger(__name__)


class InMemoryCallRecords(CallRecordStore):
    """Records in process (`MEMORY__BACKEND=memory`): lost on restart, one instance only.
    Safe under concurrent calls because no method awaits between reading and writing."""

    def __init__(self) -> None:
        self._records: dict[str, CallRecord] = {}

    async def start(self, record: CallRecord) -> None:
        if record.call_sid in self._records:
            return
        kept = copy.deepcopy(record)
        kept.started_at = utc(kept.started_at)
        kept.ended_at = utc(kept.ended_at) if kept.ended_at else None
        for turn in kept.turns:
            turn.at = utc(turn.at)
        self._records[record.call_sid] = kept

    async def add_turn(self, call_sid: str, turn: CallTurn) -> None:
        record = self._records.get(call_sid)
        if record is None:
            unknown_call(call_sid, "turn")
            return
        kept = copy.deepcopy(turn)
        kept.at = utc(kept.at)
        record.turns.append(kept)

    async def finish(
        self, call_sid: str, outcome: Outcome, ended_at: datetime | None = None
    ) -> None:
        record = self._records.get(call_sid)
        if record is None:
            unknown_call(call_sid, "finish")
        elif record.ended_at is None:
            record.ended_at = utc(ended_at or datetime.now(UTC))
            record.outcome = outcome

    async def get(self, call_sid: str) -> CallRecord | None:
        record = self._records.get(call_sid)
        return copy.deepcopy(record) if record else None

    async def recent(self, limit: int) -> list[CallRecord]:
        # Stable sort, reversed: among equal start times the later-started call comes first.
        newest = list(reversed(sorted(self._records.values(), key=lambda r: r.started_at)))
        return copy.deepcopy(newest[:limit])

    async def prune(self, older_than: datetime) -> int:
        cutoff = utc(older_than)
        stale = [sid for sid, r in self._records.items() if (r.ended_at or r.started_at) < cutoff]
        for sid in stale:
            del self._records[sid]
        return len(stale)

"""How one turn's LangGraph stream becomes our events: sentences as soon as the model has
produced them, each search announced once when it starts and reported when it finishes, and the
turn's stage timings."""

from __future__ import annotations

import time
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage

from property_agent.agent.events import Event, SentenceReady, ToolFinished, ToolStarted
from property_agent.agent.middleware import call_key
from property_agent.agent.sentences import SentenceSplitter


class TurnEvents:
    """One turn's bookkeeping: stream items in, events out, in the order they happen."""

    def __init__(self) -> None:
        self.began = time.perf_counter()
        self.splitter = SentenceSplitter()
        self.said: list[str] = []
        self.seen: set[str] = set()  # tool calls already announced (repeats are suppressed)
        self.announced: set[str] = set()  # ids of announced calls still waiting for a result
        self.timings: dict[str, float] = {}
        self._tool_began = 0.0

    def sentence(self, text: str) -> SentenceReady:
        self.timings.setdefault("first_sentence_ms", elapsed_ms(self.began))
        self.said.append(text)
        return SentenceReady(text)

    def on_tokens(self, data: Any) -> list[Event]:
        chunk, meta = data
        if meta.get("langgraph_node") != "model" or not isinstance(
            chunk, AIMessageChunk | AIMessage
        ):
            return []
        return [self.sentence(done) for done in self.splitter.feed(message_text(chunk))]

    def on_update(self, data: Any) -> list[Event]:
        events: list[Event] = []
        for node, update in (data or {}).items():
            messages = update.get("messages", []) if isinstance(update, dict) else []
            for msg in messages:
                if node == "model" and isinstance(msg, AIMessage):
                    events += self.flush()
                    events += self._calls(msg)
                elif node == "tools" and isinstance(msg, ToolMessage):
                    if msg.tool_call_id not in self.announced:
                        continue  # a suppressed repeat: its result was already reported
                    self.announced.discard(msg.tool_call_id)
                    self.timings["tool_ms"] = self.timings.get("tool_ms", 0) + elapsed_ms(
                        self._tool_began
                    )
                    result = msg.artifact if isinstance(msg.artifact, dict) else {}
                    count = len(result.get("properties") or [])
                    events.append(ToolFinished(str(msg.name), count, result))
        return events

    def _calls(self, msg: AIMessage) -> list[Event]:
        events: list[Event] = []
        for call in msg.tool_calls:
            key = call_key(call["name"], call["args"])
            if key not in self.seen:
                self.seen.add(key)
                self.announced.add(str(call["id"]))
                self._tool_began = time.perf_counter()
                events.append(ToolStarted(call["name"], dict(call["args"])))
        return events

    def flush(self) -> list[Event]:
        rest = self.splitter.flush()
        return [self.sentence(rest)] if rest else []


def message_text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)


def elapsed_ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)

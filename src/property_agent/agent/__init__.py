"""The conversational agent: graph, tools and conversation memory."""

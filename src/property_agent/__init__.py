"""property-phone-agent: a realtime voice agent that finds Madrid homes from real listings."""

__version__ = "0.1.0"

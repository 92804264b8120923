"""Phone calls: Twilio webhooks and Media Streams, one agent session per call, call records."""

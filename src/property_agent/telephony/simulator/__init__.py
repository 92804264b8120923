"""A phone simulator: Twilio's side of a Media Streams call, so the phone path can be tried, tested
and benchmarked without Twilio (`property-agent phone`, the phone tests, `scripts/bench_calls.py`).

`caller` speaks the protocol at Twilio's pace; `voice` turns text or a WAV into what a caller
says; `dial` runs whole calls turn by turn and reads back the call record.
"""

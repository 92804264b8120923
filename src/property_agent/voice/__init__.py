"""Voice: speech in, speech out, one session per connection."""

"""The offline dialogue policy: the zero-key default chat model and the degraded mode."""

"""Place an outbound call through the running API: `property-agent call` for scripts.

python scripts/make_outbound_call.py --to +34600111222 --from +15005550006 [--url URL]
    [--server http://127.0.0.1:8000] [--api-key KEY]
"""

import sys

from property_agent.cli import app

if __name__ == "__main__":
    sys.exit(app(["call", *sys.argv[1:]]))

"""Validate a listings CSV and upsert its good rows: `property-agent ingest` for scripts.

python scripts/ingest_properties.py data/properties.csv [--dry-run]
"""

import sys

from property_agent.cli import app

if __name__ == "__main__":
    sys.exit(app(["ingest", *sys.argv[1:]]))

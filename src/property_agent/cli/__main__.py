"""`python -m property_agent.cli` (as `python -X importtime -m property_agent.cli --help`)."""

from property_agent.cli import main

main()

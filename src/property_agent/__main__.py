from property_agent.cli import main

main()

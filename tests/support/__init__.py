"""What the tests share: the bot in memory, fake Slack and Teams servers, the console on a
loopback server, scripted journeys, and migrated databases made from a per-session template.
Test modules import from here (or take fixtures from conftest.py), never from one another."""

"""The terminal as a chat platform: for local use, rehearsals and scripted conversations."""

from adapters.console.adapter import ConsoleAdapter
from adapters.console.between import BetweenInputs
from adapters.console.render import render

__all__ = ["BetweenInputs", "ConsoleAdapter", "render"]

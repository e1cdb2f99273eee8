"""The smallest groups a figure may describe: below these, a figure is suppressed, so nobody
is singled out. One place, read by the reports that suppress and the privacy report that
says so."""

from __future__ import annotations

# People behind a score or a count.
SCORE_MIN = 5
# People behind figures about free text (topics raised), which say more about a person.
TEXT_MIN = 10

"""The parts of the scheduler's tick, in the order they run.

Apart from the scheduler so that the command line can offer them without loading it.
"""

# The retention purge runs with a whole tick only, so it is not a step of its own.
STEPS = ("checkins", "followups", "digests", "briefs", "notices")

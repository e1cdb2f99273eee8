"""Check-ins as a person lives them: starting, answering, snoozing and closing one, the
attention budget that caps how many arrive, pauses, and the menu a person was shown last."""

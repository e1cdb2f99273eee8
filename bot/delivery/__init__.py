"""Getting what the bot says to people: the planner that turns schedules into due check-ins,
reminders when they fall due, the outbox as queues and its one dispatcher (chat and e-mail),
its rules, the operators' view of it, the notices the bot sends on its own, and which
dispatchers are alive."""

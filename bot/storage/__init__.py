"""Persistence: models, migrations, the database handle and the unit of work."""

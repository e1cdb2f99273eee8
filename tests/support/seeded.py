"""An organisation written straight into the tables, for the reports' tests: a manager of
everyone, and departments of the sizes a test asks for."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from bot.storage.database import Database
from bot.storage.models import Department, Person


class SeededOrg:
    """Department name -> person ids, and the one manager (`manager`) everyone reports to."""

    def __init__(self, db: Database, joined: datetime, *, review_month: int | None = None) -> None:
        self.db = db
        self.joined = joined
        self.review_month = review_month
        self.people: dict[str, list[int]] = {}
        self.manager = 0
        self._count = 0

    async def create(self, sizes: dict[str, int]) -> Self:
        async with self.db.session() as session:
            boss = self._person("Boss", None)
            session.add(boss)
            await session.flush()
            self.manager = boss.id
            for name, size in sizes.items():
                dept = Department(name=name)
                session.add(dept)
                await session.flush()
                members = [self._person(name, dept.id) for _ in range(size)]
                session.add_all(members)
                await session.flush()
                self.people[name] = [p.id for p in members]
        return self

    def serial(self) -> int:
        """A number not used before in this organisation (for emails, periods, ...)."""
        self._count += 1
        return self._count

    def _person(self, name: str, dept_id: int | None) -> Person:
        n = self.serial()
        return Person(
            email=f"p{n}@example.org",
            name=f"{name} {n}",
            manager_id=self.manager or None,
            department_id=dept_id,
            review_month=self.review_month,
            created_at=self.joined,
            updated_at=self.joined,
        )

"""What does sealing cost? Writing and reading 20,000 topics, and rotating them to a new key.

Measures on SQLite, in one run:
- inserting and reading back 20,000 topic texts through the sealed column (Topic.text);
- as the baseline, the same rows through a plain TEXT column (a type_coerce bypass);
- `keys rotate` over the 20,000 sealed rows (500 per transaction), and a second run that
  finds nothing left to do.

Run: .venv/bin/python bench/sealing.py [--rows N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import smoke
from sqlalchemy import Text, bindparam, delete, insert, select, type_coerce

from bot.privacy import keys
from bot.storage.database import Database
from bot.storage.models import Person, Topic
from bot.storage.sealed import generate_key, install_keys

TEXT = "Ik wil het hebben over de werkdruk in ons team en de avonden dat ik doorwerk. " * 2


async def timed(label: str, work: object) -> float:
    start = time.perf_counter()
    await work  # type: ignore[misc]
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds * 1000:9.0f} ms")
    return seconds


async def main(rows: int) -> None:
    old, new = generate_key(), generate_key()
    install_keys([old])
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{folder}/bench.db")
        await db.upgrade()
        now = datetime(2027, 1, 1, tzinfo=UTC)
        async with db.session() as session:
            person = Person(email="p@example.org", name="P", created_at=now, updated_at=now)
            session.add(person)
        data = [
            {"person_id": person.id, "text": f"{n} {TEXT}", "status": "open", "raised_at": now}
            for n in range(rows)
        ]

        async def write(sealed: bool) -> None:
            async with db.session() as session:
                if sealed:
                    await session.execute(insert(Topic), data)
                else:
                    # The same rows, with the text bound as plain TEXT (no sealing).
                    plain = insert(Topic).values(text=bindparam("clear", type_=Text()))
                    await session.execute(plain, [{**r, "clear": r["text"]} for r in data])

        async def read(sealed: bool) -> None:
            column = Topic.text if sealed else type_coerce(Topic.text, Text)
            async with db.session() as session:
                values = list(await session.scalars(select(column)))
            assert len(values) == rows and all(v.endswith(TEXT) for v in values)

        async def clear() -> None:
            async with db.session() as session:
                await session.execute(delete(Topic))

        print(f"{rows} topics of {len(TEXT)} characters, SQLite")
        base_w = await timed("baseline: insert, plain TEXT", write(False))
        base_r = await timed("baseline: read, plain TEXT", read(False))
        await clear()
        sealed_w = await timed("insert, sealed", write(True))
        sealed_r = await timed("read, unsealed", read(True))
        install_keys([new, old])
        rotate = await timed("keys rotate (re-seal all with the new key)", keys.rotate(db))
        again = await timed("keys rotate again (nothing to do)", keys.rotate(db))
        print(
            f"sealing adds {(sealed_w - base_w) / rows * 1e6:.0f} us per write and "
            f"{(sealed_r - base_r) / rows * 1e6:.0f} us per read; rotation "
            f"{rows / rotate:,.0f} rows/s; idle re-run {rows / again:,.0f} rows/s"
        )
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    asyncio.run(main(smoke.parse(parser, rows=300).rows))

"""Where conversation references live between restarts: the port, and an in-memory store."""

from __future__ import annotations

from typing import Any, Protocol


class ReferenceStore(Protocol):
    """Conversation references (the SDK's serialized ConversationReference), one per user.

    `user_id` is the Teams user id (29:...); `load` also finds a reference by the user's
    Entra object id, so people may be registered with either.
    """

    async def save(
        self, user_id: str, aad_object_id: str | None, reference: dict[str, Any]
    ) -> None:
        """Create or replace the reference for this user."""
        ...

    async def load(self, user_id: str) -> dict[str, Any] | None:
        """The newest reference for a Teams user id or Entra object id, or None."""
        ...

    async def forget(self, user_id: str) -> None:
        """Drop the user's reference (the app was uninstalled)."""
        ...

    async def known_ids(self) -> set[str]:
        """Every Teams user id and Entra object id that has a reference."""
        ...


class MemoryReferenceStore:
    """A ReferenceStore in a dict: for development without a database, and for tests."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[str | None, dict[str, Any]]] = {}

    async def save(
        self, user_id: str, aad_object_id: str | None, reference: dict[str, Any]
    ) -> None:
        self._rows.pop(user_id, None)  # re-insert so the newest comes last
        self._rows[user_id] = (aad_object_id, dict(reference))

    async def load(self, user_id: str) -> dict[str, Any] | None:
        found = None
        for key, (aad, reference) in self._rows.items():
            if user_id in (key, aad):
                found = reference
        return dict(found) if found is not None else None

    async def forget(self, user_id: str) -> None:
        self._rows.pop(user_id, None)

    async def known_ids(self) -> set[str]:
        ids = set(self._rows)
        ids.update(aad for aad, _ in self._rows.values() if aad)
        return ids

"""The agreements the demo's managers draft with a report, and how each party sees one
when its follow-up round asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.demo.personas import Persona, story_level
from dialogs.messages import Locale


@dataclass(frozen=True)
class AgreementPlan:
    """One agreement a manager drafts with a report, typed in the manager's language."""

    manager: str
    employee: str
    at: datetime
    category: str
    text: str
    review_months: str
    cadence: str = "monthly"
    rationale: str = ""  # an i-deal's reason; empty for an ordinary agreement

    def answers(self, employee_id: int) -> dict[str, str]:
        """The drafting dialog's steps and what the manager picks or types at each."""
        return {
            "agreement_counterpart": str(employee_id),
            "agreement_category": self.category,
            "agreement_text": self.text,
            "agreement_i_deal": "yes" if self.rationale else "no",
            "agreement_rationale": self.rationale,
            "agreement_review": self.review_months,
            "agreement_cadence": self.cadence,
            "agreement_confirm": "propose",
        }


# Each manager sits down with one report early in the year: Anna with Bram about the
# course he wants to take, Daan with Eva about different hours once things changed at home.
AGREEMENTS: tuple[AgreementPlan, ...] = (
    AgreementPlan(
        "anna",
        "bram",
        datetime(2027, 1, 12, 13, 0, tzinfo=UTC),
        "development",
        "Bram volgt dit jaar de opleiding klantcommunicatie: elke vrijdagmiddag is "
        "studietijd, zonder tickets.",
        "12",
    ),
    AgreementPlan(
        "daan",
        "eva",
        datetime(2027, 2, 2, 13, 0, tzinfo=UTC),
        "working_hours",
        "For the next six months Eva works 08:00-15:00 on weekdays and is not scheduled "
        "for evening releases.",
        "6",
        rationale="A change at home: these hours let Eva be there after school while the "
        "situation settles.",
    ),
)
AGREEMENT_COMMAND: dict[Locale, str] = {"nl": "afspraak nieuw", "en": "agreement new"}


def follow_up_answer(persona: Persona, day: date) -> str:
    """How a party sees an agreement on `day`. The workload peak crowds out Bram's study
    afternoons, while his manager still thinks all is well: a perception gap."""
    if persona.story != "peak":
        return "on_track"
    level = story_level("peak", day)
    if level >= 0.5:
        return "not"
    return "partly" if level > 0 else "on_track"

"""The development ladder of labour relations: the rules that read dialogue figures as a
stage (reactive, calculating, proactive, integral), and the estimate itself.

The rules are data (`ladder.yaml` beside this module, or HR's own copy), validated when they
are loaded like the question banks: a mistake names the file and the field. The estimate is
pure: it gets the figures that may be shown and returns the stage, the indicators that put
it there and what would move it up one stage.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from dialogs.banks import BankError, Text, bilingual, read_yaml

STAGES = ("reactive", "calculating", "proactive", "integral")
# The indicators the reports measure, in the order they are shown. `rate`: a share 0-1,
# `score`: an average on the 1-5 scale, `count`: a number per employee or per 100.
Unit = Literal["rate", "score", "count"]
INDICATORS: dict[str, Unit] = {
    "checkin_participation": "rate",
    "third_contract_share": "rate",
    "i_deals_per_100": "count",
    "followup_both_sides": "rate",
    "gaps_resolved": "rate",
    "conversations_per_employee": "count",
    "reciprocity": "score",
    "equality": "score",
    "coherence": "score",
}
_LIMITS: dict[Unit, tuple[float, float]] = {
    "rate": (0.0, 1.0),
    "score": (1.0, 5.0),
    "count": (0.0, math.inf),
}
BUILTIN = "ladder.yaml"


class LadderRulesError(BankError):
    """The ladder's rules file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class IndicatorRule:
    indicator: str
    unit: Unit
    # The lowest figure that reaches calculating, proactive and integral.
    thresholds: tuple[float, float, float]
    source: str
    why: Text

    def level(self, value: float) -> int:
        """The stage (index into STAGES) this figure reaches."""
        return sum(value >= t for t in self.thresholds)


@dataclass(frozen=True)
class Rules:
    source_file: str
    sources: Mapping[str, str]
    quorum: float
    minimum_indicators: int
    stages: Mapping[str, Text]
    indicators: tuple[IndicatorRule, ...]

    def rule(self, indicator: str) -> IndicatorRule:
        for rule in self.indicators:
            if rule.indicator == indicator:
                return rule
        raise KeyError(indicator)


@dataclass(frozen=True)
class Reading:
    """One indicator's figure and the stage it reaches."""

    indicator: str
    value: float
    level: int


@dataclass(frozen=True)
class Step:
    """What one indicator needs to reach the next stage."""

    indicator: str
    value: float
    target: float


@dataclass(frozen=True)
class Estimate:
    stage: int
    readings: tuple[Reading, ...]
    # The indicators at or above the stage: what put it there (at reactive: all of them).
    basis: tuple[Reading, ...]
    # Indicators below the next stage and the figure each needs; `needed` of them must
    # reach it. Empty at integral.
    steps: tuple[Step, ...]
    needed: int

    @property
    def stage_name(self) -> str:
        return STAGES[self.stage]


def estimate(values: Mapping[str, float | None], rules: Rules) -> Estimate | None:
    """The stage that at least the quorum of indicators with a figure reach; None when too
    few indicators have a figure to say anything."""
    readings = tuple(
        Reading(rule.indicator, value, rule.level(value))
        for rule in rules.indicators
        if (value := values.get(rule.indicator)) is not None
    )
    if not readings or len(readings) < rules.minimum_indicators:
        return None
    quorum = math.ceil(rules.quorum * len(readings))
    stage = max(s for s in range(len(STAGES)) if sum(r.level >= s for r in readings) >= quorum)
    basis = tuple(r for r in readings if r.level >= stage)
    steps: tuple[Step, ...] = ()
    needed = 0
    if stage + 1 < len(STAGES):
        below = [r for r in readings if r.level < stage + 1]
        needed = quorum - (len(readings) - len(below))
        steps = tuple(
            Step(r.indicator, r.value, rules.rule(r.indicator).thresholds[stage]) for r in below
        )
    return Estimate(stage, readings, basis, steps, needed)


# ---- loading ------------------------------------------------------------------------------


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise LadderRulesError(f"{where}: expected a number")
    return float(value)


def _indicator(raw: Any, sources: Mapping[str, str], where: str) -> IndicatorRule:
    if not isinstance(raw, Mapping):
        raise LadderRulesError(f"{where}: expected a mapping with id, thresholds, source and why")
    ident = raw.get("id")
    if ident not in INDICATORS:
        raise LadderRulesError(f"{where}: 'id' must be one of {', '.join(INDICATORS)}")
    where = f"{where} ({ident})"
    unit = INDICATORS[ident]
    thresholds = raw.get("thresholds")
    upper = STAGES[1:]
    if not isinstance(thresholds, Mapping) or set(thresholds) != set(upper):
        raise LadderRulesError(f"{where}.thresholds: give exactly {', '.join(upper)}")
    values = tuple(_number(thresholds[s], f"{where}.thresholds.{s}") for s in upper)
    low, high = _LIMITS[unit]
    if any(not low <= v <= high for v in values):
        kind = {"rate": "a share from 0 to 1", "score": "a score from 1 to 5"}.get(
            unit, "0 or more"
        )
        raise LadderRulesError(f"{where}.thresholds: each must be {kind}")
    if not values[0] < values[1] < values[2]:
        raise LadderRulesError(
            f"{where}.thresholds: each stage needs more than the one before "
            f"(calculating < proactive < integral)"
        )
    source = raw.get("source")
    if source not in sources:
        raise LadderRulesError(
            f"{where}.source: name one of the sources listed at the top ({', '.join(sources)})"
        )
    return IndicatorRule(
        ident,
        unit,
        (values[0], values[1], values[2]),
        str(source),
        bilingual(raw.get("why"), f"{where}.why"),
    )


def parse_rules(data: Any, source: str) -> Rules:
    """Validate the rules document; raises LadderRulesError naming the source and field."""
    try:
        return _rules(data, source)
    except LadderRulesError:
        raise
    except BankError as exc:  # a text in one language only, from the banks' own check
        raise LadderRulesError(str(exc)) from exc


def _rules(data: Any, source: str) -> Rules:
    if not isinstance(data, Mapping):
        raise LadderRulesError(f"{source}: expected a mapping at the top")
    sources = data.get("sources")
    if (
        not isinstance(sources, Mapping)
        or not sources
        or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in sources.items()
        )
    ):
        raise LadderRulesError(f"{source}: 'sources' must name each source and cite it as text")
    quorum = _number(data.get("quorum"), f"{source}: quorum")
    if not 0 < quorum <= 1:
        raise LadderRulesError(f"{source}: quorum must be a share above 0 and at most 1")
    minimum = data.get("minimum_indicators")
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise LadderRulesError(f"{source}: minimum_indicators must be a whole number, 1 or more")
    stages = data.get("stages")
    if not isinstance(stages, Mapping) or set(stages) != set(STAGES):
        raise LadderRulesError(f"{source}: 'stages' must describe exactly {', '.join(STAGES)}")
    raw = data.get("indicators")
    if not isinstance(raw, list) or not raw:
        raise LadderRulesError(f"{source}: 'indicators' must be a non-empty list")
    indicators = tuple(
        _indicator(item, sources, f"{source}: indicators[{i}]") for i, item in enumerate(raw)
    )
    ids = [r.indicator for r in indicators]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise LadderRulesError(f"{source}: indicators listed twice: {', '.join(twice)}")
    if minimum > len(indicators):
        raise LadderRulesError(
            f"{source}: minimum_indicators is {minimum} but only {len(indicators)} are listed"
        )
    return Rules(
        source_file=source,
        sources={str(k): " ".join(str(v).split()) for k, v in sources.items()},
        quorum=quorum,
        minimum_indicators=minimum,
        stages={s: bilingual(stages[s], f"{source}: stages.{s}") for s in STAGES},
        # Shown in the order of INDICATORS, whatever order the file lists them in.
        indicators=tuple(sorted(indicators, key=lambda r: list(INDICATORS).index(r.indicator))),
    )


def load_rules(path: Path | None = None) -> Rules:
    """The rules from `path`, or the built-in ones."""
    if path is None:
        source = f"dialogs/{BUILTIN}"
        content = (resources.files("dialogs") / BUILTIN).read_text(encoding="utf-8")
    else:
        source = str(path)
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise LadderRulesError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        data = read_yaml(source, content)
    except BankError as exc:
        raise LadderRulesError(str(exc)) from exc
    return parse_rules(data, source)

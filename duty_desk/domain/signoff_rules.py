"""The sign-off rules file: read it, check it whole, and evaluate a decision against it.

A council writes its rules as TOML (``resources/rules/signoff.toml`` is the default)::

    format = 1
    version = "2026-11"

    [[rule]]
    id = "nfa-abuse"
    description = "No further action on an abuse concern needs a senior practitioner."
    [rule.when]
    decision = ["advice_nfa"]
    concerns_any = ["neglect", "physical_abuse"]
    [rule.then]
    requires = "senior_practitioner"
    within_minutes = 120
    verbal = true
    confirm_within_hours = 24

A rule applies when every condition in ``when`` holds (a condition left out holds for
any decision); ``then`` either requires a grade or blocks the decision with a message.
Every rule that applies counts: the highest grade, the shortest time limit, verbal only
if every such rule allows it. Nothing here runs code from the file: conditions are data
compared with the decision's facts. A file with any problem is refused whole, each
problem named by its line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from duty_desk.domain import choices
from duty_desk.domain.enquiry import age_in_years
from duty_desk.domain.errors import ValidationError
from duty_desk.domain.roles import Grade, Role

FORMAT = 1
VOICE_STATES: dict[str, str] = {
    "recorded": "the child's own words are recorded",
    "reason_given": "not recorded, with a reason why",
    "missing": "neither the child's words nor a reason why",
}
APPROVER_GRADES = (Grade.SENIOR_PRACTITIONER, Grade.MANAGER, Grade.SENIOR_MANAGER)
MAX_WITHIN_MINUTES = 7 * 24 * 60
MAX_CONFIRM_HOURS = 7 * 24

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_TOP_KEYS = {"format", "version", "description", "rule"}
_RULE_KEYS = {"id", "description", "when", "then"}
_THEN_KEYS = {
    "requires",
    "within_minutes",
    "verbal",
    "confirm_within_hours",
    "reason_required",
    "block",
}


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules look at in one decision."""

    decision: str | None
    concerns: frozenset[str]
    age: int | None  # None: not known (age conditions then apply, the safer reading)
    legal_status: str | None
    risk: str | None
    worker_grade: Grade | None
    child_voice: str  # a key of VOICE_STATES


def facts_of(content: Mapping[str, Any], worker_role: Role | str | None, on: date) -> Facts:
    """The facts of an enquiry's content, decided by someone in ``worker_role`` on ``on``."""
    age: int | None = content.get("child_age")
    born = content.get("child_dob")
    if born:
        age = age_in_years(date.fromisoformat(born), on)
    if content.get("child_words"):
        voice = "recorded"
    elif content.get("voice_not_heard_reason"):
        voice = "reason_given"
    else:
        voice = "missing"
    return Facts(
        decision=content.get("decision_type"),
        concerns=frozenset(content.get("concerns", ())),
        age=age,
        legal_status=content.get("legal_status"),
        risk=content.get("risk_rating"),
        worker_grade=Grade.of(worker_role),
        child_voice=voice,
    )


@dataclass(frozen=True, slots=True)
class Conditions:
    decision: frozenset[str] | None = None
    concerns_any: frozenset[str] | None = None
    age_under: int | None = None
    age_at_least: int | None = None
    legal_status: frozenset[str] | None = None
    risk: frozenset[str] | None = None
    worker_grade: frozenset[Grade] | None = None
    child_voice: frozenset[str] | None = None

    def hold(self, facts: Facts) -> bool:
        return (
            (self.decision is None or facts.decision in self.decision)
            and (self.concerns_any is None or not self.concerns_any.isdisjoint(facts.concerns))
            and (self.age_under is None or facts.age is None or facts.age < self.age_under)
            and (self.age_at_least is None or facts.age is None or facts.age >= self.age_at_least)
            and (self.legal_status is None or facts.legal_status in self.legal_status)
            and (self.risk is None or facts.risk in self.risk)
            and (self.worker_grade is None or facts.worker_grade in self.worker_grade)
            and (self.child_voice is None or facts.child_voice in self.child_voice)
        )


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    description: str
    line: int
    when: Conditions
    requires: Grade | None = None
    within_minutes: int | None = None
    verbal: bool = False
    confirm_within_hours: int | None = None
    reason_required: bool = False
    block: str | None = None


@dataclass(frozen=True, slots=True)
class Requirement:
    """What the rules say about one decision. Recorded in the decision's event."""

    rules_version: str
    rule_ids: tuple[str, ...]  # every rule that applied, in the file's order
    reasons: tuple[str, ...]  # their descriptions
    blocks: tuple[tuple[str, str], ...] = ()  # (rule id, message)
    grade: Grade | None = None
    within_minutes: int | None = None
    verbal: bool = False
    confirm_within_hours: int | None = None
    reason_required: bool = False

    @property
    def needed(self) -> bool:
        return self.grade is not None

    def to_payload(self) -> dict[str, Any]:
        return {
            "rules_version": self.rules_version,
            "rule_ids": list(self.rule_ids),
            "reasons": list(self.reasons),
            "grade": self.grade.id if self.grade else None,
            "within_minutes": self.within_minutes,
            "verbal": self.verbal,
            "confirm_within_hours": self.confirm_within_hours,
            "reason_required": self.reason_required,
        }

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Requirement:
        grade = data.get("grade")
        return cls(
            rules_version=data["rules_version"],
            rule_ids=tuple(data["rule_ids"]),
            reasons=tuple(data["reasons"]),
            grade=Grade[grade.upper()] if grade else None,
            within_minutes=data.get("within_minutes"),
            verbal=bool(data.get("verbal")),
            confirm_within_hours=data.get("confirm_within_hours"),
            reason_required=bool(data.get("reason_required")),
        )


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: str
    description: str
    rules: tuple[Rule, ...]

    def evaluate(self, facts: Facts) -> Requirement:
        """Deterministic: the same facts and rules always give the same requirement."""
        applied = [rule for rule in self.rules if rule.when.hold(facts)]
        blocks = tuple((r.id, r.block) for r in applied if r.block is not None)
        needing = [r for r in applied if r.requires is not None]
        limits = [r.within_minutes for r in needing if r.within_minutes is not None]
        verbal = bool(needing) and all(r.verbal for r in needing)
        confirms = [r.confirm_within_hours for r in needing if r.confirm_within_hours is not None]
        return Requirement(
            rules_version=self.version,
            rule_ids=tuple(r.id for r in applied),
            reasons=tuple(r.description for r in applied),
            blocks=blocks,
            grade=max((r.requires for r in needing if r.requires), default=None),
            within_minutes=min(limits, default=None),
            verbal=verbal,
            confirm_within_hours=min(confirms, default=None) if verbal else None,
            reason_required=any(r.reason_required for r in needing),
        )


# --- reading the file -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class RulesInvalid(ValidationError):
    """The rules file was refused whole; ``problems`` names each line and what is wrong."""

    def __init__(self, source: str, problems: list[RuleProblem]) -> None:
        ordered = sorted(problems, key=lambda p: p.line)
        listed = "\n".join(f"  {source}, {problem}" for problem in ordered)
        super().__init__(
            f"The sign-off rules in {source} were not installed ({len(ordered)} "
            f"problem{'s' if len(ordered) != 1 else ''}); the rules in force are unchanged:\n"
            + listed
        )
        self.problems = tuple(ordered)


_TOML_AT = re.compile(r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")
_TOML_END = re.compile(r"^(?P<message>.*) \(at end of document\)$")


def parse_rules(
    text: str, decision_types: Iterable[str], source: str = "the rules file"
) -> RuleSet:
    """Read and check a rules file. Raises ``RulesInvalid`` naming every problem's line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesInvalid(source, [_syntax_problem(str(error), text)]) from None
    reader = _Reader(_Lines(text), frozenset(decision_types))
    rules = reader.read(data)
    if reader.problems:
        raise RulesInvalid(source, reader.problems)
    return rules


def _syntax_problem(message: str, text: str) -> RuleProblem:
    found = _TOML_AT.match(message)
    if found:
        return RuleProblem(
            int(found["line"]), f"column {found['column']}: {found['message']} (not valid TOML)"
        )
    end = _TOML_END.match(message)
    last = max(1, len(text.splitlines()))
    return RuleProblem(last, f"{end['message'] if end else message} (not valid TOML)")


class _Lines:
    """Where each key sits in the text, for messages: tomllib keeps no line numbers."""

    _RULE = re.compile(r"^\s*\[\[\s*rule\s*\]\]\s*(#.*)?$")
    _TABLE = re.compile(r"^\s*\[\s*rule\s*\.\s*(\w+)\s*\]\s*(#.*)?$")
    _OTHER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)")
    _KEY = re.compile(r"^\s*\"?([A-Za-z0-9_.-]+)\"?\s*=")

    def __init__(self, text: str) -> None:
        self.rule_lines: list[int] = []
        self.keys: dict[tuple[int, str, str], int] = {}
        rule, table = -1, ""
        for number, line in enumerate(text.splitlines(), start=1):
            if self._RULE.match(line):
                self.rule_lines.append(number)
                rule, table = len(self.rule_lines) - 1, ""
            elif found := self._TABLE.match(line):
                table = found.group(1)
                self.keys.setdefault((rule, table, ""), number)
            elif found := self._OTHER.match(line):
                table = "?"
                self.keys.setdefault((-1, "", found.group(1).split(".")[0]), number)
            elif found := self._KEY.match(line):
                self.keys.setdefault((rule, table, found.group(1)), number)

    def rule(self, index: int) -> int:
        return self.rule_lines[index] if index < len(self.rule_lines) else 1

    def of(self, index: int, table: str, key: str = "") -> int:
        for where in ((index, table, key), (index, "", f"{table}.{key}"), (index, table, "")):
            if where in self.keys:
                return self.keys[where]
        return self.rule(index) if index >= 0 else 1


class _Reader:
    def __init__(self, lines: _Lines, decision_types: frozenset[str]) -> None:
        self.lines = lines
        self.decision_types = decision_types
        self.problems: list[RuleProblem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(RuleProblem(line, message))

    def read(self, data: Mapping[str, Any]) -> RuleSet:
        for key in sorted(set(data) - _TOP_KEYS):
            self.problem(
                self.lines.of(-1, "", key),
                f"unknown setting {key!r} (known: format, version, description, [[rule]])",
            )
        if data.get("format") != FORMAT:
            self.problem(self.lines.of(-1, "", "format"), f"'format' must be {FORMAT}")
        version = data.get("version")
        if not isinstance(version, (str, int)) or isinstance(version, bool) or not str(version):
            self.problem(
                self.lines.of(-1, "", "version"),
                "'version' must name this version of the rules, e.g. \"2026-11\"",
            )
        raw = data.get("rule", [])
        if not isinstance(raw, list) or not raw:
            self.problem(1, "there are no [[rule]] entries: every decision would be final at once")
            raw = []
        rules: list[Rule] = []
        first_seen: dict[str, int] = {}
        first_when: dict[Conditions, Rule] = {}
        for index, entry in enumerate(raw):
            rule = self.rule(index, entry)
            if rule is None:
                continue
            if rule.id in first_seen:
                self.problem(
                    rule.line, f"rule id {rule.id!r} is already used at line {first_seen[rule.id]}"
                )
            first_seen.setdefault(rule.id, rule.line)
            self.contradiction(rule, first_when.setdefault(rule.when, rule))
            rules.append(rule)
        description = data.get("description", "")
        if not isinstance(description, str):
            self.problem(
                self.lines.of(-1, "", "description"), "'description' must be text in quotes"
            )
            description = ""
        return RuleSet(str(version), description, tuple(rules))

    def rule(self, index: int, entry: Any) -> Rule | None:
        line = self.lines.rule(index)
        if not isinstance(entry, dict):
            self.problem(line, "each [[rule]] must be a table")
            return None
        ident = entry.get("id")
        if not isinstance(ident, str) or not _ID.match(ident):
            self.problem(
                self.lines.of(index, "", "id"),
                "a rule needs an id of lower-case "
                "letters, digits, '-', '_' or '.' (up to 64), e.g. \"nfa-abuse\"",
            )
            ident = f"#{index + 1}"
        name = f"rule {ident!r}"
        for key in sorted(set(entry) - _RULE_KEYS):
            self.problem(
                self.lines.of(index, "", key),
                f"{name}: unknown key {key!r} "
                "(a rule has id, description, [rule.when] and [rule.then])",
            )
        description = entry.get("description")
        if not isinstance(description, str) or not description.strip():
            self.problem(
                self.lines.of(index, "", "description"),
                f"{name} needs a description: it is shown to the approver as the reason",
            )
            description = ""
        when = self.conditions(index, name, entry.get("when", {}))
        then = entry.get("then")
        if not isinstance(then, dict):
            self.problem(line, f"{name} needs a [rule.then] saying what it requires or blocks")
            return Rule(ident, description.strip(), line, when)
        return self.consequences(index, name, ident, description.strip(), line, when, then)

    def conditions(self, index: int, name: str, when: Any) -> Conditions:
        if not isinstance(when, dict):
            self.problem(self.lines.rule(index), f"{name}: [rule.when] must be a table")
            return Conditions()

        def at(key: str) -> int:
            return self.lines.of(index, "when", key)

        known: dict[str, Mapping[str, Any]] = {
            "decision": dict.fromkeys(self.decision_types, ""),
            "concerns_any": choices.CONCERNS,
            "legal_status": choices.LEGAL_STATUSES,
            "risk": choices.RISK_RATINGS,
            "worker_grade": {g.id: g.label for g in Grade},
            "child_voice": VOICE_STATES,
        }
        for key in sorted(set(when) - set(known) - {"age_under", "age_at_least"}):
            self.problem(
                at(key),
                f"{name}: unknown condition {key!r} (known: "
                f"{', '.join([*known, 'age_under', 'age_at_least'])})",
            )
        found: dict[str, frozenset[str] | None] = {}
        for key, allowed in known.items():
            found[key] = self.one_of(at(key), name, key, when.get(key), allowed)
        ages = {
            key: self.age(at(key), name, key, when.get(key))
            for key in ("age_under", "age_at_least")
        }
        under, least = ages["age_under"], ages["age_at_least"]
        if under is not None and least is not None and least >= under:
            self.problem(
                at("age_under"),
                f"{name}: age_at_least {least} and age_under {under} "
                "contradict each other: the rule could never apply",
            )
        grades = found["worker_grade"]
        return Conditions(
            decision=found["decision"],
            concerns_any=found["concerns_any"],
            age_under=under,
            age_at_least=least,
            legal_status=found["legal_status"],
            risk=found["risk"],
            worker_grade=None if grades is None else frozenset(Grade[g.upper()] for g in grades),
            child_voice=found["child_voice"],
        )

    def one_of(
        self, line: int, name: str, key: str, value: Any, allowed: Mapping[str, Any]
    ) -> frozenset[str] | None:
        if value is None:
            return None
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.problem(line, f"{name}: {key} must be a list of ids in quotes")
            return None
        if not values:
            self.problem(
                line,
                f"{name}: {key} is an empty list, so the rule could never "
                "apply; leave the key out to match any",
            )
            return None
        unknown = [v for v in values if v not in allowed]
        if unknown:
            where = "decision_types.toml" if key == "decision" else ", ".join(allowed)
            self.problem(
                line, f"{name}: unknown {key} {', '.join(map(repr, unknown))} (known: {where})"
            )
            return None
        return frozenset(values)

    def age(self, line: int, name: str, key: str, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 18:
            self.problem(line, f"{name}: {key} must be a whole number of years from 0 to 18")
            return None
        return value

    def consequences(
        self,
        index: int,
        name: str,
        ident: str,
        description: str,
        line: int,
        when: Conditions,
        then: Mapping[str, Any],
    ) -> Rule:
        def at(key: str) -> int:
            return self.lines.of(index, "then", key)

        for key in sorted(set(then) - _THEN_KEYS):
            self.problem(
                at(key),
                f"{name}: unknown consequence {key!r} (known: {', '.join(sorted(_THEN_KEYS))})",
            )
        requires = self.grade(at("requires"), name, then.get("requires"))
        within = self.count(at("within_minutes"), name, then, "within_minutes", MAX_WITHIN_MINUTES)
        confirm = self.count(
            at("confirm_within_hours"), name, then, "confirm_within_hours", MAX_CONFIRM_HOURS
        )
        verbal = self.flag(at("verbal"), name, then, "verbal")
        reason = self.flag(at("reason_required"), name, then, "reason_required")
        block = then.get("block")
        if block is not None and (not isinstance(block, str) or not block.strip()):
            self.problem(at("block"), f"{name}: block must be the message the worker sees")
            block = None
        if block is not None and set(then) & (_THEN_KEYS - {"block"}):
            self.problem(
                at("block"),
                f"{name} both blocks the decision and says how to sign "
                "it off; a blocked decision is never signed off, so use one or the other",
            )
        elif block is None and "requires" not in then and "block" not in then:
            self.problem(
                line,
                f"{name} neither requires a grade nor blocks: add "
                'requires = "senior_practitioner" (or higher) or block = "..."',
            )
        if verbal and "confirm_within_hours" not in then:
            self.problem(
                at("verbal"),
                f"{name} allows a verbal sign-off but not when it must be "
                "confirmed: add confirm_within_hours",
            )
        if confirm is not None and not verbal:
            self.problem(
                at("confirm_within_hours"),
                f"{name} sets confirm_within_hours but does "
                "not allow a verbal sign-off (verbal = true)",
            )
        return Rule(
            ident,
            description,
            line,
            when,
            requires,
            within,
            verbal,
            confirm,
            reason,
            block.strip() if block else None,
        )

    def grade(self, line: int, name: str, value: Any) -> Grade | None:
        if value is None:
            return None
        grade = Grade.__members__.get(value.upper()) if isinstance(value, str) else None
        if grade not in APPROVER_GRADES:
            self.problem(
                line,
                f"{name}: {value!r} cannot sign off a decision (requires one of: "
                f"{', '.join(g.id for g in APPROVER_GRADES)})",
            )
            return None
        return grade

    def count(
        self, line: int, name: str, then: Mapping[str, Any], key: str, most: int
    ) -> int | None:
        value = then.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
            self.problem(line, f"{name}: {key} must be a whole number from 1 to {most}")
            return None
        return value

    def flag(self, line: int, name: str, then: Mapping[str, Any], key: str) -> bool:
        value = then.get(key, False)
        if not isinstance(value, bool):
            self.problem(line, f"{name}: {key} must be true or false")
            return False
        return value

    def contradiction(self, rule: Rule, first: Rule) -> None:
        """Rules with exactly the same conditions must say the same thing."""
        if first is not rule and _then(first) != _then(rule):
            self.problem(
                rule.line,
                f"rule {rule.id!r} applies to exactly the same decisions as rule "
                f"{first.id!r} (line {first.line}) but says something different: "
                "merge them into one rule",
            )


def _then(rule: Rule) -> tuple[Any, ...]:
    return (
        rule.requires,
        rule.within_minutes,
        rule.verbal,
        rule.confirm_within_hours,
        rule.reason_required,
        rule.block,
    )

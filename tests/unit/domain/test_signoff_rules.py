"""The sign-off rules file: the default reads, evaluation means what the file says, and a
malformed file is refused whole with every problem named by its line (pure domain)."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duty_desk.domain import choices
from duty_desk.domain.choices import parse_decision_types
from duty_desk.domain.errors import ValidationError
from duty_desk.domain.roles import Grade, Role
from duty_desk.domain.signoff_rules import (
    VOICE_STATES,
    Facts,
    Requirement,
    RuleSet,
    RulesInvalid,
    facts_of,
    parse_rules,
)
from duty_desk.resources import resource

DECISIONS = parse_decision_types(
    resource("lists", "decision_types.toml").read_text(encoding="utf-8")
).labels
DEFAULT = resource("rules", "signoff.toml").read_text(encoding="utf-8")
HEAD = 'format = 1\nversion = "test-1"\n'
# A decision nothing in the default file looks at, by a duty social worker, voice recorded.
PLAIN = Facts(
    decision="welfare_visit",
    concerns=frozenset({"missing"}),
    age=10,
    legal_status="none",
    risk="low",
    worker_grade=Grade.DUTY_SOCIAL_WORKER,
    child_voice="recorded",
)


def parsed(text: str) -> RuleSet:
    return parse_rules(text, DECISIONS, "test.toml")


def rule(ident: str, when: str, then: str) -> str:
    return (
        f'\n[[rule]]\nid = "{ident}"\ndescription = "Rule {ident}."\n'
        f"[rule.when]\n{when}\n[rule.then]\n{then}\n"
    )


# --- the default file ---------------------------------------------------------------------


def test_the_default_file_parses() -> None:
    rules = parsed(DEFAULT)
    assert rules.version == "default-2026-11b"
    assert [r.id for r in rules.rules] == [
        "voice-missing",
        "nfa-abuse",
        "legal-or-accommodation",
        "secure-accommodation",
        "under-two",
        "high-risk-no-visit",
    ]
    assert all(r.description for r in rules.rules)
    lines = DEFAULT.splitlines()
    assert all(lines[r.line - 1].strip() == "[[rule]]" for r in rules.rules)


@pytest.mark.parametrize(
    ("changes", "rule_ids", "grade", "within", "confirm", "reason"),
    [
        ({}, (), None, None, None, False),
        ({"decision": "advice_nfa", "concerns": frozenset({"neglect"})},
         ("nfa-abuse",), Grade.SENIOR_PRACTITIONER, 120, 24, True),
        ({"decision": "police_protection"},
         ("legal-or-accommodation",), Grade.MANAGER, 60, 12, False),
        ({"decision": "pace_secure_provided"},
         ("secure-accommodation",), Grade.SENIOR_MANAGER, 120, 12, True),
        ({"age": 1}, ("under-two",), Grade.SENIOR_PRACTITIONER, 120, 24, False),
        ({"age": 2}, (), None, None, None, False),
        ({"decision": "phone_safety_plan", "risk": "critical"},
         ("high-risk-no-visit",), Grade.SENIOR_PRACTITIONER, 60, 24, True),
        # Several apply: the highest grade, the shortest limits, reasons if any asks.
        ({"decision": "police_protection", "age": 0},
         ("legal-or-accommodation", "under-two"), Grade.MANAGER, 60, 12, False),
        ({"decision": "advice_nfa", "concerns": frozenset({"sexual_abuse"}), "risk": "high",
          "age": 1},
         ("nfa-abuse", "under-two", "high-risk-no-visit"), Grade.SENIOR_PRACTITIONER, 60, 24, True),
    ],
)  # fmt: skip
def test_the_default_rules_require(changes, rule_ids, grade, within, confirm, reason) -> None:  # type: ignore[no-untyped-def]
    required = parsed(DEFAULT).evaluate(replace(PLAIN, **changes))
    assert required.rule_ids == rule_ids
    assert (required.grade, required.within_minutes) == (grade, within)
    assert required.verbal is (grade is not None)
    assert (required.confirm_within_hours, required.reason_required) == (confirm, reason)
    assert required.needed is (grade is not None) and not required.blocks
    assert required.rules_version == "default-2026-11b"


def test_the_default_blocks_a_decision_without_the_childs_voice() -> None:
    required = parsed(DEFAULT).evaluate(replace(PLAIN, child_voice="missing"))
    assert required.rule_ids == ("voice-missing",) and not required.needed
    [(ident, message)] = required.blocks
    assert ident == "voice-missing" and message.startswith("Record the child's own words")
    for voice in ("recorded", "reason_given"):
        assert not parsed(DEFAULT).evaluate(replace(PLAIN, child_voice=voice)).blocks


# --- evaluation ---------------------------------------------------------------------------

SEMANTICS = (
    HEAD
    + rule("slow-sp", 'decision = ["advice_nfa"]', 'requires = "senior_practitioner"\n'
           "within_minutes = 240\nverbal = true\nconfirm_within_hours = 48")
    + rule("fast-manager", 'concerns_any = ["neglect"]', 'requires = "manager"\n'
           "within_minutes = 30\nverbal = true\nconfirm_within_hours = 6")
    + rule("no-verbal", 'risk = ["critical"]', 'requires = "senior_practitioner"\n'
           "reason_required = true")
    + rule("babies", "age_under = 2", 'requires = "senior_practitioner"\nverbal = true\n'
           "confirm_within_hours = 24")
    + rule("older", "age_at_least = 16", 'requires = "senior_practitioner"\nverbal = true\n'
           "confirm_within_hours = 24")
    + rule("no-reason", 'child_voice = ["reason_given"]', 'block = "Try again to hear the child."')
    + rule("junior", 'worker_grade = ["duty_social_worker"]\ndecision = ["cp_medical"]',
           'requires = "senior_manager"\nverbal = true\nconfirm_within_hours = 2')
)  # fmt: skip


def _evaluate(**changes) -> Requirement:  # type: ignore[no-untyped-def]
    return parsed(SEMANTICS).evaluate(replace(PLAIN, **changes))


def test_the_highest_grade_and_the_shortest_limits_count() -> None:
    both = _evaluate(decision="advice_nfa", concerns=frozenset({"neglect"}))
    assert both.rule_ids == ("slow-sp", "fast-manager")
    assert both.reasons == ("Rule slow-sp.", "Rule fast-manager.")
    assert (both.grade, both.within_minutes) == (Grade.MANAGER, 30)
    assert both.verbal and both.confirm_within_hours == 6


def test_verbal_only_if_every_requiring_rule_allows_it() -> None:
    mixed = _evaluate(decision="advice_nfa", risk="critical")
    assert mixed.rule_ids == ("slow-sp", "no-verbal")
    assert not mixed.verbal and mixed.confirm_within_hours is None
    assert mixed.within_minutes == 240 and mixed.reason_required
    assert _evaluate(decision="advice_nfa").verbal


def test_a_block_is_reported_beside_what_else_applies() -> None:
    blocked = _evaluate(decision="advice_nfa", child_voice="reason_given")
    assert blocked.blocks == (("no-reason", "Try again to hear the child."),)
    assert blocked.rule_ids == ("slow-sp", "no-reason")
    assert blocked.grade is Grade.SENIOR_PRACTITIONER
    assert _evaluate(child_voice="reason_given").grade is None  # a block requires no grade


@pytest.mark.parametrize(
    ("age", "rule_ids"),
    [(0, ("babies",)), (1, ("babies",)), (2, ()), (15, ()), (16, ("older",)), (17, ("older",)),
     (None, ("babies", "older"))],
)  # fmt: skip
def test_age_conditions_and_an_unknown_age_matches_them(age, rule_ids) -> None:  # type: ignore[no-untyped-def]
    assert _evaluate(age=age).rule_ids == rule_ids


@pytest.mark.parametrize(("voice", "blocked"), [(v, v == "reason_given") for v in VOICE_STATES])
def test_child_voice_states(voice: str, blocked: bool) -> None:
    assert bool(_evaluate(child_voice=voice).blocks) is blocked


@pytest.mark.parametrize(
    ("grade", "applies"),
    [(Grade.DUTY_SOCIAL_WORKER, True), (Grade.SENIOR_PRACTITIONER, False),
     (Grade.MANAGER, False), (None, False)],
)  # fmt: skip
def test_the_worker_grade_condition(grade: Grade | None, applies: bool) -> None:
    found = _evaluate(decision="cp_medical", worker_grade=grade)
    assert (found.rule_ids == ("junior",)) is applies
    assert (found.grade is Grade.SENIOR_MANAGER) is applies
    assert _evaluate(decision="welfare_visit", worker_grade=grade).rule_ids == ()


def test_facts_of_enquiry_content() -> None:
    content = {
        "decision_type": "advice_nfa",
        "concerns": ["neglect", "missing"],
        "child_dob": "2024-11-23",
        "child_age": 9,
        "legal_status": "child_in_need",
        "risk_rating": "high",
        "voice_not_heard_reason": "Asleep; seen through the window.",
    }
    facts = facts_of(content, Role.SENIOR_PRACTITIONER, date(2026, 11, 22))
    assert facts == Facts(
        decision="advice_nfa",
        concerns=frozenset({"neglect", "missing"}),
        age=1,  # the date of birth wins over an estimate, on the day given
        legal_status="child_in_need",
        risk="high",
        worker_grade=Grade.SENIOR_PRACTITIONER,
        child_voice="reason_given",
    )
    assert facts_of(content, "senior_practitioner", date(2026, 11, 23)).age == 2
    words = facts_of(content | {"child_words": "Hi"}, Role.DAY_TEAM, date(2026, 11, 22))
    assert (words.child_voice, words.worker_grade) == ("recorded", None)
    bare = facts_of({"child_age": 9}, Role.MANAGER, date(2026, 11, 22))
    assert (bare.age, bare.child_voice, bare.decision, bare.concerns) == (9, "missing", None, set())
    assert facts_of({}, Role.MANAGER, date(2026, 11, 22)).age is None


# --- determinism, against a plain reading of the documented semantics --------------------

facts = st.builds(
    Facts,
    decision=st.one_of(st.none(), st.sampled_from(sorted(DECISIONS))),
    concerns=st.frozensets(st.sampled_from(sorted(choices.CONCERNS)), max_size=3),
    age=st.one_of(st.none(), st.integers(0, 17)),
    legal_status=st.one_of(st.none(), st.sampled_from(sorted(choices.LEGAL_STATUSES))),
    risk=st.one_of(st.none(), st.sampled_from(sorted(choices.RISK_RATINGS))),
    worker_grade=st.one_of(st.none(), st.sampled_from(list(Grade))),
    child_voice=st.sampled_from(sorted(VOICE_STATES)),
)


def _expected(rules: RuleSet, of: Facts) -> Requirement:
    """What the module docstring says, written out again without sharing its code."""
    applied = []
    for r in rules.rules:
        w = of.age is None
        ok = (
            (r.when.decision is None or of.decision in r.when.decision)
            and (r.when.concerns_any is None or bool(r.when.concerns_any & of.concerns))
            and (r.when.age_under is None or w or of.age < r.when.age_under)  # type: ignore[operator]
            and (r.when.age_at_least is None or w or of.age >= r.when.age_at_least)  # type: ignore[operator]
            and (r.when.legal_status is None or of.legal_status in r.when.legal_status)
            and (r.when.risk is None or of.risk in r.when.risk)
            and (r.when.worker_grade is None or of.worker_grade in r.when.worker_grade)
            and (r.when.child_voice is None or of.child_voice in r.when.child_voice)
        )
        if ok:
            applied.append(r)
    needing = [r for r in applied if r.requires]
    verbal = bool(needing) and all(r.verbal for r in needing)
    return Requirement(
        rules_version=rules.version,
        rule_ids=tuple(r.id for r in applied),
        reasons=tuple(r.description for r in applied),
        blocks=tuple((r.id, r.block) for r in applied if r.block),
        grade=max((r.requires for r in needing), default=None),  # type: ignore[type-var]
        within_minutes=min((r.within_minutes for r in needing if r.within_minutes), default=None),
        verbal=verbal,
        confirm_within_hours=(
            min(r.confirm_within_hours for r in needing if r.confirm_within_hours)
            if verbal
            else None
        ),
        reason_required=any(r.reason_required for r in needing),
    )


@settings(max_examples=300, deadline=None, database=None)
@given(of=facts, which=st.sampled_from([DEFAULT, SEMANTICS]))
def test_evaluation_is_deterministic_and_means_what_the_file_says(of: Facts, which: str) -> None:
    rules = parsed(which)
    first = rules.evaluate(of)
    assert first == _expected(rules, of)
    assert rules.evaluate(of) == first
    assert parsed(which).evaluate(replace(of)) == first  # a fresh reading of the same file
    stored = Requirement.from_payload(first.to_payload())
    assert stored == replace(first, blocks=())  # what an event keeps of it


# --- malformed files ----------------------------------------------------------------------
# Each text marks the lines a problem must be named at with "# !" and a fragment of the
# message expected there (several marks: several problems, all reported at once).

GOOD = """
    format = 1
    version = "v"
    [[rule]]
    id = "ok"
    description = "Fine."
    [rule.when]
    decision = ["advice_nfa"]
    [rule.then]
    requires = "manager"
"""


def sub(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def when(line: str) -> str:
    """GOOD with one more condition, before its decision."""
    return sub("    decision =", f"    {line}\n    decision =")


def then(line: str) -> str:
    """GOOD with one more consequence."""
    return GOOD + f"    {line}\n"


def marked_rule(text: str, note: str) -> str:
    """The [[rule]] line marked: where a problem with the rule as a whole is named."""
    return text.replace("[[rule]]", f"[[rule]]  # ! {note}", 1)


SAME_WHEN = """
    [[rule]]  # ! exactly the same decisions as rule 'ok' (line 4)
    id = "other"
    description = "Same again."
    [rule.when]
    decision = ["advice_nfa"]
    [rule.then]
    requires = "senior_manager"
"""
SWAPPED_WHEN = """
    [[rule]]  # ! exactly the same decisions
    id = "swapped"
    description = "Same again."
    [rule.when]
    decision = ["signposted", "advice_nfa"]
    [rule.then]
    requires = "senior_practitioner"
"""
SAME_ID = """
    [[rule]]  # ! rule id 'ok' is already used at line 4
    id = "ok"
    description = "Another."
    [rule.when]
    decision = ["signposted"]
    [rule.then]
    requires = "manager"
"""
SEVERAL = """
    colour = "red"  # ! unknown setting
    format = 1
    version = "v"
    [[rule]]
    id = "one"
    description = "One."
    [rule.when]
    decision = ["fly"]  # ! unknown decision 'fly'
    age_under = 1  # ! contradict each other
    age_at_least = 3
    [rule.then]
    requires = "wizard"  # ! 'wizard' cannot sign off
    verbal = true  # ! add confirm_within_hours
    [[rule]]  # ! already used at line 5
    id = "one"
    description = "Again."
    [rule.when]
    risk = ["high"]
    [rule.then]
    block = "No."  # ! both blocks
    requires = "manager"
"""
NO_RULES = '# ! there are no [[rule]] entries\nformat = 1\nversion = "v"\n'

MALFORMED = {
    # not TOML at all
    "unterminated string": 'format = 1\nversion = "v  # ! Illegal character\n',
    "unterminated multi-line string": GOOD + '    description = """never  # ! Unterminated',
    "key defined twice": then('requires = "manager"  # ! Cannot overwrite a value'),
    "value missing": then("within_minutes =  # ! Invalid value"),
    "broken table header": "format = 1\n[[rule]  # ! Expected ']]'\n",
    "not a key": then('"a" "b"  # ! not valid TOML'),
    # unknown names
    "unknown top-level key": "colour = \"red\"  # ! unknown setting 'colour'\n" + GOOD,
    "misspelt [[rule]] header": GOOD
    + "    [[rules]]  # ! unknown setting 'rules'\n    id = \"x\"\n",
    "description not text": "description = [1]  # ! 'description' must be text\n" + GOOD,
    "unknown rule key": sub('"Fine."', '"Fine."\n    priority = 3  # ! unknown key'),
    "unknown when key": when("age = 3  # ! unknown condition 'age'"),
    "unknown then key": then("shout = true  # ! unknown consequence 'shout'"),
    "unknown decision": sub('["advice_nfa"]', '["advice_nfa", "fly"]  # ! unknown decision'),
    "unknown concern": when("concerns_any = [\"boredom\"]  # ! unknown concerns_any 'boredom'"),
    "unknown risk": when("risk = [\"extreme\"]  # ! unknown risk 'extreme'"),
    "unknown legal status": when('legal_status = "alien"  # ! unknown legal_status'),
    "unknown worker grade": when('worker_grade = ["day_team"]  # ! unknown worker_grade'),
    "unknown child voice": when('child_voice = ["loud"]  # ! unknown child_voice'),
    # grades that cannot sign off
    "day team as approver": sub('"manager"', "\"day_team\"  # ! 'day_team' cannot sign"),
    "administrator as approver": sub('"manager"', '"administrator"  # ! cannot sign off'),
    "social worker as approver": sub('"manager"', '"duty_social_worker"  # ! cannot sign off'),
    "wizard as approver": sub('"manager"', "\"wizard\"  # ! 'wizard' cannot sign off"),
    "grade as a number": sub('"manager"', "3  # ! cannot sign off"),
    # contradictions
    "ages that never meet": when("age_at_least = 5\n    age_under = 5  # ! contradict each"),
    "ages the wrong way round": when("age_under = 2  # ! contradict\n    age_at_least = 16"),
    "block and requires": then('block = "No."  # ! both blocks the decision and says how'),
    "verbal, no confirmation time": then("verbal = true  # ! add confirm_within_hours"),
    "confirmation time, no verbal": then("confirm_within_hours = 12  # ! does not allow a verbal"),
    "same when, different then": GOOD + SAME_WHEN,
    "same when in another order": sub('["advice_nfa"]', '["advice_nfa", "signposted"]')
    + SWAPPED_WHEN,
    # missing, duplicated or empty
    "duplicate id": GOOD + SAME_ID,
    "missing description": marked_rule(sub('    description = "Fine."\n', ""), "a description"),
    "blank description": sub('"Fine."', '"   "  # ! needs a description'),
    "bad id": sub('"ok"', '"Not OK!"  # ! a rule needs an id'),
    "missing id": marked_rule(sub('    id = "ok"\n', ""), "a rule needs an id"),
    "empty decision list": sub('["advice_nfa"]', "[]  # ! decision is an empty list"),
    "empty concerns list": when("concerns_any = []  # ! concerns_any is an empty list"),
    "no then": marked_rule(GOOD.split("    [rule.then]")[0], "needs a [rule.then]"),
    "neither requires nor blocks": marked_rule(
        sub('requires = "manager"', "within_minutes = 5"), "neither requires a grade nor blocks"
    ),
    "no version": "# ! 'version' must name this version\n" + sub('version = "v"', ""),
    "no rules at all": NO_RULES,
    "rule not a list": NO_RULES + "rule = 5\n",
    # the wrong type
    "decision ids not strings": sub('["advice_nfa"]', "[1, 2]  # ! must be a list of ids"),
    "age as text": when('age_under = "two"  # ! whole number of years'),
    "age over 18": when("age_under = 19  # ! whole number of years from 0 to 18"),
    "minutes as text": then('within_minutes = "60"  # ! whole number from 1 to 10080'),
    "minutes zero": then("within_minutes = 0  # ! whole number from 1 to 10080"),
    "hours too many": then("confirm_within_hours = 169  # ! whole number from 1 to 168"),
    "verbal as text": then('verbal = "yes"  # ! verbal must be true or false'),
    "reasons as a number": then("reason_required = 1  # ! must be true or false"),
    "empty block": sub('requires = "manager"', 'block = ""  # ! block must be the message'),
    "when not a table": marked_rule(
        sub('[rule.when]\n    decision = ["advice_nfa"]', "when = 3"), "must be a table"
    ),
    "wrong format": sub("format = 1", "format = 2  # ! 'format' must be 1"),
    # all at once
    "several problems": SEVERAL,
}


def _marks(text: str) -> dict[int, str]:
    return {
        number: line.split("# !", 1)[1].strip()
        for number, line in enumerate(text.splitlines(), start=1)
        if "# !" in line
    }


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_file_names_each_problem_by_line(name: str) -> None:
    text = textwrap.dedent(MALFORMED[name])
    expected = _marks(text)
    assert expected, "the case marks no line"
    with pytest.raises(RulesInvalid) as refused:
        parse_rules(text, DECISIONS, "council.toml")
    problems = refused.value.problems
    assert {p.line for p in problems} == set(expected), [str(p) for p in problems]
    for line, fragment in expected.items():
        here = [p.message for p in problems if p.line == line]
        assert any(fragment in message for message in here), (line, fragment, here)
    message = str(refused.value)
    assert message.startswith("The sign-off rules in council.toml were not installed (")
    assert "the rules in force are unchanged" in message
    assert all(f"council.toml, line {p.line}: " in message for p in problems)
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert isinstance(refused.value, ValidationError)


def test_the_several_problems_case_reports_each() -> None:
    text = textwrap.dedent(MALFORMED["several problems"])
    with pytest.raises(RulesInvalid, match=r"\(7 problems\)") as refused:
        parsed(text)
    assert len(refused.value.problems) == len(_marks(text)) == 7


def test_the_good_base_and_the_marked_syntax_still_read() -> None:
    """The cases above differ from a file that reads only where they are marked."""
    assert [r.id for r in parsed(textwrap.dedent(GOOD)).rules] == ["ok"]
    assert parsed(textwrap.dedent(GOOD) + "# ! a comment is not a problem\n").version == "v"

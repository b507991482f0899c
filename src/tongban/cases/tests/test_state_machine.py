"""The case state machine, exhaustively: hypothesis drives random sequences of actions by random actors
on random days through the real services on PostgreSQL, and after every step the invariants hold."""

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tongban.cases import selectors, services
from tongban.cases.codes import DECIDED, TERMINAL, TRANSITIONS, ActedThrough, Action, Delivery, State, SuspensionKind
from tongban.cases.models import Case, Suspension
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.core.errors import DomainError
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db

ACTIONS = [a for a in Action.values if a != Action.SUBMIT]
# What each action is given as its reason (the ones that need one, and a note where one is usual).
REASONS = {Action.REJECT: "不符合条件", Action.CORRECT: "已补正", Action.SUSPEND: "检验检测", Action.DENY: "不符合",
           Action.REVOKE: "承诺不实"}  # fmt: skip


CITY: dict = {}  # one department, its staff and item for all examples (set by the test)


class CaseMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        self.clerk, self.reviewer, self.outsider = CITY["clerk"], CITY["reviewer"], CITY["outsider"]
        self.case = case_for(implementation=CITY["implementation"], applicant=CITY["applicant"])
        self.day = dt.date(2026, 1, 26)
        self.corrections = 0
        services._today = lambda: self.day  # restored by the fixture below

    def _actor(self, who: str) -> Actor:
        if who == "applicant":
            return Actor.of_person(self.case.agent, self.case.user, ActedThrough.WEB)
        staff = {"clerk": self.clerk, "reviewer": self.reviewer, "outsider": self.outsider}[who]
        return Actor.of_staff(staff)

    def _call(self, action: str, actor: Actor, revision: int | None) -> None:
        services.case_act(
            case_id=self.case.pk, action=action, actor=actor, reason=REASONS.get(action, ""), revision=revision,
            kind=SuspensionKind.TESTING, via=Delivery.ELECTRONIC, items=[{"material": "户口簿", "problem": "缺页"}],
        )  # fmt: skip

    @rule(
        action=st.sampled_from(ACTIONS),
        who=st.sampled_from(["clerk", "reviewer", "applicant", "outsider"]),
        stale=st.booleans(),
        days=st.integers(min_value=0, max_value=9),
    )
    def act(self, action, who, stale, days):
        self.day += dt.timedelta(days=days)
        before = Case.objects.get(pk=self.case.pk)
        revision = before.revision - 1 if stale and before.revision else before.revision
        allowed = (before.state, action) in TRANSITIONS
        try:
            self._call(action, self._actor(who), revision)
        except DomainError:
            after = Case.objects.get(pk=self.case.pk)
            assert (after.state, after.revision) == (before.state, before.revision)  # a refusal changes nothing
            return
        assert allowed, f"{action} succeeded from {before.state}"
        assert who != "outsider"
        after = Case.objects.get(pk=self.case.pk)
        assert after.state == TRANSITIONS[(before.state, action)] and after.revision == before.revision + 1
        if action == Action.REQUEST_CORRECTION:
            self.corrections += 1

    @rule(data=st.data(), days=st.integers(min_value=0, max_value=5))
    def act_as_allowed(self, data, days):
        """Mostly moves the table allows, by someone entitled: deep states are reached, not just refusals."""
        state = Case.objects.get(pk=self.case.pk).state
        choices = [a for a in ACTIONS if (state, a) in TRANSITIONS]
        if not choices:
            return
        action = data.draw(st.sampled_from(choices))
        who = "applicant" if action in services.APPLICANT_ACTIONS else "reviewer"
        self.act(action=action, who=who, stale=False, days=days)

    @invariant()
    def rows_tell_the_whole_story(self):
        case = Case.objects.get(pk=self.case.pk)
        rows = selectors.case_timeline(case=case)
        assert [r.seq for r in rows] == list(range(case.revision + 1))  # no gaps, nothing rewritten
        assert rows[-1].to_state == case.state
        for prev, row in itertools.pairwise(rows):
            assert row.from_state == prev.to_state and (row.from_state, row.action) in TRANSITIONS

    @invariant()
    def clock_and_flags_agree_with_the_state(self):
        case = Case.objects.get(pk=self.case.pk)
        assert self.corrections <= 1 and case.correction_used == (self.corrections == 1)
        assert (case.decided_at is not None) == (case.state in DECIDED)
        if case.accepted_on is not None:
            assert case.due_on is not None and case.due_on >= case.accepted_on
        assert (case.suspended_since is not None) == (case.state == State.SUSPENDED)
        open_suspensions = Suspension.objects.filter(case=case, ended_on__isnull=True).count()
        assert open_suspensions == (1 if case.state == State.SUSPENDED else 0)
        assert case.suspended_days == sum(s.counted_days for s in Suspension.objects.filter(case=case))
        if case.state in TERMINAL:
            assert all((case.state, a) not in TRANSITIONS for a in ACTIONS)


@pytest.fixture
def machine_calendar():
    original = services._today
    yield
    services._today = original


def test_random_action_sequences_keep_the_invariants(machine_calendar):
    department = DepartmentFactory()
    CITY.update(
        clerk=staff_with_roles([Role.CLERK], department=department, mobile="13700000201"),
        reviewer=staff_with_roles([Role.REVIEWER], department=department, mobile="13700000202"),
        outsider=staff_with_roles([Role.REVIEWER], department=DepartmentFactory(), mobile="13700000203"),
        implementation=published_implementation(department=department, days=3),
        applicant=person_with_account(),
    )
    CaseMachine.TestCase.settings = settings(
        max_examples=30, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )  # fmt: skip
    CaseMachine.TestCase().runTest()


def _paths() -> dict[str, list[str]]:
    """The shortest action path from a new case to every state (breadth first over TRANSITIONS)."""
    paths: dict[str, list[str]] = {State.SUBMITTED: []}
    frontier = [State.SUBMITTED]
    while frontier:
        state = frontier.pop(0)
        for (source, action), target in TRANSITIONS.items():
            if source == state and target not in paths:
                paths[target] = [*paths[state], action]
                frontier.append(target)
    return paths


def test_every_state_is_reachable_and_every_pair_of_state_and_action_behaves(machine_calendar):
    """Exhaustive over the table: each allowed move lands where the table says and keeps the invariants;
    each other action is refused in each state and changes nothing."""
    department = DepartmentFactory()
    CITY.update(
        clerk=staff_with_roles([Role.CLERK], department=department, mobile="13700000211"),
        reviewer=staff_with_roles([Role.REVIEWER], department=department, mobile="13700000212"),
        outsider=staff_with_roles([Role.REVIEWER], department=DepartmentFactory(), mobile="13700000213"),
        implementation=published_implementation(department=department, days=3),
        applicant=person_with_account(),
    )
    paths = _paths()
    assert set(paths) == set(State.values)  # every state can be reached
    for state, path in paths.items():
        for action in ACTIONS:
            if state in TERMINAL and (state, action) not in TRANSITIONS and action != ACTIONS[0]:
                continue  # one refusal per terminal state is enough; they have no moves at all
            machine = CaseMachine()
            machine.setup()
            for step in path:
                machine.act(action=step, who=_entitled(step), stale=False, days=1)
            assert Case.objects.get(pk=machine.case.pk).state == state
            machine.act(action=action, who=_entitled(action), stale=False, days=2)
            machine.rows_tell_the_whole_story()
            machine.clock_and_flags_agree_with_the_state()
            expected = TRANSITIONS.get((state, action), state)
            assert Case.objects.get(pk=machine.case.pk).state == expected, (state, action)


def _entitled(action: str) -> str:
    return "applicant" if action in services.APPLICANT_ACTIONS else "reviewer"

"""The assignment plan as a pure function: capacity, language, skill, branch, continuity."""

from __future__ import annotations

from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from revisit_tui.domain.models import (
    Agent,
    Customer,
    CustomerType,
    Language,
    Role,
    Task,
    TaskKind,
)
from revisit_tui.supervisor.planning import plan_assignments, suits, summarise

TODAY = date(2026, 11, 25)


def customer(cid: str, language: str = "zh-CN", kind: str = "personal", branch: str = "b1"):
    return Customer(
        id=cid, type=CustomerType(kind), name="客户", language=Language(language), branch=branch
    )


def task(tid: str, cid: str, priority: int = 5, due: date = TODAY, kind=TaskKind.PERIODIC):
    return Task(id=tid, key=tid, kind=kind, priority=priority, customer_id=cid, due=due)


def agent(aid: str, capacity: int = 10, **extra) -> Agent:
    return Agent(id=aid, name=aid, capacity=capacity, **extra)


def test_no_agent_gets_more_than_capacity_minus_what_they_hold():
    customers = {f"c{i}": customer(f"c{i}") for i in range(30)}
    tasks = [task(f"t{i}", f"c{i}") for i in range(30)]
    agents = [agent("a1", capacity=10), agent("a2", capacity=5)]
    plan = plan_assignments(tasks, agents, customers, held={"a1": 4})
    given_to = Counter(agent_id for _, agent_id in plan.placed)
    assert given_to == {"a1": 6, "a2": 5}
    assert plan.load == {"a1": 10, "a2": 5}
    assert len(plan.unplaced) == 19
    assert all("at capacity" in str(u.reason) for u in plan.unplaced)


def test_most_urgent_tasks_are_placed_first_when_capacity_is_short():
    customers = {f"c{i}": customer(f"c{i}") for i in range(4)}
    tasks = [
        task("late-periodic", "c0", priority=5, due=date(2026, 11, 1)),
        task("special", "c1", priority=0, due=date(2026, 11, 30)),
        task("follow-early", "c2", priority=1, due=date(2026, 11, 20)),
        task("follow-late", "c3", priority=1, due=date(2026, 11, 28)),
    ]
    plan = plan_assignments(tasks, [agent("a1", capacity=2)], customers, held={})
    assert [t.id for t, _ in plan.placed] == ["special", "follow-early"]
    assert {u.task.id for u in plan.unplaced} == {"follow-late", "late-periodic"}


def test_language_skill_and_branch_are_respected():
    customers = {
        "en-personal": customer("en-personal", language="en"),
        "zh-corporate": customer("zh-corporate", kind="corporate"),
        "other-branch": customer("other-branch", branch="b2"),
    }
    agents = [
        agent("english", languages=[Language.EN, Language.ZH_CN], skills=[CustomerType.PERSONAL]),
        agent("corporate", skills=[CustomerType.CORPORATE], branch="b1"),
        agent("b2-only", branch="b2", skills=[CustomerType.PERSONAL]),
    ]
    tasks = [task(f"t-{cid}", cid) for cid in customers]
    plan = plan_assignments(tasks, agents, customers, held={})
    placed = {t.customer_id: a for t, a in plan.placed}
    assert placed == {
        "en-personal": "english",
        "zh-corporate": "corporate",
        "other-branch": "b2-only",
    }


def test_bilingual_agents_are_kept_for_the_customers_only_they_can_serve():
    customers = {"zh": customer("zh")} | {f"en{i}": customer(f"en{i}", "en") for i in range(5)}
    agents = [
        agent("bilingual", capacity=5, languages=[Language.ZH_CN, Language.EN]),
        agent("chinese", capacity=1),
    ]
    tasks = [task("t-zh", "zh", priority=0)] + [task(f"t-en{i}", f"en{i}") for i in range(5)]
    plan = plan_assignments(tasks, agents, customers, held={})
    assert plan.unplaced == []
    assert {t.id: a for t, a in plan.placed}["t-zh"] == "chinese"


def test_a_task_nobody_can_take_is_reported_with_the_reason():
    customers = {"c": customer("c", language="en", kind="corporate")}
    plan = plan_assignments([task("t", "c")], [agent("a")], customers, held={})
    assert plan.placed == []
    assert "no agent on shift speaks English and handles corporate" in str(plan.unplaced[0].reason)


def test_absent_agents_and_supervisors_get_nothing():
    customers = {f"c{i}": customer(f"c{i}") for i in range(5)}
    agents = [agent("away", on_shift=False), agent("boss", role=Role.SUPERVISOR), agent("here")]
    plan = plan_assignments([task(f"t{i}", f"c{i}") for i in range(5)], agents, customers, {})
    assert {a for _, a in plan.placed} == {"here"}


def test_continuity_prefers_the_agent_who_spoke_to_the_customer():
    customers = {"c1": customer("c1"), "c2": customer("c2")}
    tasks = [
        task("follow", "c1", priority=1, kind=TaskKind.FOLLOW_UP),
        task("periodic-c2", "c2"),
        task("second-c2", "c2", priority=6),
    ]
    agents = [agent("a1", capacity=50), agent("a2", capacity=3)]
    plan = plan_assignments(tasks, agents, customers, held={}, preferred={"follow": ["a2"]})
    placed = {t.id: a for t, a in plan.placed}
    assert placed["follow"] == "a2"
    assert placed["periodic-c2"] == placed["second-c2"]


def test_continuity_gives_way_when_the_preferred_agent_is_full():
    customers = {"c1": customer("c1")}
    agents = [agent("a1", capacity=1), agent("a2")]
    plan = plan_assignments([task("t", "c1")], agents, customers, {"a1": 1}, {"t": "a1"})
    assert plan.placed[0][1] == "a2"


def test_the_summary_counts_kinds_and_overdue_per_agent():
    customers = {f"c{i}": customer(f"c{i}") for i in range(3)}
    tasks = [
        task("t0", "c0", due=date(2026, 11, 1)),
        task("t1", "c1", kind=TaskKind.NEW_ACCOUNT, priority=3),
        task("t2", "c2"),
    ]
    agents = [agent("a1")]
    [row] = summarise(plan_assignments(tasks, agents, customers, {"a1": 2}), agents, TODAY)
    assert (row.new, row.overdue, row.load, row.capacity) == (3, 1, 5, 10)
    assert row.by_kind == {TaskKind.PERIODIC: 2, TaskKind.NEW_ACCOUNT: 1}


languages = st.sampled_from(["zh-CN", "en"])
kinds = st.sampled_from(["personal", "corporate"])


@settings(max_examples=60, deadline=None)
@given(
    customer_specs=st.lists(st.tuples(languages, kinds), min_size=1, max_size=40),
    agent_specs=st.lists(
        st.tuples(
            st.integers(0, 8),
            st.lists(languages, min_size=1, max_size=2, unique=True),
            st.lists(kinds, min_size=1, max_size=2, unique=True),
            st.integers(0, 5),
        ),
        max_size=6,
    ),
)
def test_any_plan_keeps_capacity_and_suitability(customer_specs, agent_specs):
    customers = {
        f"c{i}": customer(f"c{i}", language=lang, kind=kind)
        for i, (lang, kind) in enumerate(customer_specs)
    }
    agents = [
        Agent(id=f"a{i}", name="x", capacity=cap, languages=langs, skills=skills)
        for i, (cap, langs, skills, _) in enumerate(agent_specs)
    ]
    held = {f"a{i}": h for i, (*_, h) in enumerate(agent_specs)}
    tasks = [task(f"t{i}", cid) for i, cid in enumerate(customers)]
    plan = plan_assignments(tasks, agents, customers, held)
    by_id = {a.id: a for a in agents}
    counts = Counter(a for _, a in plan.placed)
    for agent_id, count in counts.items():
        assert count <= max(0, by_id[agent_id].capacity - held[agent_id])
    for placed_task, agent_id in plan.placed:
        assert suits(by_id[agent_id], customers[placed_task.customer_id])
    assert len(plan.placed) + len(plan.unplaced) == len(tasks)
    for left in plan.unplaced:
        c = customers[left.task.customer_id]
        assert all(counts[a.id] >= a.capacity - held[a.id] for a in agents if suits(a, c)), (
            "a task was left while a suitable agent had room"
        )

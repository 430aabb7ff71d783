"""The waiting list's rules (core/waitlist.py) and its fold (core/state.fold_waitlist)."""

import datetime as dt

from conftest import CLOCK as NOW
from conftest import PARIS

from mediatool.core.model import (
    Durations,
    Mediator,
    Procedure,
    Record,
    Team,
    WaitAdded,
    WaitClosed,
    WaitOffered,
)
from mediatool.core.retention import old_waits, plan_purge, scrub_document
from mediatool.core.state import MAX_OFFERS, fold_waitlist
from mediatool.core.waitlist import deadline_passed, ordered, suited_to

TEAM = Team(service="test", mediators=(Mediator(id="camille", name="Camille"),
                                       Mediator(id="lea", name="Léa")),
            durations=Durations(demarche=45, usage=60))
PROCEDURES = {
    "long": Procedure(id="long", title="Longue", organisation="caf", typical_duration_min=90,
                      source="https://www.caf.fr", reviewed=dt.date(2026, 11, 1)),
    "short": Procedure(id="short", title="Courte", organisation="caf", typical_duration_min=10,
                       source="https://www.caf.fr", reviewed=dt.date(2026, 11, 1)),
}


def added(entry_id: str, *, days_ago: int = 1, before: dt.date | None = None,
          mediator: str | None = None, procedure: str | None = "short",
          kind: str = "demarche") -> Record:
    event = WaitAdded(id=entry_id, event="added", at=NOW - dt.timedelta(days=days_ago),
                      by="accueil", person=f"Personne {entry_id}", kind=kind,  # type: ignore[arg-type]
                      phone="06 12 34 56 78", procedure=procedure, mediator=mediator,
                      before=before, note="parle peu français")
    return Record(event, "records/waitlist/2026-12.yaml", days_ago)


def offered(entry_id: str, hours: int = 1) -> Record:
    return Record(WaitOffered(id=entry_id, event="offered", at=NOW, by="lea",
                              slot=NOW + dt.timedelta(hours=hours)), "w", 0)


def closed(entry_id: str) -> Record:
    return Record(WaitClosed(id=entry_id, event="closed", at=NOW, by="lea",
                             reason="rendez-vous pris", appointment="A-1"), "w", 0)


def test_the_list_is_read_by_deadline_then_by_age():
    state, problems = fold_waitlist([
        added("W-NODEADLINE", days_ago=30),
        added("W-LATE", days_ago=2, before=dt.date(2027, 2, 1)),
        added("W-SOON", days_ago=1, before=dt.date(2026, 12, 20)),
        added("W-OLDER", days_ago=9),
    ])
    assert problems == []
    assert [e.id for e in ordered(state.values())] == ["W-SOON", "W-LATE", "W-NODEADLINE",
                                                       "W-OLDER"]


def test_a_freed_slot_suits_duration_mediator_and_deadline():
    state, _ = fold_waitlist([
        added("W-ANY", days_ago=5),
        added("W-LEA", days_ago=6, mediator="lea"),
        added("W-CAMILLE", days_ago=4, mediator="camille"),
        added("W-TOO-LONG", days_ago=7, procedure="long"),
        added("W-DEADLINE-BEFORE", days_ago=8, before=dt.date(2026, 12, 8)),
        added("W-DEADLINE-AFTER", days_ago=1, before=dt.date(2026, 12, 10)),
        added("W-USAGE", days_ago=3, procedure=None, kind="usage"),  # 60 min
    ])
    slot = dt.datetime(2026, 12, 9, 14, 0, tzinfo=PARIS)
    found = suited_to(TEAM, state.values(), PROCEDURES, "camille", slot, 45, NOW)
    assert [e.id for e in found] == ["W-DEADLINE-AFTER", "W-ANY", "W-CAMILLE"]
    # A longer slot fits the usage session too; a slot already begun suits nobody.
    assert "W-USAGE" in [e.id for e in suited_to(TEAM, state.values(), PROCEDURES, "camille",
                                                  slot, 60, NOW)]
    assert suited_to(TEAM, state.values(), PROCEDURES, "camille", NOW, 45, NOW) == []


def test_the_deadline_day_itself_still_fits():
    state, _ = fold_waitlist([added("W-1", before=dt.date(2026, 12, 9))])
    slot = dt.datetime(2026, 12, 9, 16, 0, tzinfo=PARIS)
    assert suited_to(TEAM, state.values(), PROCEDURES, "camille", slot, 45, NOW)
    assert not deadline_passed(state["W-1"], dt.date(2026, 12, 9))
    assert deadline_passed(state["W-1"], dt.date(2026, 12, 10))


def test_three_offers_flag_an_entry_and_closed_ones_are_never_proposed():
    state, problems = fold_waitlist([added("W-1"), *[offered("W-1", h) for h in (1, 2, 3)],
                                     added("W-2"), closed("W-2")])
    assert problems == []
    assert len(state["W-1"].offers) == MAX_OFFERS and state["W-1"].flagged
    assert not state["W-2"].is_open and state["W-2"].appointment == "A-1"
    slot = NOW + dt.timedelta(days=1)
    assert suited_to(TEAM, state.values(), PROCEDURES, "camille", slot, 45, NOW) == []


def test_events_that_make_no_sense_are_reported_not_applied():
    _, problems = fold_waitlist([offered("W-GHOST"), added("W-1"), added("W-1"), closed("W-1"),
                                 offered("W-1"), closed("W-1")])
    messages = [p.message for p in problems]
    assert any("inconnue W-GHOST" in m for m in messages)
    assert any("inscrite deux fois" in m for m in messages)
    assert sum("déjà close" in m for m in messages) == 2


def test_retention_erases_name_phone_and_note_of_old_entries_only():
    state, _ = fold_waitlist([added("W-OLD", days_ago=400), added("W-NEW", days_ago=3),
                              added("W-OFFERED", days_ago=400), offered("W-OFFERED")])
    cutoff = (NOW - dt.timedelta(days=365)).date()
    assert [e.id for e in old_waits(state.values(), cutoff)] == ["W-OLD"]
    plan = plan_purge([], [], cutoff, state.values())
    assert plan.count("waitlist") == 1 and plan.unmarked == {"W-OLD"}
    document = {"id": "W-OLD", "event": "added", "person": "Nadia B.", "phone": "06",
                "note": "x", "kind": "demarche", "before": "2026-01-01"}
    assert scrub_document(document) == {"id": "W-OLD", "event": "added",
                                        "person": "(anonymisé)", "kind": "demarche",
                                        "before": "2026-01-01"}

"""Learning-path progress (pure): sessions booked and done, skills reached."""

import datetime as dt

from conftest import PARIS

from mediatool.core.learning import path_progress
from mediatool.core.state import Appointment, LearningPath

OPENED = dt.datetime(2026, 11, 2, 10, 0, tzinfo=PARIS)
PATH = LearningPath(id="P-000001", person="Odette R.", phone=None, mediator="lea",
                    skills=("1.1", "mail-creer", "3.1"), sessions=4, opened_at=OPENED, note=None)


def session(ident: str, day: int, status: str = "booked", skills=(), path="P-000001"):
    return Appointment(id=ident, mediator="lea", kind="usage",
                       start=dt.datetime(2026, 11, day, 14, 0, tzinfo=PARIS), duration_min=60,
                       person="Odette R.", phone=None, procedure=None, path=path, site=None,
                       from_call=None, note=None, booked_at=OPENED, status=status,
                       skills=tuple(skills))


def test_progress_counts_sessions_by_status():
    progress = path_progress(PATH, [
        session("A-4", 26), session("A-1", 5, "attended", ["mail-creer"]),
        session("A-2", 12, "attended", ["1.1", "mail-creer"]), session("A-3", 19, "no_show"),
        session("A-5", 20, "cancelled"), session("A-9", 20, path="P-OTHER1")])
    assert [a.id for a in progress.appointments] == ["A-1", "A-2", "A-3", "A-5", "A-4"]
    assert (progress.done, progress.booked, progress.no_show, progress.cancelled) == (2, 1, 1, 1)
    # A no-show or a cancelled session does not use up one of the agreed sessions.
    assert progress.remaining == 1
    assert progress.skills_reached == ("mail-creer", "1.1")
    assert progress.skills_remaining == ("3.1",)
    assert [a.id for a in progress.upcoming(dt.datetime(2026, 11, 21, tzinfo=PARIS))] == ["A-4"]


def test_progress_of_a_new_path():
    progress = path_progress(PATH, [])
    assert progress.remaining == 4 and progress.skills_remaining == PATH.skills


def test_path_close_cancel_planned_cancels_future_sessions_in_one_step(run, folder):
    import json as _json

    opened = run("path", "open", "--person", "Odette R.", "--mediator", "camille",
                 "--skills", "2.1", "--sessions", "3", "--format", "json")
    path = _json.loads(opened.output)["id"]
    for at in ("2026-12-08 14:00", "2026-12-10 09:00"):
        assert run("book", "--path", path, "--at", at).exit_code == 0
    result = run("path", "close", path, "--cancel-planned", "--reason", "abandon")
    assert result.exit_code == 0, result.stderr
    assert result.output.count("Séance annulée") == 2
    assert "Séance encore prévue" not in result.output
    shown = _json.loads(run("path", "show", path, "--format", "json").output)
    assert shown["cancelled"] == 2 and shown["booked"] == 0 and not shown["open"]
    again = run("path", "close", path, "--cancel-planned")
    assert again.exit_code == 2


def _open(run, sessions=4):
    import json as _json

    opened = run("path", "open", "--person", "Odette R.", "--mediator", "camille",
                 "--skills", "2.1", "--sessions", str(sessions), "--format", "json")
    return _json.loads(opened.output)["id"]


def test_first_free_never_puts_two_sessions_of_a_path_on_one_day(run):
    import datetime as _dt
    import json as _json

    path = _open(run)
    days = []
    for _ in range(3):
        booked = run("book", "--path", path, "--first-free", "--format", "json")
        assert booked.exit_code == 0, booked.stderr
        days.append(_dt.date.fromisoformat(_json.loads(booked.output)["start"][:10]))
    assert len(set(days)) == 3


def test_path_book_series_weekly_same_time(run):
    import json as _json

    path = _open(run, sessions=3)
    result = run("path", "book", path, "--from", "2026-12-08", "--at", "14:00",
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    items = _json.loads(result.output)
    starts = [i["appointment"]["start"][:16] for i in items if i["appointment"]]
    # 2026-12-22 14:00 is a Tuesday; 2026-12-15 too; the closure starts on the 24th.
    assert starts == ["2026-12-08T14:00", "2026-12-15T14:00", "2026-12-22T14:00"]
    # Nothing left to book: the series is refused before anything is written.
    assert run("path", "book", path).exit_code == 3


def test_path_book_refuses_every_zero_and_too_long_series(run):
    path = _open(run, sessions=2)
    assert run("path", "book", path, "--every", "0").exit_code == 2
    too_long = run("path", "book", path, "--count", "3")
    assert too_long.exit_code == 2 and "plus que 2" in too_long.stderr


def test_path_book_reports_what_it_could_not_place(run):
    path = _open(run, sessions=2)
    # From the 22nd: the second session falls in the closure (24/12 - 01/01) for a week.
    result = run("path", "book", path, "--from", "2026-12-22", "--at", "14:00", "--every", "2")
    assert result.exit_code == 0, result.stderr
    assert "Séance réservée" in result.output and "Non placée" in result.output

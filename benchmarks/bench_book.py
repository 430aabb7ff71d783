"""Booking cost must not grow with history: one `book` on an empty folder vs 10 years.

Run: python3 benchmarks/bench_book.py [--years 10] [--repeat 15]

It creates three folders from the default catalogue: empty, one year and
`--years` years of past appointments (every mediator, every week, up to the
cap of half-days, some cancelled, attended or no-show), then times:
- `booking.book` in-process (first free slot, then `--at` a slot found free
  beforehand, weeks ahead), median of `--repeat` bookings; the catalogue is
  loaded beforehand, so this is the cost of reading records and judging rules;
- one `python -m mediatool book` end to end in each folder;
and prints the ratios. Empty → one year adds the current month's records (a
constant); one year → ten years must stay near 1.0: no growth with history.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mediatool.core.days import weekly_occurrences  # noqa: E402
from mediatool.core.ids import new_id  # noqa: E402
from mediatool.core.model import (  # noqa: E402
    AppointmentAttended,
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentNoShow,
)
from mediatool.core.period import Month  # noqa: E402
from mediatool.services.booking import BookingRequest, book, next_free_slots  # noqa: E402
from mediatool.store.folder import DataFolder  # noqa: E402
from mediatool.store.scaffold import create_data_folder  # noqa: E402

NOW = dt.datetime.fromisoformat("2026-12-07T10:00:00+01:00")


def fill_history(data: DataFolder, years: int, seed: int = 1) -> int:
    """Past appointments for every mediator and week; returns the number of events."""
    rng = random.Random(seed)
    team = data.catalogue.team
    procedures = [p for p in data.catalogue.procedures.values() if p.in_scope]
    zone = data.zone
    first = (NOW - dt.timedelta(days=365 * years)).date()
    last = (NOW - dt.timedelta(days=1)).date()
    by_month: dict[Month, list[object]] = defaultdict(list)
    taken: set[str] = set()  # random ids collide now and then over thousands
    for mediator in team.mediators:
        weeks: dict[tuple[int, int], list] = defaultdict(list)
        for day, slot in weekly_occurrences(team, mediator.hours, first, last):
            weeks[day.isocalendar()[:2]].append((day, slot))
        for slots in weeks.values():
            for day, slot in rng.sample(slots, min(len(slots),
                                                   team.caps.appointment_half_days_per_week)):
                cursor = dt.datetime.combine(day, slot.start, zone)
                closing = dt.datetime.combine(day, slot.end, zone)
                for _ in range(3):
                    procedure = rng.choice(procedures)
                    end = cursor + dt.timedelta(minutes=procedure.typical_duration_min)
                    if end > closing:
                        break
                    ident = new_id("A", taken)
                    taken.add(ident)
                    month = Month.of(day)
                    booked_at = cursor - dt.timedelta(days=3)
                    by_month[month].append(AppointmentBooked(
                        id=ident, event="booked", at=booked_at, by=mediator.id,
                        mediator=mediator.id, kind="demarche", start=cursor,
                        duration_min=procedure.typical_duration_min,
                        person="Personne (fictif)", phone="06 39 98 00 00",
                        procedure=procedure.id, site=mediator.site))
                    roll = rng.random()
                    if roll < 0.1:
                        outcome: object = AppointmentCancelled(
                            id=ident, event="cancelled", at=booked_at + dt.timedelta(days=1),
                            by=mediator.id, by_person=True)
                    elif roll < 0.2:
                        outcome = AppointmentNoShow(id=ident, event="no_show", at=end,
                                                    by=mediator.id)
                    else:
                        outcome = AppointmentAttended(id=ident, event="attended", at=end,
                                                      by=mediator.id)
                    by_month[month].append(outcome)
                    cursor = end
    for month, events in by_month.items():
        with data.store.transaction([("appointments", month)]) as tx:
            tx.append_many("appointments", month, events)
    return sum(len(events) for events in by_month.values())


def time_in_process(root: Path, repeat: int) -> tuple[float, float]:
    """Median seconds of one first-free `book`, and of one `book --at`."""
    first_free: list[float] = []
    at_time: list[float] = []
    data = DataFolder(root)
    mediator = data.catalogue.team.mediators[0].id
    for index in range(repeat):
        started = time.perf_counter()
        book(data, BookingRequest(mediator=mediator, kind="demarche", person=f"P{index}",
                                  procedure="caf-prime-activite"), NOW)
        first_free.append(time.perf_counter() - started)
    for index in range(repeat):
        at = next_free_slots(data, mediator, "demarche", 45, NOW, 1,
                             start_from=NOW + dt.timedelta(weeks=8 + index))[0].start
        started = time.perf_counter()
        book(data, BookingRequest(mediator=mediator, kind="demarche", person=f"Q{index}",
                                  procedure="caf-prime-activite", at=at), NOW)
        at_time.append(time.perf_counter() - started)
    return statistics.median(first_free), statistics.median(at_time)


def time_cli(root: Path) -> float:
    env = {**os.environ, "MEDIATOOL_NOW": NOW.isoformat(), "PYTHONPATH": str(ROOT)}
    mediator = DataFolder(root).catalogue.team.mediators[0].id
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mediatool", "--data", str(root), "book",
                    "--mediator", mediator, "--procedure", "caf-prime-activite",
                    "--first-free", "--person", "CLI"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-book-"))
    try:
        folders = {"empty": create_data_folder(work / "empty")}
        for years in (1, args.years):
            root = create_data_folder(work / f"{years}y")
            started = time.perf_counter()
            events = fill_history(DataFolder(root), years)
            size = sum(p.stat().st_size for p in (root / "records").rglob("*.yaml"))
            print(f"{years} year(s): {events} appointment events, {size / 1e6:.1f} MB, "
                  f"generated in {time.perf_counter() - started:.1f} s")
            folders[f"{years}y"] = root
        timings = {name: time_in_process(root, args.repeat) for name, root in folders.items()}
        long = f"{args.years}y"
        for index, label in ((0, "book --first-free"), (1, "book --at")):
            empty, one, full = (timings[n][index] for n in ("empty", "1y", long))
            print(f"{label} (in-process, median of {args.repeat}): empty {empty * 1000:.1f} ms,"
                  f" 1 year {one * 1000:.1f} ms, {args.years} years {full * 1000:.1f} ms; "
                  f"{args.years} years / empty {full / empty:.2f}, "
                  f"{args.years} years / 1 year {full / one:.2f}")
        cli = {name: time_cli(root) for name, root in folders.items()}
        print(f"python -m mediatool book (one run, end to end): empty {cli['empty']:.2f} s, "
              f"{args.years} years {cli[long]:.2f} s, ratio {cli[long] / cli['empty']:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: `export-ics` of 10,000 appointments (SPEC §5 goal: under 2 s).

Run from the repository root:

    python3 benchmarks/bench_export.py [--appointments 10000] [--repeat 3]

It builds a data folder in a temporary directory (default catalogue, template
team), appends the appointments (with cancellations and outcomes, as in real
use), then times, best of --repeat runs:
- the baseline: merely parsing the same record files with PyYAML's C loader;
- the export's first run (every file written) and a second run on unchanged
  data (nothing rewritten), through the same service the CLI calls;
- the export's parts: reading the records (store + fold) and building the
  calendars.
Figures are printed with their ratio to the baseline measured in the same run;
exit 1 when the goal is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402

from mediatool.core.ids import new_id  # noqa: E402
from mediatool.core.model import (  # noqa: E402
    AppointmentAttended,
    AppointmentBooked,
    AppointmentCancelled,
)
from mediatool.core.period import Month  # noqa: E402
from mediatool.formats import ics
from mediatool.services import calendars
from mediatool.store.folder import DataFolder  # noqa: E402
from mediatool.store.scaffold import create_data_folder  # noqa: E402

GOAL_S = 2.0
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def populate(data: DataFolder, count: int, seed: int = 8) -> int:
    """`count` appointments from the window start on; returns the number of events."""
    rng = random.Random(seed)
    team = data.catalogue.team
    procedures = sorted(p for p, proc in data.catalogue.procedures.items() if proc.in_scope)
    zone = ZoneInfo(team.timezone)
    first = ics.window_start(NOW).date()
    per_day = 24
    events: dict[Month, list[object]] = defaultdict(list)
    taken: set[str] = set()  # 10,000 random ids collide about once in 20 runs otherwise
    for index in range(count):
        day = first + dt.timedelta(days=index // per_day)
        start = dt.datetime.combine(day, dt.time(9), zone) + dt.timedelta(
            minutes=15 * (index % per_day))
        mediator = team.mediators[index % len(team.mediators)]
        ident = new_id("A", taken)
        taken.add(ident)
        booked = AppointmentBooked(
            id=ident, event="booked", at=start - dt.timedelta(days=5), by=mediator.id,
            mediator=mediator.id, kind="demarche", start=start, duration_min=45,
            person="Personne (fictive)", phone="06 39 98 00 00",
            procedure=rng.choice(procedures), site=mediator.site)
        month = Month.of(day)
        events[month].append(booked)
        roll = rng.random()
        if roll < 0.12:
            events[month].append(AppointmentCancelled(
                id=booked.id, event="cancelled", at=start - dt.timedelta(days=1),
                by=mediator.id, by_person=True))
        elif start < NOW and roll < 0.9:
            events[month].append(AppointmentAttended(
                id=booked.id, event="attended", at=start + dt.timedelta(hours=1),
                by=mediator.id))
    for month, batch in events.items():
        with data.store.transaction([("appointments", month)]) as tx:
            tx.append_many("appointments", month, batch)
    return sum(len(b) for b in events.values())


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appointments", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="mediatool-bench-export-"))
    try:
        create_data_folder(root / "data")
        data = DataFolder(root / "data")
        event_count = populate(data, args.appointments)
        first_month = Month.of(ics.window_start(NOW).date())
        files = [data.store.file("appointments", m) for m in data.store.months("appointments")
                 if m >= first_month]

        def parse_only() -> None:
            for path in files:
                for _ in yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader):
                    pass

        out = root / "calendriers"
        baseline = best(parse_only, args.repeat)

        def first_run() -> None:
            shutil.rmtree(out, ignore_errors=True)
            calendars.export(data, out, NOW, private=False)

        export_first = best(first_run, args.repeat)
        export_again = best(lambda: calendars.export(data, out, NOW, private=False),
                            args.repeat)
        read = best(lambda: calendars._appointments(data, ics.window_start(NOW)), args.repeat)
        appointments, _ = calendars._appointments(data, ics.window_start(NOW))
        build = best(lambda: [c.to_ics() for c in ics.build_calendars(
            data.catalogue, appointments, {}, NOW)], args.repeat)
        written = calendars.export(data, out, NOW, private=False)
        size = sum(p.stat().st_size for p in out.glob("*.ics"))
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print(f"export-ics: {args.appointments} appointments ({event_count} record events in "
          f"{len(files)} month files), {len(written.calendars)} calendars, "
          f"{size / 1e6:.1f} MB of .ics; best of {args.repeat}")
    rows = [
        ("baseline: parse the same record files (CSafeLoader)", baseline),
        ("export, first run (every file written)", export_first),
        ("export, unchanged data (nothing rewritten)", export_again),
        ("  part: read records (store.read + fold)", read),
        ("  part: build the calendars (ics core)", build),
    ]
    for label, seconds in rows:
        print(f"  {label:<52} {seconds:6.3f} s  {seconds / baseline:5.2f}× baseline")
    verdict = "met" if export_first < GOAL_S else "MISSED"
    print(f"goal: export under {GOAL_S:.0f} s → {verdict} ({export_first:.2f} s)")
    return 0 if export_first < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())

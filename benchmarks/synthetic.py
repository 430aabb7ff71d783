"""Synthetic data folders for benchmarks: years of plausible records for a big team.

`generate(root, years, mediators, seed)` writes a complete data folder (the
default catalogue, a team of `mediators` mediators and ten sites) with, for
every week of `years` years up to MEDIATOOL_NOW (or today):

- two phone shifts of ~20 calls each (a quarter end in an appointment, linked);
- ~6 appointments per mediator and week, in at most two half-days (the cap),
  with their outcomes (attended, no-show, cancelled, or left to fill);
- usage learning paths (opened, sessions, closed);
- a drop-in session per site and working day, with its tally.

Records are written with the store's own serialiser, so they are exactly what
mediatool writes. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mediatool.core.model import (  # noqa: E402
    AppointmentAttended,
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentNoShow,
    CallRecorded,
    DropinTally,
    PathClosed,
    PathOpened,
    event_to_document,  # noqa: E402
)
from mediatool.core.period import Month  # noqa: E402
from mediatool.store.catalogue import load_catalogue, read_catalogue_files  # noqa: E402
from mediatool.store.scaffold import create_data_folder  # noqa: E402
from mediatool.store.yamltext import dump_document  # noqa: E402

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
SITES = 10
CALLS_PER_SHIFT = 20
APPOINTMENTS_PER_HALF_DAY = 3  # two half-days a week: ~6 appointments per mediator-week
SHIFTS = ((1, dt.time(9, 30), "mardi 09:30-12:00"), (3, dt.time(14, 0), "jeudi 14:00-16:30"))
HALF_DAYS = ((dt.time(9, 0), "09:00", "12:30"), (dt.time(14, 0), "14:00", "17:30"))


def team_yaml(mediators: int) -> str:
    """A team of `mediators` mediators, ten sites with a drop-in every working day."""
    lines = ["service: Service de test de charge", "timezone: Europe/Paris",
             'halfday_boundary: "13:00"', "phone_line:", '  number: "01 99 00 00 00"',
             "  shifts:", '    - {day: mardi, start: "09:30", end: "12:00"}',
             '    - {day: jeudi, start: "14:00", end: "16:30"}', "sites:"]
    lines += [f"  - {{id: site-{s:02d}, name: Site {s:02d}}}" for s in range(1, SITES + 1)]
    lines.append("dropins:")
    lines += [f'  - {{site: site-{s:02d}, day: {day}, start: "14:00", end: "17:00"}}'
              for s in range(1, SITES + 1) for day in WEEKDAYS]
    lines.append("mediators:")
    for m in range(1, mediators + 1):
        lines += [f"  - id: m{m:02d}", f"    name: Médiateur {m:02d}",
                  f"    site: site-{(m - 1) % SITES + 1:02d}", "    hours:"]
        for offset in range(3):
            day = WEEKDAYS[(m + offset) % 5]
            start, begin, end = HALF_DAYS[(m + offset) % 2]
            lines.append(f'      - {{day: {day}, start: "{begin}", end: "{end}"}}')
    return "\n".join(lines) + "\n"


def _now() -> dt.datetime:
    forced = os.environ.get("MEDIATOOL_NOW")
    zone = ZoneInfo("Europe/Paris")
    if forced:
        return dt.datetime.fromisoformat(forced).astimezone(zone)
    return dt.datetime.now(zone)


def generate(root: Path, years: int = 10, mediators: int = 50, seed: int = 7,
             now: dt.datetime | None = None) -> Path:
    """Write a data folder with `years` years of records up to `now`; returns `root`."""
    rng = random.Random(seed)
    now = now or _now()
    zone = ZoneInfo("Europe/Paris")
    create_data_folder(root)
    (root / "catalogue" / "team.yaml").write_text(team_yaml(mediators), encoding="utf-8")
    catalogue, problems = load_catalogue(read_catalogue_files(root), now.date())
    assert catalogue is not None, [p.format() for p in problems]
    procedures = [p for p in catalogue.procedures.values() if p.in_scope]
    out_of_scope = [p for p in catalogue.procedures.values() if not p.in_scope]
    skills = list(catalogue.skills)
    team = catalogue.team
    files: dict[tuple[str, Month], list[str]] = defaultdict(list)
    counter = [0]

    def new_id(letter: str) -> str:
        counter[0] += 1
        return f"{letter}-{counter[0]:06d}"

    def put(kind: str, month: Month, event: object) -> None:
        files[(kind, month)].append(dump_document(event_to_document(event)))

    paths: dict[str, tuple[PathOpened, Month, int]] = {}
    monday = now.date() - dt.timedelta(days=now.weekday() + 7 * 52 * years)
    while monday < now.date():
        booked_this_week: list[str] = []
        for mediator in team.mediators:
            slots = list(mediator.hours)
            for slot in rng.sample(slots, 2):  # two half-days: the cap
                day = monday + dt.timedelta(days=slot.weekday)
                start = dt.datetime.combine(day, slot.start, zone)
                for _ in range(APPOINTMENTS_PER_HALF_DAY):
                    usage = rng.random() < 0.3
                    duration = 60 if usage else rng.choice((30, 45, 60))
                    path_id = None
                    if usage:
                        opened, month_opened, done = paths.get(mediator.id, (None, None, 0))
                        if opened is None:
                            opened = PathOpened(
                                id=new_id("P"), event="opened", at=start - dt.timedelta(days=2),
                                by=mediator.id, person="Personne (fictif)", mediator=mediator.id,
                                skills=tuple(rng.sample(skills, 2)), sessions=4)
                            month_opened = Month.of(opened.at.date())
                            put("paths", month_opened, opened)
                            done = 0
                        path_id = opened.id
                        paths[mediator.id] = (opened, month_opened, done + 1)
                    booked = AppointmentBooked(
                        id=new_id("A"), event="booked", at=start - dt.timedelta(days=5),
                        by=mediator.id, mediator=mediator.id,
                        kind="usage" if usage else "demarche", start=start,
                        duration_min=duration, person="Personne (fictif)",
                        phone="06 39 98 00 00",
                        procedure=None if usage else rng.choice(procedures).id,
                        path=path_id, site=mediator.site)
                    month = Month.of(day)
                    put("appointments", month, booked)
                    booked_this_week.append(booked.id)
                    end = start + dt.timedelta(minutes=duration)
                    roll = rng.random()
                    if roll < 0.1:
                        put("appointments", month, AppointmentCancelled(
                            id=booked.id, event="cancelled", at=start - dt.timedelta(days=1),
                            by=mediator.id, by_person=roll < 0.07))
                    elif end < now and roll < 0.18:
                        put("appointments", month, AppointmentNoShow(
                            id=booked.id, event="no_show", at=end, by=mediator.id))
                    elif end < now and roll < 0.97:
                        put("appointments", month, AppointmentAttended(
                            id=booked.id, event="attended", at=end, by=mediator.id,
                            skills=tuple(rng.sample(skills, 1)) if usage else ()))
                    if usage and paths[mediator.id][2] >= 4:
                        opened, month_opened, _ = paths.pop(mediator.id)
                        put("paths", month_opened, PathClosed(
                            id=opened.id, event="closed", at=end + dt.timedelta(minutes=5),
                            by=mediator.id))
                    start = end + dt.timedelta(minutes=15)
        for weekday, time, label in SHIFTS:
            day = monday + dt.timedelta(days=weekday)
            moment = dt.datetime.combine(day, time, zone)
            for _ in range(CALLS_PER_SHIFT):
                moment += dt.timedelta(minutes=rng.randint(3, 9))
                if moment > now:
                    break
                out = rng.random() < 0.1
                procedure = rng.choice(out_of_scope if out else procedures)
                outcome = "redirect" if out else rng.choice(
                    ("dropin", "dropin", "appointment", "resolved", "other"))
                put("calls", Month.of(day), CallRecorded(
                    id=new_id("C"), event="call", at=moment, by=rng.choice(team.mediators).id,
                    outcome=outcome, in_shift=True, duration_min=rng.randint(2, 20),
                    procedure=procedure.id, theme=procedure.theme,
                    redirect_to=procedure.organisation if out else None, shift=label,
                    appointment=(rng.choice(booked_this_week)
                                 if outcome == "appointment" and booked_this_week else None)))
        for offset in range(5):
            day = monday + dt.timedelta(days=offset)
            if day >= now.date():
                break
            for site in team.sites:
                put("dropins", Month.of(day), DropinTally(
                    id=new_id("D"), event="tally",
                    at=dt.datetime.combine(day, dt.time(17, 5), zone), by="accueil",
                    site=site.id, date=day, seen=rng.randint(5, 14),
                    refused=rng.randint(0, 8)))
        monday += dt.timedelta(days=7)
    for (kind, month), documents in files.items():
        path = root / "records" / kind / f"{month}.yaml"
        path.write_text("".join(documents), encoding="utf-8")
    return root


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/_data/synthetic")
    generate(target)
    print(target)

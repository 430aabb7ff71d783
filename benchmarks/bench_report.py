"""SPEC §5: a month's report within 1.3× the time of merely parsing that month's files.

    python3 benchmarks/bench_report.py [--repeat N] [--data DIR]

Generates (once, cached under benchmarks/_data/, git-ignored) ten years of
records for 50 mediators with `synthetic.generate`, then times, in the same
process and best of N:

- baseline: `yaml.load_all(text, CSafeLoader)` of the month's four record files
  (calls, appointments, paths, dropins), nothing else;
- report: what `mediatool report --month M` does once the interpreter is up:
  read the files the period needs through the store (validation included),
  build the report and render it as a table. The catalogue is loaded once
  beforehand (its cost does not grow with the records; it is printed apart).

Prints both times and the ratio; exit 1 when the ratio is above the goal.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MEDIATOOL_NOW", "2026-12-07T10:00:00+01:00")

import yaml  # noqa: E402

from benchmarks.synthetic import generate  # noqa: E402
from mediatool.folder import DataFolder  # noqa: E402
from mediatool.period import Month  # noqa: E402
from mediatool.render import render  # noqa: E402
from mediatool.report import Period  # noqa: E402
from mediatool.reporting import make_report  # noqa: E402

GOAL = 1.3
CACHE = Path(__file__).resolve().parent / "_data" / "report-10y-50m"


def best_of(repeat: int, work) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def ensure_data(root: Path) -> Path:
    marker = root / ".complete"
    if not marker.exists():
        if root.exists():
            import shutil

            shutil.rmtree(root)
        print(f"Generating ten years for 50 mediators in {root} (a few minutes, once)…",
              flush=True)
        generate(root, years=10, mediators=50, seed=7)
        marker.write_text("ok\n")
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--data", type=Path, default=CACHE)
    args = parser.parse_args()
    root = ensure_data(args.data)

    data = DataFolder(root)
    start = time.perf_counter()
    catalogue = data.catalogue
    catalogue_s = time.perf_counter() - start
    now = data.now()
    month = Month.of(now.date()).previous()
    period = Period.month(month)
    files = [data.store.file(kind, month) for kind in ("calls", "appointments", "paths",
                                                        "dropins")]
    documents = 0

    def baseline() -> None:
        nonlocal documents
        documents = 0
        for path in files:
            text = path.read_bytes().decode("utf-8")
            documents += len(list(yaml.load_all(text, Loader=yaml.CSafeLoader)))

    def report() -> None:
        built, _ = make_report(data, period, now)
        render(built, "table")

    report()  # warm caches (holidays, imports) as a second run of the command would be
    parse_s = best_of(args.repeat, baseline)
    report_s = best_of(args.repeat, report)
    ratio = report_s / parse_s
    months = len(data.store.months("appointments"))
    print(f"data: {root} ({months} months, {len(catalogue.team.mediators)} mediators)")
    print(f"month {month}: {documents} documents, "
          f"{sum(p.stat().st_size for p in files) / 1e6:.1f} MB in 4 files")
    print(f"parse only (yaml.load_all, CSafeLoader): {parse_s * 1000:8.1f} ms")
    print(f"report --month {month} (read+validate+build+render): {report_s * 1000:8.1f} ms")
    print(f"catalogue load (once per command, not in the ratio): {catalogue_s * 1000:8.1f} ms")
    print(f"ratio: {ratio:.2f}× (goal ≤ {GOAL}×) — {'OK' if ratio <= GOAL else 'ABOVE GOAL'}")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())

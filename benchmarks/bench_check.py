"""`mediatool check` on ten years × 50 mediators: cold cache, warm cache, --no-cache.

    python3 benchmarks/bench_check.py [--repeat N]

Whole processes (`python -m mediatool check -q`), CPU time (user + system) and peak RSS of
each child read from `os.wait4`, so a busy shared machine disturbs the figures less than
wall time would. Every bar is a ratio to a run of the same invocation of this script:

- warm (second run on unchanged data) ÷ cold (no cache entry) on ten years ≤ 0.1;
- warm on ten years ÷ warm on one year (same team) ≤ 2;
- after a month's files appear (the last month put back) ÷ cold ≤ 0.2;
- peak RSS of every run on ten years ≤ 100 MiB.

Runs on a hard-linked copy of benchmarks/_data/report-10y-50m (check writes its cache
into the folder; record files are only renamed, never written); one year is generated
once into benchmarks/_data/check-1y-50m. Cold and warm runs are interleaved in pairs.
Prints `GOAL met|MISSED <label>` lines for run.py; exit 1 when a bar is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MEDIATOOL_NOW", "2026-12-07T10:00:00+01:00")

from benchmarks.bench_report import CACHE, ensure_data  # noqa: E402
from benchmarks.synthetic import generate  # noqa: E402

ONE_YEAR = HERE / "_data" / "check-1y-50m"
WORK = HERE / "_data" / "check-work"
MIB = 1024 * 1024
WARM_GOAL, YEARS_GOAL, APPEND_GOAL, RSS_GOAL_MIB = 0.1, 2.0, 0.2, 100


def run_check(folder: Path, *args: str) -> tuple[float, float, float]:
    """(CPU seconds, wall seconds, peak RSS in MiB) of one whole `check` process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "mediatool", "--data", str(folder),
                                "check", "-q", *args], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    assert process.stderr is not None
    errors = process.stderr.read().decode(errors="replace")
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"check failed ({process.returncode}): {errors}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024  # KiB on Linux


def forget(folder: Path, names: str = "check-*.json") -> None:
    for entry in (folder / ".mediatool" / "cache").glob(names):
        entry.unlink()


def linked_copy(source: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, copy_function=os.link,
                    ignore=shutil.ignore_patterns(".mediatool"))
    return target


def spread(values: list[float], unit: str = "", digits: int = 2) -> str:
    return (f"{statistics.median(values):.{digits}f}{unit} "
            f"({min(values):.{digits}f}–{max(values):.{digits}f})")


def goal(label: str, met: bool) -> bool:
    print(f"GOAL {'met' if met else 'MISSED'} {label}", flush=True)
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ensure_data(CACHE)
    if not (ONE_YEAR / ".complete").exists():
        shutil.rmtree(ONE_YEAR, ignore_errors=True)
        print(f"Generating one year for 50 mediators in {ONE_YEAR}…", flush=True)
        generate(ONE_YEAR, years=1, mediators=50, seed=7)
        (ONE_YEAR / ".complete").write_text("ok\n")
    ten = linked_copy(CACHE, WORK / "ten-years")
    one = linked_copy(ONE_YEAR, WORK / "one-year")
    try:
        return measure(ten, one, args.repeat)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


def measure(ten: Path, one: Path, repeat: int) -> int:
    files = list((ten / "records").rglob("*.yaml"))
    print(f"ten years: {len(files)} record files, "
          f"{sum(p.stat().st_size for p in files) / 1e6:.0f} MB; {repeat} interleaved pairs; "
          "CPU s (user+sys), median (min–max)", flush=True)
    run_check(ten)  # compile caches and the holidays entry, as any later day has them
    run_check(one)  # one year's pairs compare warm with warm
    cold: list[tuple[float, float, float]] = []
    warm: list[tuple[float, float, float]] = []
    one_warm: list[tuple[float, float, float]] = []
    for _ in range(repeat):
        forget(ten)
        cold.append(run_check(ten))
        warm.append(run_check(ten))
        one_warm.append(run_check(one))
    # Warm runs are short: more pairs for the years ratio, whose spread is the machine's.
    for _ in range(2 * repeat):
        warm.append(run_check(ten))
        one_warm.append(run_check(one))
    bypass = [run_check(ten, "--no-cache") for _ in range(max(1, repeat // 2))]
    forget(one)
    one_cold = run_check(one)
    # A month's files appear (a teammate's push): the last full month is taken out, the
    # folder checked (its entries gone too), then the month put back and checked.
    months = sorted({p.stem for p in files if p.stem[:4].isdigit()})
    month = months[-2]
    appended: list[tuple[float, float, float]] = []
    aside = ten.parent / "aside"
    for _ in range(repeat):
        aside.mkdir(exist_ok=True)
        for path in (ten / "records").glob(f"*/{month}.yaml"):
            path.rename(aside / f"{path.parent.name}.yaml")
        forget(ten, f"check-*-{month}.json")
        run_check(ten)
        for path in aside.glob("*.yaml"):
            path.rename(ten / "records" / path.stem / f"{month}.yaml")
        appended.append(run_check(ten))

    def cpu(runs: list[tuple[float, float, float]]) -> list[float]:
        return [r[0] for r in runs]

    def ratios(top: list[tuple[float, float, float]], bottom: list[tuple[float, float, float]]
               ) -> list[float]:
        return [a[0] / b[0] for a, b in zip(top, bottom, strict=True)]

    rows = [("ten years, cold (no entry)", cold), ("ten years, warm (unchanged)", warm),
            ("ten years, --no-cache", bypass), ("one year, cold", [one_cold]),
            ("one year, warm", one_warm), (f"ten years, {month} put back", appended)]
    for label, runs in rows:
        print(f"  {label:<32} CPU {spread(cpu(runs), ' s')}  wall "
              f"{spread([r[1] for r in runs], ' s')}  peak RSS "
              f"{spread([r[2] for r in runs], ' MiB', 0)}", flush=True)
    warm_ratio = ratios(warm[:repeat], cold)
    years_ratio = ratios(warm, one_warm)
    append_ratio = ratios(appended, cold)
    print(f"  warm ÷ cold {spread(warm_ratio, '×', 3)}; ten years warm ÷ one year warm "
          f"{spread(years_ratio, '×')}; month put back ÷ cold {spread(append_ratio, '×', 3)}; "
          f"--no-cache ÷ cold {statistics.median(cpu(bypass)) / statistics.median(cpu(cold)):.2f}×",
          flush=True)
    peak = max(r[2] for runs in (cold, warm, bypass, appended) for r in runs)
    met = [
        goal(f"check warm ÷ cold on ten years ≤ {WARM_GOAL} ({spread(warm_ratio, '×', 3)})",
             statistics.median(warm_ratio) <= WARM_GOAL),
        goal(f"check warm ten years ÷ one year ≤ {YEARS_GOAL:g} ({spread(years_ratio, '×')})",
             statistics.median(years_ratio) <= YEARS_GOAL),
        goal(f"check after a month appears ÷ cold ≤ {APPEND_GOAL} "
             f"({spread(append_ratio, '×', 3)})", statistics.median(append_ratio) <= APPEND_GOAL),
        goal(f"check peak RSS on ten years ≤ {RSS_GOAL_MIB} MiB ({peak:.0f} MiB)",
             peak <= RSS_GOAL_MIB),
    ]
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())

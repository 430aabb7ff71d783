"""Start-up of the mid-call commands, and export-ics on ten years against one year.

    python3 benchmarks/bench_startup.py [--repeat N] [--skip-export]

Whole processes, interleaved (each round runs every command once, so a busy moment hits
all), each figure a ratio to a floor measured in the same run, printed with its spread
(min / median / max of the per-round ratios):

- `slots`, `call --dry-run --procedure … --recap-only`, `book` (a refused booking: the
  whole start-up and the rule check, no write) on the demo folder, and `catalogue search`
  on 1,000 procedures (cache warm) ≤ 3× `python -c "import click, yaml"`;
- `export-ics` on ten years × 50 mediators ÷ the same on one year × 50 ≤ 1.15 (the window
  is the same: its cost must not grow with history), and a second run writes nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
NOW = "2026-12-07T10:00:00+01:00"
STARTUP_GOAL = 3.0
EXPORT_GOAL = 1.15


def timed(argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in ok:
        raise SystemExit(f"{argv}: exit {done.returncode}\n{done.stderr.decode()}")
    return elapsed


def spread(ratios: list[float]) -> str:
    return (f"{min(ratios):.2f}× / {statistics.median(ratios):.2f}× / {max(ratios):.2f}× "
            "(min / median / max)")


def environment() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MEDIATOOL_NOW": NOW}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed tool has its compiled caches
    env.pop("MEDIATOOL_NO_CACHE", None)
    return env


def bench_startup(repeat: int) -> bool:
    from benchmarks.run import big_catalogue

    env = environment()
    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        folder = work / "demo"
        mediatool = [sys.executable, "-m", "mediatool", "--data", str(folder)]
        subprocess.run([*mediatool[:3], "init", "--demo", str(folder)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        floor = [sys.executable, "-c", "import click, yaml"]
        commands = {
            "slots": ([*mediatool, "slots"], (0,)),
            # As issue 19 words it: the recap of a dry run (nothing written).
            "call --dry-run --recap-only": ([*mediatool, "call", "--dry-run", "--procedure",
                                             "caf-prime-activite", "--mediator", "camille",
                                             "--recap-only"], (0,)),
            # A Sunday: refused by the rules (exit 3) after the full start-up, nothing written.
            "book (refused)": ([*mediatool, "book", "--mediator", "camille", "--kind",
                                "demarche", "--at", "2026-12-13T10:00", "--person", "Test T.",
                                "--procedure", "caf-prime-activite"], (3,)),
            # 1,000 procedures, the cache warm (the first untimed run fills it).
            "search, 1,000 entries": ([sys.executable, "-m", "mediatool", "--data",
                                       str(big_catalogue(work / "catalogue-1000")), "catalogue",
                                       "search", "j'ai perdu ma carte vitale"], (0,)),
        }
        for argv, ok in commands.values():  # compiled caches and the holidays cache
            timed(argv, env, ok)
        timed(floor, env)
        ratios: dict[str, list[float]] = {name: [] for name in commands}
        floors: list[float] = []
        for _ in range(repeat):
            base = timed(floor, env)
            floors.append(base)
            for name, (argv, ok) in commands.items():
                ratios[name].append(timed(argv, env, ok) / base)
        print(f"  floor python -c 'import click, yaml': median "
              f"{statistics.median(floors) * 1000:.0f} ms")
        met = True
        for name, found in ratios.items():
            good = statistics.median(found) <= STARTUP_GOAL
            met &= good
            print(f"  {name:28} {spread(found)}  → {'met' if good else 'MISSED'} "
                  f"(≤ {STARTUP_GOAL}×)")
        return met
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_export(repeat: int) -> bool:
    from benchmarks.bench_report import CACHE, ensure_data
    from benchmarks.synthetic import generate

    env = environment()
    ten = ensure_data(CACHE)
    one = HERE / "_data" / "export-1y-50m"
    if not (one / ".complete").exists():
        shutil.rmtree(one, ignore_errors=True)
        generate(one, years=1, mediators=50)
        (one / ".complete").write_text("")
    out = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        def export(folder: Path, name: str) -> float:
            return timed([sys.executable, "-m", "mediatool", "--data", str(folder),
                          "export-ics", "--out", str(out / name)], env)

        export(ten, "ten")
        export(one, "one")
        before = {p: p.stat().st_mtime_ns for p in (out / "ten").iterdir()}
        ratios = []
        for _ in range(repeat):
            ratios.append(export(ten, "ten") / export(one, "one"))
        unchanged = before == {p: p.stat().st_mtime_ns for p in (out / "ten").iterdir()}
        good = statistics.median(ratios) <= EXPORT_GOAL
        print(f"  export-ics 10 y ÷ 1 y     {spread(ratios)}  → {'met' if good else 'MISSED'} "
              f"(≤ {EXPORT_GOAL})")
        print(f"  unchanged data, second run: {'writes nothing' if unchanged else 'REWROTE'}")
        return good and unchanged
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    met = bench_startup(args.repeat)
    if not args.skip_export:
        met &= bench_export(max(5, args.repeat))  # pairs: the ratio's spread is wide
    print(f"  load average {Path('/proc/loadavg').read_text().split()[0]}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

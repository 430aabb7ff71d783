"""Every speed goal of SPEC §5 in one command, each figure against a baseline of the same run.

    python3 benchmarks/run.py [--quick]

1. data: ten years for 50 mediators (`synthetic.generate`), cached under
   benchmarks/_data/ (git-ignored; generated once, a few minutes);
2. `mediatool --help` vs a bare click app with one command (subprocess, best of N);
3. `catalogue search` on a 1,000-procedure catalogue vs the default catalogue:
   per query, and the whole work of one command (load + index + query);
4. `report --month` vs parsing the month's files with the C loader (bench_report.py);
5. `book` on an empty folder vs ten years of history (bench_book.py);
6. `export-ics` of 10,000 appointments vs parsing their files (bench_export.py);
7. `slots`, `call`, `book`, `catalogue search` (1,000 procedures) start-up vs
   `python -c "import click, yaml"`, and `export-ics`
   on ten years ÷ one year (bench_startup.py), ratios with their spread;
8. `check` on ten years: cold cache, warm cache, --no-cache, a month appended, one year,
   and its peak RSS (bench_check.py), ratios with their spread.

`--quick` uses fewer repetitions (and 3 years for `book`). Exit 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MEDIATOOL_NOW", "2026-12-07T10:00:00+01:00")
# An installed package runs from compiled bytecode: without it every process would time
# Python's compiler (≈ 65 ms for `--help`), not mediatool. Some shells set this variable.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

import yaml  # noqa: E402

from mediatool.store.folder import DataFolder  # noqa: E402
from mediatool.store.scaffold import create_data_folder  # noqa: E402

DATA = HERE / "_data"
HELP_GOAL = 1.5
SEARCH_GOAL_MS = 10.0  # issue 19 (SPEC §5 asks < 50 ms)

BARE_CLICK = textwrap.dedent('''
    import click

    @click.group()
    def cli():
        """A bare click application."""

    @cli.command()
    @click.option("--name", default="monde", help="Qui saluer.")
    def hello(name):
        """Say hello."""
        click.echo(f"bonjour {name}")

    if __name__ == "__main__":
        cli()
''')


class Results:
    """Goals met or missed, for the summary and the exit code."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, bool]] = []

    def goal(self, label: str, met: bool) -> None:
        self.lines.append((label, met))
        print(f"  → {label} : {'met' if met else 'MISSED'}", flush=True)


def title(text: str) -> None:
    print(f"\n== {text}", flush=True)


def best_of(repeat: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def bench_help(results: Results, repeat: int) -> None:
    """`python -m mediatool --help` against `python -m bare_click --help`, interleaved."""
    title(f"mediatool --help vs a bare click app (subprocess, best of {repeat})")
    work = Path(tempfile.mkdtemp(prefix="bench-help-"))
    try:
        (work / "bare_click.py").write_text(BARE_CLICK, encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(work)])}

        def run(module: str) -> Callable[[], object]:
            return lambda: subprocess.run([sys.executable, "-m", module, "--help"], env=env,
                                          stdout=subprocess.DEVNULL, check=True)

        run("mediatool")()  # compile caches, as any second run would have them
        run("bare_click")()
        bare, ours = float("inf"), float("inf")
        for _ in range(repeat):  # interleaved, so a busy moment hits both
            bare = min(bare, best_of(1, run("bare_click")))
            ours = min(ours, best_of(1, run("mediatool")))
        empty = best_of(repeat, lambda: subprocess.run([sys.executable, "-c", "pass"],
                                                       env=env, check=True))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"  python -c pass (interpreter alone)     {empty * 1000:7.1f} ms")
    print(f"  bare click app --help (baseline)       {bare * 1000:7.1f} ms")
    print(f"  mediatool --help                       {ours * 1000:7.1f} ms  "
          f"{ours / bare:.2f}× baseline")
    results.goal(f"--help ≤ {HELP_GOAL}× bare click ({ours / bare:.2f}×)",
                 ours / bare <= HELP_GOAL)


def _pseudo_words(rng: random.Random, count: int) -> list[str]:
    syllables = ["ra", "mo", "li", "te", "su", "ka", "ne", "po", "vi", "da", "gu", "ze", "fo"]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            for _ in range(count)]


def big_catalogue(target: Path, size: int = 1000, seed: int = 3) -> Path:
    """The default catalogue grown to `size` procedures (copies with their own words)."""
    if (target / "catalogue" / "team.yaml").exists():
        return target
    create_data_folder(target)
    path = target / "catalogue" / "procedures.yaml"
    procedures = yaml.safe_load(path.read_text(encoding="utf-8"))["procedures"]
    rng = random.Random(seed)
    grown = []
    for index in range(size):
        proc = dict(procedures[index % len(procedures)])
        if index >= len(procedures):
            extra = _pseudo_words(rng, 3)
            proc["id"] = f"{proc['id']}-{index}"
            proc["title"] = f"{proc['title']} ({extra[0]})"
            proc["keywords"] = [*proc.get("keywords", []), *extra]
        grown.append(proc)
    path.write_text(yaml.safe_dump({"procedures": grown}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return target


def _queries() -> list[str]:
    loaded = yaml.safe_load((ROOT / "tests" / "data" / "search_queries.yaml").read_text(
        encoding="utf-8"))
    return [item["query"] for item in loaded["queries"]]


def _search_costs(root: Path, queries: list[str], repeat: int) -> tuple[float, float, int]:
    """(seconds per query with the index built, seconds of one command's work, procedures)."""
    data = DataFolder(root)
    index = data.search_index
    per_query = best_of(repeat, lambda: [index.search(q, limit=8) for q in queries])
    per_query /= len(queries)

    def one_command() -> None:  # what `catalogue search` does once Python is up
        fresh = DataFolder(root)
        fresh.search_index.search(queries[0], limit=8)

    return per_query, best_of(repeat, one_command), len(data.catalogue.procedures)


def bench_search(results: Results, repeat: int) -> None:
    title("catalogue search: 1,000 procedures vs the default catalogue (in-process, best of "
          f"{repeat})")
    queries = _queries()
    default = DATA / "catalogue-default"
    if not default.exists():
        create_data_folder(default)
    big = big_catalogue(DATA / "catalogue-1000")
    small_query, small_command, small_n = _search_costs(default, queries, repeat)
    big_query, big_command, big_n = _search_costs(big, queries, repeat)
    print(f"  {len(queries)} phone-call queries (tests/data/search_queries.yaml)")
    print(f"  per query, index built: {small_n} procedures {small_query * 1000:6.2f} ms "
          f"(baseline); {big_n} procedures {big_query * 1000:6.2f} ms  "
          f"{big_query / small_query:.2f}× baseline")
    print(f"  one command's work (load catalogue + build index + query): {small_n} procedures "
          f"{small_command * 1000:6.1f} ms (baseline); {big_n} procedures "
          f"{big_command * 1000:6.1f} ms  {big_command / small_command:.2f}× baseline")
    results.goal(f"search < {SEARCH_GOAL_MS:.0f} ms per query on {big_n} procedures "
                 f"({big_query * 1000:.1f} ms)", big_query * 1000 < SEARCH_GOAL_MS)


def run_script(name: str, *args: str) -> tuple[int, str]:
    """Run one of the benchmark scripts, showing its output as it comes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, str(HERE / name), *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        print("  " + line, end="", flush=True)
        lines.append(line)
    return process.wait(), "".join(lines)


def bench_report(results: Results, repeat: int) -> None:
    title("report --month vs parsing the month's files with the C loader (bench_report.py)")
    code, output = run_script("bench_report.py", "--repeat", str(repeat))
    found = re.search(r"interleaved pairs: ([\d.]+)×", output)
    whole = re.search(r"whole processes, median of the pairs: ([\d.]+)×", output)
    results.goal(f"report ≤ 1.3× parse (in process {found.group(1) if found else '?'}×, "
                 f"as whole processes {whole.group(1) if whole else '?'}×)", code == 0)


def bench_book(results: Results, repeat: int, years: int) -> None:
    title(f"book: empty folder vs {years} years of history (bench_book.py)")
    code, output = run_script("bench_book.py", "--years", str(years), "--repeat", str(repeat))
    ratios = [float(r) for r in re.findall(rf"{years} years / 1 year ([\d.]+)", output)]
    # "Same within noise": the median booking on ten years within 25% of one year.
    results.goal(f"book independent of history ({years} years / 1 year: "
                 f"{', '.join(f'{r:.2f}' for r in ratios) or '?'})",
                 code == 0 and bool(ratios) and max(ratios) <= 1.25)


def bench_export(results: Results, repeat: int) -> None:
    title("export-ics of 10,000 appointments vs parsing their files (bench_export.py)")
    code, output = run_script("bench_export.py", "--repeat", str(repeat))
    found = re.search(r"→ (met|MISSED) \(([\d.]+) s\)", output)
    results.goal(f"export-ics < 2 s ({found.group(2) if found else '?'} s)",
                 code == 0 and bool(found) and found.group(1) == "met")


def bench_startup(results: Results, repeat: int, export: bool) -> None:
    title("start-up of slots / call / book, export-ics 10 y ÷ 1 y (bench_startup.py)")
    args = ["--repeat", str(repeat)] + ([] if export else ["--skip-export"])
    code, output = run_script("bench_startup.py", *args)
    medians = re.findall(r"^\s+(\S.*?)\s+[\d.]+× / ([\d.]+)× / [\d.]+×", output, re.M)
    results.goal("start-up ≤ 3× import click, yaml; export-ics 10 y ÷ 1 y ≤ 1.15 ("
                 + ", ".join(f"{n.strip()} {m}×" for n, m in medians) + ")", code == 0)


def bench_check(results: Results, repeat: int) -> None:
    title("check: cold vs warm cache vs --no-cache, ten years ÷ one year, peak RSS "
          "(bench_check.py)")
    code, output = run_script("bench_check.py", "--repeat", str(repeat))
    bars = re.findall(r"^GOAL (met|MISSED) (.*)$", output, re.M)
    for verdict, label in bars:
        results.goal(label, verdict == "met")
    if code != 0 and not bars:
        results.goal("check benchmark ran", False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    DATA.mkdir(parents=True, exist_ok=True)
    results = Results()
    started = time.perf_counter()
    title("data: ten years, 50 mediators (benchmarks/_data/, generated once)")
    from benchmarks.bench_report import CACHE, ensure_data

    generated = time.perf_counter()
    ensure_data(CACHE)
    files = list((CACHE / "records").rglob("*.yaml"))
    print(f"  {CACHE}: {len(files)} record files, "
          f"{sum(p.stat().st_size for p in files) / 1e6:.0f} MB "
          f"(ready in {time.perf_counter() - generated:.1f} s)")
    bench_help(results, 5 if args.quick else 15)
    bench_search(results, repeat)
    bench_report(results, repeat)
    bench_book(results, 5 if args.quick else 15, 3 if args.quick else 10)
    bench_export(results, 3)
    bench_startup(results, 5 if args.quick else 11, export=True)
    bench_check(results, 2 if args.quick else 3)
    title(f"summary ({time.perf_counter() - started:.0f} s, python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPU, load average {os.getloadavg()[0]:.1f})")
    for label, met in results.lines:
        print(f"  {'ok    ' if met else 'MISSED'} {label}")
    return 0 if all(met for _, met in results.lines) else 1


if __name__ == "__main__":
    sys.exit(main())

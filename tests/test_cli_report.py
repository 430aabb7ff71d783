"""`mediatool report`, `dropin`, `dropins` as a user runs them."""

import io
import json
import re

import pytest


def test_dropin_then_report_counts_it(run, folder):
    result = run("dropin", "--site", "centre", "--date", "2026-11-30", "--seen", "9",
                 "--refused", "3", "--note", "file d'attente dehors")
    assert result.exit_code == 0, result.output
    assert "D-" in result.output and "9 reçue(s), 3 refusée(s)" in result.output
    assert (folder / "records" / "dropins" / "2026-11.yaml").exists()
    again = run("dropin", "--site", "centre", "--date", "2026-11-30", "--seen", "1",
                "--refused", "0")
    assert again.exit_code == 0 and "déjà saisi" in again.stderr
    tuesday = run("dropin", "--site", "centre", "--date", "2026-12-01", "--seen", "1",
                  "--refused", "0")
    assert tuesday.exit_code == 0 and "aucune permanence n'est prévue" in tuesday.stderr
    assert "aucune permanence" not in result.stderr  # 30 November is a Monday: planned
    data = json.loads(run("report", "--format", "json").output)
    assert data["period"]["label"] == "2026-11"
    assert (data["dropins"]["sessions"], data["dropins"]["seen"],
            data["dropins"]["refused"]) == (2, 10, 3)
    assert data["dropins"]["refusal_rate"] == round(3 / 13, 4)


def test_dropins_lists_the_month(run):
    run("dropin", "--site", "centre", "--date", "2026-12-07", "--seen", "4", "--refused", "1")
    table = run("dropins")
    assert table.exit_code == 0 and "2026-12-07" in table.output
    assert "taux de refus 20 %" in table.output
    listed = json.loads(run("dropins", "--month", "2026-12", "--format", "json").output)
    assert (listed["sessions"], listed["seen"], listed["refused"]) == (1, 4, 1)
    assert json.loads(run("dropins", "--month", "2026-11", "--format", "json").output)[
        "tallies"] == []


@pytest.mark.parametrize("args, message", [
    (["--seen", "-1", "--refused", "0"], "négatif"),
    (["--seen", "2.5", "--refused", "0"], "nombre entier"),
    (["--seen", "dix", "--refused", "0"], "nombre entier"),
    (["--seen", "3", "--refused", "501"], "improbable"),
    (["--seen", "3", "--refused", "1", "--date", "2026-12-25"], "pas encore eu lieu"),
    (["--seen", "3", "--refused", "1", "--date", "2026-12-08"], "pas encore eu lieu"),
    (["--seen", "3", "--refused", "1", "--date", "25/12/2026"], "date invalide"),
    (["--seen", "3", "--refused", "1", "--by", "camile"], "camille"),
])
def test_dropin_bad_input_exits_2_and_records_nothing(run, folder, args, message):
    result = run("dropin", "--site", "centre", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert not (folder / "records" / "dropins").exists() or not any(
        (folder / "records" / "dropins").iterdir())


def test_dropin_unknown_site_suggests(run):
    result = run("dropin", "--site", "centr", "--seen", "3", "--refused", "1")
    assert result.exit_code == 2
    assert "lieu inconnu" in result.stderr and "centre" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--month", "2026-13"], "mois invalide"),
    (["--from", "2026-11-30", "--to", "2026-11-01"], "est après"),
    (["--to", "2026-11-01"], "--to sans --from"),
    (["--from", "2026-02-30"], "date invalide"),
    (["--month", "2026-11", "--year", "2026"], "incompatibles"),
    (["--format", "pdf"], "pdf"),
    (["--csv-dialect", "libreoffice"], "libreoffice"),
    (["--detail", "--format", "json"], "--detail"),
])
def test_report_bad_input_exits_2(run, args, message):
    result = run("report", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output


def test_corrupt_record_exits_1_with_position_and_writes_nothing(run, folder, tmp_path):
    run("dropin", "--site", "centre", "--date", "2026-11-30", "--seen", "9", "--refused", "3")
    calls = folder / "records" / "calls" / "2026-11.yaml"
    calls.parent.mkdir(parents=True, exist_ok=True)
    calls.write_text("---\nid: C-000001\nevent: call\nat: 2026-11-03T10:00:00+01:00\nby: camille\n"
                     "outcome: maybe\nin_shift: true\n...\n")
    out = tmp_path / "rapport.html"
    result = run("report", "--format", "html", "--out", str(out))
    assert result.exit_code == 1
    assert "records/calls/2026-11.yaml:6" in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".rapport*"))


def test_empty_period_is_a_report_of_zeros(run):
    result = run("report", "--month", "2019-01")
    assert result.exit_code == 0, result.output
    assert re.search(r"^Appels +0$", result.output, re.MULTILINE)
    data = json.loads(run("report", "--month", "2019-01", "--format", "json").output)
    assert data["phone"]["calls"] == 0 and data["dropins"]["refusal_rate"] is None


def test_out_writes_every_format(run, tmp_path):
    run("dropin", "--site", "centre", "--date", "2026-11-30", "--seen", "9", "--refused", "3")
    for fmt in ("table", "markdown", "csv", "json", "html"):
        out = tmp_path / f"rapport.{fmt}"
        result = run("report", "--format", fmt, "--out", str(out))
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 200
    french = tmp_path / "fr.csv"
    run("report", "--format", "csv", "--csv-dialect", "excel-fr", "--out", str(french))
    raw = french.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Permanences sans rendez-vous;Taux de refus;;25,00 %" in raw.decode("utf-8-sig")


def test_year_and_range(run):
    run("dropin", "--site", "centre", "--date", "2026-11-30", "--seen", "9", "--refused", "3")
    year = json.loads(run("report", "--year", "2026", "--format", "json").output)
    assert year["period"]["label"] == "2026" and year["dropins"]["seen"] == 9
    span = json.loads(run("report", "--from", "2026-11-01", "--to", "2026-11-29",
                          "--format", "json").output)
    assert span["dropins"]["seen"] == 0


def test_detail_csv(run):
    result = run("report", "--detail")
    assert result.exit_code == 0
    assert result.output.startswith("type,id,date,time,mediator")


def test_a_call_booked_then_attended_counts_end_to_end(run, monkeypatch):
    call = json.loads(run("call", "--procedure", "caf-prime-activite", "--outcome",
                          "appointment", "--mediator", "camille", "--duration", "8",
                          "--format", "json").output)
    booked = run("book", "--mediator", "camille", "--kind", "demarche", "--procedure",
                 "caf-prime-activite", "--at", "2026-12-08T14:00", "--person", "Nadia (fictif)",
                 "--from-call", call["call"]["id"], "--format", "json")
    assert booked.exit_code == 0, booked.output
    appointment = json.loads(booked.output)["id"]
    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-08T16:00:00+01:00")
    assert run("attended", appointment).exit_code == 0
    data = json.loads(run("report", "--month", "2026-12", "--format", "json").output)
    assert (data["phone"]["calls"], data["phone"]["became_appointments"],
            data["phone"]["appointments_attended"]) == (1, 1, 1)
    situations = {c["key"]: c["value"] for c in data["appointments"]["situations"]}
    assert data["appointments"]["booked"] == 1 and situations["attended"] == 1
    used = [h["used"] for h in data["appointments"]["half_days"] if h["week"] == "2026-S50"]
    assert used == [1]


# ---- report --experiment, xlsx, --out, export coop ----------------------------------

import datetime as dt  # noqa: E402
import math  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from mediatool.cli import cli  # noqa: E402

Z = 1.959963984540054
FIXTURE = Path(__file__).parent / "data" / "coop_accompagnements_header.json"


def _wilson(k, n):
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return p, centre - half, centre + half


@pytest.fixture
def demo(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-07T10:00:00+01:00")
    target = tmp_path / "demo"
    assert CliRunner().invoke(cli, ["init", "--demo", str(target)]).exit_code == 0
    return target


def _tallies(root):
    out = []
    for path in sorted((root / "records" / "dropins").glob("*.yaml")):
        out += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return out


def test_experiment_on_the_demo_recomputed_by_hand(run, demo):
    team = yaml.safe_load((demo / "catalogue" / "team.yaml").read_text())
    start = team["experiment"]["start"]
    assert start == dt.date(2026, 9, 1)
    tallies = _tallies(demo)
    before = [t for t in tallies if dt.date.fromisoformat(str(t["date"])) < start]
    since = [t for t in tallies if dt.date.fromisoformat(str(t["date"])) >= start]
    result = run("report", "--experiment", "--format", "json", data=demo)
    assert result.exit_code == 0, result.output
    exp = json.loads(result.output)["experiment"]
    rates = {}
    for key, items in (("before", before), ("since", since)):
        seen = sum(t["seen"] for t in items)
        refused = sum(t["refused"] for t in items)
        side = exp[key]
        assert (side["sessions"], side["seen"], side["refused"]) == (len(items), seen, refused)
        p, low, high = _wilson(refused, seen + refused)
        rates[key] = (p, low, high)
        assert side["refusal_rate"]["value"] == pytest.approx(p)
        assert side["refusal_rate"]["low"] == pytest.approx(low)
        assert side["refusal_rate"]["high"] == pytest.approx(high)
        assert side["seen_per_session"]["value"] == pytest.approx(seen / len(items))
        assert side["refused_per_session"]["value"] == pytest.approx(refused / len(items))
        assert side["months_with_tallies"] == len({str(t["date"])[:7] for t in items})
    (p1, l1, u1), (p2, l2, u2) = rates["since"], rates["before"]
    diff = exp["difference"]
    assert diff["value"] == pytest.approx(p1 - p2)
    assert diff["low"] == pytest.approx(p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2))
    assert diff["high"] == pytest.approx(p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))
    assert diff["high"] < 0 and exp["verdict"].startswith("Baisse significative")
    assert "4 mois de recul" in exp["verdict"] and "Newcombe" in exp["method"]
    assert exp["seasonality_warning"].startswith("Attention, saisonnalité")
    phone = exp["phone"]
    assert phone["calls"] > 0 and 0 <= phone["handled_by_phone"] <= phone["calls"]
    table = run("report", "--experiment", data=demo).output
    assert "Verdict : Baisse significative" in table and "juin 2026" in table
    html = demo / "e.html"
    assert run("report", "--experiment", "--out", str(html), data=demo).exit_code == 0
    page = html.read_text()
    assert "Verdict" in page and "Taux de refus" in page and "ouverture" in page


def _with_experiment(folder, start):
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text() + f"experiment:\n  start: {start}\n")


def test_experiment_bad_starts_and_too_little_data(run, folder):
    assert run("report", "--experiment").exit_code == 2  # none in team.yaml
    run("dropin", "--site", "centre", "--date", "2026-10-05", "--seen", "9", "--refused", "3")
    run("dropin", "--site", "centre", "--date", "2026-11-30", "--seen", "9", "--refused", "1")
    _with_experiment(folder, "2027-01-04")
    future = run("report", "--experiment")
    assert future.exit_code == 2 and "à venir" in future.stderr
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text().replace("2027-01-04", "2026-09-01"))
    early = run("report", "--experiment")
    assert early.exit_code == 2 and "avant le premier enregistrement" in early.stderr
    team.write_text(team.read_text().replace("2026-09-01", "2026-11-01"))
    data = json.loads(run("report", "--experiment", "--format", "json").output)["experiment"]
    assert data["verdict"].startswith("Trop peu de données")
    # October has a tally; no month without one before; since: November and December
    assert data["before"]["months_without_tally"] == []
    assert data["since"]["months_without_tally"] == ["2026-12"]
    assert data["since"]["refused"] == 1


def test_xlsx_types_and_french_headers(run, demo, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "r.xlsx"
    result = run("report", "--month", "2026-11", "--detail", "--out", str(out), data=demo)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert {"Ligne téléphonique", "Permanences", "Définitions", "Détail"} <= set(
        book.sheetnames)
    drops = book["Permanences"]
    assert [c.value for c in drops[1]] == ["Indicateur", "Précision", "Valeur"]
    assert drops.freeze_panes == "A2"
    values = {r[0].value: r[2] for r in drops.iter_rows(min_row=2)}
    assert isinstance(values["Personnes reçues"].value, int)
    assert isinstance(values["Taux de refus"].value, float)
    assert "%" in values["Taux de refus"].number_format
    monthly = book["Permanences par mois"]
    assert isinstance(monthly["A2"].value, dt.datetime)  # a date, shown as a month
    detail = book["Détail"]
    assert detail["A1"].value == "Type" and detail["C1"].value == "Date"
    assert isinstance(detail["C2"].value, dt.datetime)
    assert detail.column_dimensions["A"].width > 0
    experiment = tmp_path / "e.xlsx"
    assert run("report", "--experiment", "--out", str(experiment), data=demo).exit_code == 0
    summary = openpyxl.load_workbook(experiment)["Synthèse"]
    assert summary["B4"].value.startswith("Baisse significative")


def test_xlsx_text_cells_are_never_formulas(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from mediatool.formats import xlsx

    hostile = ["=HYPERLINK(\"http://x\",\"clic\")", "+1+2", "-3", "@SUM(A1)"]
    path = tmp_path / "h.xlsx"
    path.write_bytes(xlsx.workbook([xlsx.Sheet("Notes", ("Note",), [(t,) for t in hostile])]))
    sheet = openpyxl.load_workbook(path)["Notes"]
    cells = [sheet.cell(row=i + 2, column=1) for i in range(len(hostile))]
    assert [c.value for c in cells] == hostile
    assert all(c.data_type == "s" for c in cells)


def test_out_infers_the_format_and_refuses_mismatches(run, tmp_path):
    html = tmp_path / "r.html"
    assert run("report", "--out", str(html)).exit_code == 0
    assert html.read_text().startswith("<!DOCTYPE html>")
    md = tmp_path / "r.md"
    run("report", "--out", str(md))
    assert md.read_text().startswith("# ")
    mismatch = run("report", "--format", "csv", "--out", str(tmp_path / "x.html"))
    assert mismatch.exit_code == 2 and not (tmp_path / "x.html").exists()
    missing = run("report", "--out", str(tmp_path / "absent" / "r.html"))
    assert missing.exit_code == 2 and "n'existe pas" in missing.stderr
    assert not (tmp_path / "absent").exists()
    assert run("report", "--format", "xlsx").exit_code == 2  # a workbook needs --out
    assert run("report", "--keys").exit_code == 2


def test_export_coop_header_equals_the_coops_own(run, demo, tmp_path):
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert fixture["source"]["commit"] and fixture["source"]["path"].endswith(
        "buildAccompagnementsWorksheet.ts")
    out = tmp_path / "coop.csv"
    result = run("export", "coop", "--month", "2026-11", "--out", str(out), data=demo)
    assert result.exit_code == 0, result.output
    import csv as csvlib
    rows = list(csvlib.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0] == fixture["header"]
    column = {name: i for i, name in enumerate(rows[0])}
    channels = {r[column["Canaux d’accompagnement"]] for r in rows[1:]}
    assert channels == {"À distance", "Lieu d’activité"}
    for row in rows[1:]:
        assert row[column["Type"]] == "Accompagnement individuel"
        assert row[column["Bénéficiaire"]] == ""
        assert not re.search(r"[A-Z]\. \(fictif\)|06 39 98", ";".join(row))  # no person
        if row[column["Canaux d’accompagnement"]] == "À distance":
            assert row[column["Matériel numérique utilisé"]] == "Téléphone"
        if row[column["Bénéficiaire réorienté"]] == "Oui":
            assert row[column["Structure de redirection"]]
    xlsx_out = tmp_path / "coop.xlsx"
    assert run("export", "coop", "--month", "2026-11", "--out", str(xlsx_out),
               data=demo).exit_code == 0
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(xlsx_out)["Activités"]
    assert [c.value for c in sheet[1]] == fixture["header"]
    assert isinstance(sheet["A2"].value, dt.datetime)
    bad = run("export", "coop", "--month", "2026-11", "--out", str(tmp_path / "c.html"),
              data=demo)
    assert bad.exit_code == 2


def test_attended_autonomy_reaches_the_coop_export(run, demo, tmp_path):
    events: dict[str, list[dict]] = {}
    for path in sorted((demo / "records" / "appointments").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                events.setdefault(doc["id"], []).append(doc)
    now = dt.datetime.fromisoformat("2026-12-07T10:00:00+01:00")
    to_fill = [i for i, docs in events.items() if len(docs) == 1
               and dt.datetime.fromisoformat(str(docs[0]["start"])) < now - dt.timedelta(hours=2)]
    assert to_fill, "the demo leaves some past appointments to fill in"
    appointment = to_fill[0]
    month = str(events[appointment][0]["start"])[:7]
    assert run("attended", appointment, "--autonomy", "4", data=demo).exit_code == 2
    assert run("attended", appointment, "--autonomy", "2", data=demo).exit_code == 0
    out = tmp_path / "c.csv"
    assert run("export", "coop", "--month", month, "--out", str(out), data=demo).exit_code == 0
    import csv as csvlib
    rows = list(csvlib.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    row = next(r for r in rows if r[-1] == appointment)
    assert row[rows[0].index("Niveau d’autonomie (ou de l’atelier)")] == "2/3"


def _with_experiment(folder, start):
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8")
                    + f"experiment: {{start: {start}, services: [phone_line, appointments]}}\n",
                    encoding="utf-8")


def test_the_monthly_html_carries_the_experiment_when_team_yaml_sets_it(run, folder, tmp_path):
    for day, seen, refused in (("2026-08-03", 5, 6), ("2026-08-10", 6, 5), ("2026-09-07", 8, 2),
                               ("2026-11-30", 9, 1)):
        assert run("dropin", "--site", "centre", "--date", day, "--seen", str(seen),
                   "--refused", str(refused)).exit_code == 0
    plain = run("report", "--out", str(tmp_path / "sans.html"))
    assert plain.exit_code == 0, plain.stderr
    assert "Expérimentation" not in (tmp_path / "sans.html").read_text(encoding="utf-8")
    _with_experiment(folder, "2026-09-01")
    assert run("report", "--out", str(tmp_path / "avec.html")).exit_code == 0
    page = (tmp_path / "avec.html").read_text(encoding="utf-8")
    alone = run("report", "--experiment", "--format", "json")
    verdict = json.loads(alone.output)["experiment"]["verdict"]
    assert "Expérimentation : avant / depuis" in page
    assert verdict in page.replace("&#x27;", "'").replace("&#39;", "'")  # the same verdict
    assert page.index("Expérimentation") < page.index("Définitions")


def test_an_experiment_not_measurable_yet_is_said_in_the_monthly_html(run, folder, tmp_path):
    run("dropin", "--site", "centre", "--date", "2026-11-30", "--seen", "9", "--refused", "1")
    _with_experiment(folder, "2027-03-01")
    result = run("report", "--out", str(tmp_path / "r.html"))
    assert result.exit_code == 0, result.stderr  # the month's figures are still due
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "commence le 01/03/2027, une date à venir" in page
    refused = run("report", "--experiment")
    assert refused.exit_code == 2 and "une date à venir" in refused.stderr

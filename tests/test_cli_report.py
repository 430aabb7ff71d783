"""`mediatool report`, `dropin`, `dropins` as a user runs them."""

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

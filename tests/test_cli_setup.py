"""init, check, demo, catalogue commands as a user runs them."""

import json
import os
import stat
import subprocess
import sys

from click.testing import CliRunner

from mediatool.cli import cli


def test_version_and_help():
    runner = CliRunner()
    assert runner.invoke(cli, ["--version"]).output.startswith("mediatool ")
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0 and "mediatool demo" in result.output


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for name, command in cli.commands.items():
        commands = getattr(command, "commands", {name: command})
        for sub in commands.values():
            assert sub.help, name
            if not getattr(sub, "commands", None):
                assert "Exemple" in sub.help, f"{name} {sub.name}"
        assert runner.invoke(cli, [name, "--help"]).exit_code == 0


def test_no_data_folder_points_to_init(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MEDIATOOL_DATA", raising=False)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2
    assert "mediatool init" in result.stderr


def test_data_folder_found_from_a_subfolder(folder, monkeypatch):
    monkeypatch.delenv("MEDIATOOL_DATA", raising=False)
    sub = folder / "records" / "calls"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert CliRunner().invoke(cli, ["catalogue", "show", "ants-carte-grise"]).exit_code == 0


def test_init_then_check_is_clean(tmp_path):
    target = tmp_path / "equipe"
    runner = CliRunner()
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    attributes = (target / ".gitattributes").read_text().splitlines()
    assert "records/**/*.yaml merge=mediatool" in attributes
    assert "records/audit.log merge=union" in attributes
    assert stat.S_IMODE(os.stat(target / "records").st_mode) == 0o700
    result = runner.invoke(cli, ["--data", str(target), "check"])
    assert result.exit_code == 0, result.output
    assert "0 erreur(s)" in result.output
    again = runner.invoke(cli, ["init", str(target)])
    assert again.exit_code == 2 and "déjà" in again.stderr


def test_init_demo_has_activity_and_checks_clean(tmp_path):
    target = tmp_path / "demo"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--demo", str(target)]).exit_code == 0
    result = runner.invoke(cli, ["--data", str(target), "check", "--format", "json"])
    report = json.loads(result.output)
    assert result.exit_code == 0, [p["text"] for p in report["problems"] if p["severity"] == "error"]
    assert report["records"] > 100


def test_broken_yaml_exits_1_with_position(run, folder):
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text() + "oops: [\n")
    result = run("catalogue", "show", "ants-carte-grise")
    assert result.exit_code == 1
    assert "catalogue/team.yaml:" in result.stderr
    assert "Traceback" not in result.output


def test_python_tag_is_refused(run, folder):
    path = folder / "catalogue" / "skills.yaml"
    path.write_text("skills: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    result = run("check")
    assert result.exit_code == 1
    assert "catalogue/skills.yaml:1" in result.output


def test_check_reports_records_problems_and_repairs(run, folder):
    calls = folder / "records" / "calls"
    calls.mkdir(parents=True)
    (calls / "2026-11.yaml").write_text(
        "---\nid: C-000001\nevent: call\nat: '2026-11-03T10:00:00+01:00'\nby: camille\n"
        "outcome: dropin\nin_shift: true\n...\n---\nid: C-00")
    result = run("check")
    assert result.exit_code == 1
    assert "records/calls/2026-11.yaml:9" in result.output
    repaired = run("check", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "mis de côté" in repaired.output or "mise de côté" in repaired.output
    assert list(calls.glob("2026-11.yaml.broken-*"))


def test_catalogue_show_unknown_suggests(run):
    result = run("catalogue", "show", "carte-grise")
    assert result.exit_code == 2
    assert "ants-carte-grise" in result.stderr


def test_catalogue_search_and_json(run):
    result = run("catalogue", "search", "prime activiter", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)[0]["id"] == "caf-prime-activite"


def test_catalogue_schema_is_json(run):
    result = run("catalogue", "schema", "team.yaml")
    schema = json.loads(result.output)
    assert schema["properties"]["halfday_boundary"]["pattern"]


def test_usage_errors_are_french_and_exit_2(run):
    result = run("catalogue", "search", "x", "--limit", "abc")
    assert result.exit_code == 2
    assert "n'est pas un nombre entier" in result.stderr


def test_demo_runs_end_to_end(tmp_path):
    env = {**os.environ, "MEDIATOOL_NOW": "2026-12-07T10:00:00+01:00"}
    env.pop("MEDIATOOL_DATA", None)
    done = subprocess.run([sys.executable, "-m", "mediatool", "demo", "--dir",
                           str(tmp_path / "demo")], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Où est tout" in done.stdout
    assert "Traceback" not in done.stderr
    assert "statistiques de novembre 2026" in done.stdout
    assert (tmp_path / "demo" / "rapport.html").read_text().startswith("<!DOCTYPE html>")


def test_check_quiet_shows_errors_and_summary_only(tmp_path):
    target = tmp_path / "equipe"
    runner = CliRunner()
    runner.invoke(cli, ["init", str(target)])
    loud = runner.invoke(cli, ["--data", str(target), "check"])
    quiet = runner.invoke(cli, ["--data", str(target), "check", "--quiet"])
    assert "avertissement :" in loud.output
    assert "avertissement :" not in quiet.output
    assert quiet.output.strip().splitlines()[-1] == loud.output.strip().splitlines()[-1]


def test_no_command_shows_the_help():
    for args in ([], ["catalogue"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0
        assert "Utilisation : " in result.output and "Erreur" not in result.output
        # click's own headings are in French too
        assert "Usage:" not in result.output and "Commands:" not in result.output
        assert "Commandes:" in result.output


def test_misspelt_block_key_is_reported_at_the_key(run, folder):
    team = folder / "catalogue" / "team.yaml"
    text = team.read_text().replace(
        "    site: centre\n    hours:",
        "    site: centre\n    absence:\n      - {start: 2026-12-01, end: 2026-12-02}\n    hours:")
    team.write_text(text)
    line = text.splitlines().index("    absence:") + 1
    result = run("check")
    assert result.exit_code == 1
    assert f"catalogue/team.yaml:{line}:5: champ inconnu « absence »" in result.output
    assert "vouliez-vous « absences »" in result.output


def test_yaml_syntax_error_in_team_is_one_french_line_with_the_fix(run, folder):
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text().replace("service: Service de test",
                                             "service: Ville de Rennes: médiation"))
    result = run("check")
    assert result.exit_code == 1
    assert 'catalogue/team.yaml:1:25: « : » en trop dans une valeur' in result.output
    assert 'service: "Ville de Rennes: médiation"' in result.output
    assert "mapping values" not in result.output and "Traceback" not in result.output


def _every_help_screen():
    import click

    runner = CliRunner()
    pending = [((), cli)]
    while pending:
        path, command = pending.pop()
        yield path, runner.invoke(cli, [*path, "--help"]).output
        for name, sub in getattr(command, "commands", {}).items():
            pending.append(((*path, name), sub))
        assert isinstance(command, click.Command)


def test_no_help_screen_shows_click_s_english():
    import re

    english = re.compile(r"\[default|\brequired\b|\b(INTEGER|FLOAT|TEXT|DIRECTORY|FILENAME|"
                         r"PATH|BOOLEAN)\b|x<=|x>=|<=x")
    screens = dict(_every_help_screen())
    assert len(screens) > 40
    for path, text in screens.items():
        assert not english.search(text), (path, english.search(text))
    slots = screens[("slots",)]
    assert "--days ENTIER" in slots and "[par défaut : 14 ; de 1" in slots
    assert "[obligatoire]" in "".join(screens.values())
    assert "TEXTE..." in screens[("catalogue", "search")]


def test_an_option_out_of_its_bounds_says_them_in_french(run):
    result = run("slots", "--days", "400")
    assert result.exit_code == 2
    assert "hors des bornes de 1 à 366" in result.stderr


def test_a_missing_argument_is_named_in_french(run):
    result = run("catalogue", "search")
    assert result.exit_code == 2
    assert "argument manquant 'TEXTE...'" in result.stderr and "TEXT." not in result.stderr
    assert "argument manquant 'ID'" in run("catalogue", "show").stderr


def test_the_command_table_names_each_command_s_own_module():
    import importlib

    from mediatool.cli import COMMAND_MODULES

    defined = {}
    for module in {m for modules in COMMAND_MODULES.values() for m in modules}:
        for command in importlib.import_module(f"mediatool.cli.{module}").COMMANDS:
            defined[command.name] = module
    assert set(defined) == set(COMMAND_MODULES) == set(cli.commands)
    assert all(defined[name] == modules[0] for name, modules in COMMAND_MODULES.items())
    assert {"import-places", "check"} <= set(cli.commands["catalogue"].commands)  # type: ignore[attr-defined]

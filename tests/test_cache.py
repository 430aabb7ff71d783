"""The cache in .mediatool/cache/: never believed when wrong, never torn, never required."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import calls_of

from mediatool.core import days
from mediatool.store import records_cache

CACHE = Path(".mediatool") / "cache"


@pytest.fixture(autouse=True)
def _fresh_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDIATOOL_NO_CACHE", raising=False)
    monkeypatch.setattr(records_cache, "_disabled", set())
    monkeypatch.setattr(records_cache, "_notices", [])
    monkeypatch.setattr(days, "_known", {})
    days._holidays.cache_clear()


def test_written_data_reads_back_and_the_folder_is_private(tmp_path: Path) -> None:
    assert records_cache.write(tmp_path, "x.json", "test", {"a": [1, "é"]})
    assert records_cache.read(tmp_path, "x.json", "test") == {"a": [1, "é"]}
    assert (tmp_path / CACHE).stat().st_mode & 0o777 == 0o700
    assert (tmp_path / CACHE / "x.json").stat().st_mode & 0o777 == 0o600
    assert records_cache.read(tmp_path, "x.json", "other-kind") is None
    # Never committed, even in a folder whose .gitignore predates the cache.
    assert (tmp_path / ".mediatool" / ".gitignore").read_text() == "*\n"


@pytest.mark.parametrize("damage", ["truncated", "corrupt", "other version", "bad checksum",
                                    "not json", "empty"])
def test_a_damaged_cache_file_is_ignored(tmp_path: Path, damage: str) -> None:
    records_cache.write(tmp_path, "x.json", "test", {"a": 1})
    path = tmp_path / CACHE / "x.json"
    text = path.read_text()
    wrapper = json.loads(text)
    if damage == "truncated":
        path.write_text(text[: len(text) // 2])
    elif damage == "corrupt":
        path.write_text(text.replace('"a":1', '"a":2'))
    elif damage == "other version":
        wrapper["version"] = records_cache.VERSION + 1
        path.write_text(json.dumps(wrapper))
    elif damage == "bad checksum":
        wrapper["checksum"] = "0" * 40
        path.write_text(json.dumps(wrapper))
    elif damage == "not json":
        path.write_bytes(b"\x80\x04\x95pickle")
    else:
        path.write_text("")
    assert records_cache.read(tmp_path, "x.json", "test") is None
    # …and the next write replaces it.
    assert records_cache.write(tmp_path, "x.json", "test", {"a": 3})
    assert records_cache.read(tmp_path, "x.json", "test") == {"a": 3}


def test_a_cache_file_of_another_user_is_not_believed(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    records_cache.write(tmp_path, "x.json", "test", {"a": 1})
    someone_else = os.getuid() + 1
    monkeypatch.setattr(records_cache.os, "getuid", lambda: someone_else)
    assert records_cache.read(tmp_path, "x.json", "test") is None


def test_a_cache_file_others_may_write_is_not_believed(tmp_path: Path) -> None:
    records_cache.write(tmp_path, "x.json", "test", {"a": 1})
    (tmp_path / CACHE / "x.json").chmod(0o666)
    assert records_cache.read(tmp_path, "x.json", "test") is None


def test_a_read_only_folder_works_without_the_cache_and_says_so_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_mkdir = Path.mkdir

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        if ".mediatool" in self.parts:
            raise PermissionError(13, "Permission denied")
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", refuse)
    assert not records_cache.write(tmp_path, "x.json", "test", {"a": 1})
    assert not records_cache.write(tmp_path, "y.json", "test", {"a": 1})
    said = records_cache.notices()
    assert len(said) == 1 and "cache non enregistré" in said[0]
    assert records_cache.notices() == []


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    records_cache.write(tmp_path, "x.json", "test", {"a": 1})
    records_cache.disable(tmp_path)
    assert records_cache.read(tmp_path, "x.json", "test") is None
    assert not records_cache.write(tmp_path, "y.json", "test", {"a": 1})
    assert not (tmp_path / CACHE / "y.json").exists()


FILLER = """
import sys
from pathlib import Path
from mediatool.store import records_cache
root, which = Path(sys.argv[1]), int(sys.argv[2])
data = {"writer": which, "rows": [which] * 20000}
for _ in range(15):
    assert records_cache.write(root, "shared.json", "test", data)
    found = records_cache.read(root, "shared.json", "test")
    assert found is not None and len(found["rows"]) == 20000, "torn cache"
"""


def test_commands_filling_the_cache_at_once_never_tear_it(tmp_path: Path) -> None:
    writers = [subprocess.Popen([sys.executable, "-c", FILLER, str(tmp_path), str(n)],
                                stderr=subprocess.PIPE, text=True) for n in range(4)]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    found = records_cache.read(tmp_path, "shared.json", "test")
    assert found is not None and found["rows"] == [found["writer"]] * 20000
    assert not [p for p in (tmp_path / CACHE).iterdir() if p.name.endswith(".tmp")]


# -- holidays ---------------------------------------------------------------------------------

def test_cached_holidays_are_the_library_s(run: Callable[..., Result], folder: Path) -> None:
    assert run("slots").exit_code == 0
    cached = json.loads((folder / CACHE / "holidays.json").read_text())["data"]["years"]
    assert set(cached) == {"FR||2025", "FR||2026", "FR||2027"}
    import holidays

    expected = holidays.country_holidays("FR", years=[2026], language="fr")
    assert cached["FR||2026"] == {d.isoformat(): n for d, n in expected.items()}
    assert cached["FR||2026"]["2026-12-25"] == "Noël"


def test_a_tampered_holidays_cache_gives_no_wrong_answer(run: Callable[..., Result],
                                                         folder: Path) -> None:
    run("slots")
    path = folder / CACHE / "holidays.json"
    wrapper = json.loads(path.read_text())
    del wrapper["data"]["years"]["FR||2026"]["2026-11-11"]  # checksum no longer matches
    path.write_text(json.dumps(wrapper))
    days._holidays.cache_clear()
    days._known.clear()
    run("slots")
    assert days.holidays_of_year("FR", None, 2026)[dt.date(2026, 11, 11)] == "Armistice"
    fixed = json.loads(path.read_text())["data"]["years"]["FR||2026"]
    assert fixed["2026-11-11"] == "Armistice"


# -- check --------------------------------------------------------------------------------

def test_check_no_cache_neither_reads_nor_writes_it(run: Callable[..., Result],
                                                    folder: Path) -> None:
    result = run("check", "--no-cache")
    assert result.exit_code == 0, result.output
    assert not (folder / ".mediatool").exists()
    assert run("check").exit_code == 0
    assert (folder / CACHE / "holidays.json").is_file()


def test_check_on_a_read_only_folder_works_and_says_so_once(
        run: Callable[..., Result], folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_mkdir = Path.mkdir

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        if ".mediatool" in self.parts:
            raise PermissionError(13, "Permission denied")
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", refuse)
    result = run("check")
    assert result.exit_code == 0, result.output
    assert result.output.count("cache non enregistré") == 1
    assert "OK : 0 enregistrement(s) lus" in result.output


def test_init_keeps_the_cache_out_of_git(run: Callable[..., Result], tmp_path: Path) -> None:
    assert run("init", str(tmp_path / "new")).exit_code == 0
    assert ".mediatool/" in (tmp_path / "new" / ".gitignore").read_text().splitlines()


# -- the catalogue's last good copy (store/cache.py) ------------------------------------------

BROKEN_TEAM = ('{site: centre, day: lundi, start: "14:00", end: "17:00"}',
               '{site: centre, day: lundi, start: 14:00, end: "17:00"}')


def _break_team(folder: Path) -> None:
    team = folder / "catalogue" / "team.yaml"
    text = team.read_text(encoding="utf-8")
    assert BROKEN_TEAM[0] in text
    team.write_text(text.replace(*BROKEN_TEAM), encoding="utf-8")


def test_a_bad_edit_leaves_the_phone_line_on_the_last_good_catalogue(
        run: Callable[..., Result], folder: Path) -> None:
    assert run("slots").exit_code == 0  # today's files load: they are kept
    assert (folder / CACHE / "catalogue-last-good.json").exists()
    _break_team(folder)
    warned = "Attention : erreur dans catalogue/team.yaml:11"
    for args in (["slots"], ["agenda", "--mediator", "camille"],
                 ["call", "--procedure", "ants-carte-grise", "--outcome", "dropin",
                  "--mediator", "camille", "--duration", "4"],
                 ["book", "--mediator", "camille", "--procedure", "ants-carte-grise",
                  "--first-free", "--person", "Léa B."]):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert result.output.count(warned) == 1, (args, result.output)
        assert "(fichier modifié le " in result.output
        assert "La ligne téléphonique utilise le dernier catalogue valide (du " in result.output
        assert "« mediatool catalogue check »" in result.output
    # the call and the appointment were recorded on the last good catalogue
    assert list((folder / "records").rglob("*.yaml"))
    # `check` and `catalogue check` still fail on today's files
    for args in (["check"], ["catalogue", "check"]):
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "dernier catalogue valide" not in result.output
    # a command outside the phone line refuses, as before
    refused = run("report")
    assert refused.exit_code == 1 and "le catalogue contient des erreurs" in refused.output


def test_the_copy_kept_is_the_last_that_loaded(run: Callable[..., Result],
                                               folder: Path) -> None:
    from mediatool.store import cache
    from mediatool.store.catalogue import read_catalogue_files

    assert run("slots").exit_code == 0
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace("Service de test", "Service B"),
                    encoding="utf-8")
    assert run("slots").exit_code == 0  # a good edit replaces the copy
    kept = cache.last_good(folder)
    assert kept is not None and kept.files == read_catalogue_files(folder)
    assert b"Service B" in (kept.files["team.yaml"] or b"")
    key_file = folder / CACHE / "catalogue-last-good-key.json"
    before = key_file.stat().st_mtime_ns
    assert run("slots").exit_code == 0  # unchanged files: nothing rewritten
    assert key_file.stat().st_mtime_ns == before


def test_no_good_catalogue_ever_is_the_error_as_before(run: Callable[..., Result],
                                                       folder: Path) -> None:
    _break_team(folder)
    result = run("slots")
    assert result.exit_code == 1
    assert "le catalogue contient des erreurs" in result.output
    assert "team.yaml:11" in result.output and "dernier catalogue" not in result.output


@pytest.mark.parametrize("damage", ["tampered", "truncated"])
def test_a_damaged_copy_is_not_believed(run: Callable[..., Result], folder: Path,
                                        damage: str) -> None:
    assert run("slots").exit_code == 0
    copy = folder / CACHE / "catalogue-last-good.json"
    text = copy.read_text(encoding="utf-8")
    if damage == "tampered":  # checksum recomputed, but the key no longer matches the files
        wrapper = json.loads(text)
        wrapper["data"]["files"]["team.yaml"] += "\n# autre\n"
        wrapper["checksum"] = records_cache.digest(records_cache._canonical(wrapper["data"]))
        copy.write_text(json.dumps(wrapper), encoding="utf-8")
    else:
        copy.write_text(text[: len(text) // 2], encoding="utf-8")
    _break_team(folder)
    result = run("slots")
    assert result.exit_code == 1 and "le catalogue contient des erreurs" in result.output


def test_the_warning_names_every_error_count_and_dates() -> None:
    from mediatool.core.errors import Problem
    from mediatool.services.workspace import last_good_warning
    from mediatool.store.folder import CatalogueFallback

    problems = (Problem("catalogue/team.yaml", 4, "heure écrite sans guillemets"),
                Problem("catalogue/procedures.yaml", 9, "thème inconnu"))
    text = last_good_warning(CatalogueFallback(
        problems, dt.datetime(2026, 11, 30, 13, 5, tzinfo=dt.UTC),
        {"catalogue/team.yaml": dt.datetime(2026, 12, 7, 8, 12, tzinfo=dt.UTC)},
        "Europe/Paris"))
    assert text.startswith("Attention : erreur dans catalogue/team.yaml:4 (fichier modifié "
                           "le lundi 7 décembre 2026, 9 h 12) : heure écrite sans guillemets "
                           "(+ 1 autre).")
    assert "dernier catalogue valide (du lundi 30 novembre 2026, 14 h 05)" in text
    assert "\n" not in text


# ---- the saved parse of a catalogue that built ------------------------------------------

def _parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the catalogue files parsed with positions from now on."""
    from mediatool.store import catalogue as catalogue_store

    return calls_of(monkeypatch, catalogue_store, "parse")


def test_the_saved_parse_gives_the_same_catalogue_and_problems(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mediatool.store import cache
    from mediatool.store.catalogue import load_catalogue, read_catalogue_files

    files = read_catalogue_files(folder)
    today = dt.date(2026, 12, 1)
    fresh = load_catalogue(files, today)  # no folder: nothing saved
    assert not (folder / CACHE / cache.PARSED).exists()
    assert load_catalogue(files, today, folder) == fresh
    assert (folder / CACHE / cache.PARSED).exists()
    parsed = _parsed(monkeypatch)
    again = load_catalogue(files, today, folder)
    assert parsed == []  # built from the saved values
    assert again == fresh and again[0] is not None
    # Warnings keep the positions found when the files were parsed.
    assert fresh[1] and all(p.line is not None for p in again[1])


@pytest.mark.parametrize("change", ["content", "day", "code"])
def test_the_saved_parse_is_used_only_for_the_same_files_day_and_code(
        folder: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    from mediatool.store import cache
    from mediatool.store.catalogue import load_catalogue, read_catalogue_files

    files = read_catalogue_files(folder)
    today = dt.date(2026, 12, 1)
    load_catalogue(files, today, folder)
    if change == "content":
        team = (files["team.yaml"] or b"") + b"\n# une ligne de plus\n"
        files = {**files, "team.yaml": team}
    elif change == "day":
        today += dt.timedelta(days=1)
    else:  # an upgrade of mediatool, or a developer's edit to the parsing code
        monkeypatch.setattr(cache.records_cache, "code_stamp", lambda names: "autre version")
    parsed = _parsed(monkeypatch)
    load_catalogue(files, today, folder)
    assert sorted(parsed) == sorted(files)


def test_a_broken_catalogue_is_never_saved_as_parsed(folder: Path) -> None:
    from mediatool.store import cache
    from mediatool.store.catalogue import load_catalogue, read_catalogue_files

    (folder / "catalogue" / "team.yaml").write_text("start: [\n", encoding="utf-8")
    catalogue, problems = load_catalogue(read_catalogue_files(folder), dt.date(2026, 12, 1),
                                         folder)
    assert catalogue is None and problems
    assert not (folder / CACHE / cache.PARSED).exists()


def test_a_saved_parse_that_does_not_decode_is_not_believed(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mediatool.store import cache
    from mediatool.store.catalogue import load_catalogue, read_catalogue_files

    files = read_catalogue_files(folder)
    today = dt.date(2026, 12, 1)
    fresh = load_catalogue(files, today, folder)
    key = cache.parsed_key(cache.content_key(files), today)
    # Well-formed cache files (checksum right) holding wrong data: rebuilt, never used.
    for values in ('{"team.yaml": {"\\u0000date": "pas une date"}}', "[1, 2]", "{"):
        records_cache.write(folder, cache.PARSED, cache.PARSED_KIND,
                            {"key": key, "values": values, "problems": []})
        parsed = _parsed(monkeypatch)
        assert load_catalogue(files, today, folder) == fresh
        assert sorted(parsed) == sorted(files)
        monkeypatch.undo()


def test_yaml_values_json_lacks_come_back_as_they_were() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from mediatool.store import cache

    # YAML's timestamps are naive or at a fixed offset in minutes, never in a named zone.
    offsets = st.integers(-23 * 60, 23 * 60).map(
        lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)))
    scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text()
               | st.dates() | st.datetimes() | st.datetimes(timezones=offsets))
    keys = st.none() | st.booleans() | st.integers() | st.text() | st.dates()
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(keys, inner, max_size=4), max_leaves=20)

    @settings(max_examples=int(os.environ.get("CACHE_EXAMPLES", "200")), deadline=None,
              derandomize=not os.environ.get("CACHE_EXAMPLES"))
    @given(st.dictionaries(st.text(), values, max_size=4))
    def round_trip(parsed: dict[str, object]) -> None:
        encoded = json.dumps(cache._encode(parsed))
        back = json.loads(encoded, object_hook=cache._decode_object)
        assert _same(back, parsed)

    round_trip()


def _same(left: object, right: object) -> bool:
    """Equal, of the same types all the way down (1 is not True, nan is nan)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, float):
        return left == right or (left != left and right != right)
    if isinstance(left, list):
        assert isinstance(right, list)
        return len(left) == len(right) and all(
            _same(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict):
        assert isinstance(right, dict)
        return list(map(type, left)) == list(map(type, right)) and list(left) == list(right) \
            and all(_same(left[k], right[k]) for k in left)
    return left == right


def test_the_search_index_is_built_once_per_catalogue(folder: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from mediatool.core import search
    from mediatool.store import cache
    from mediatool.store.folder import DataFolder

    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-01T10:00:00+01:00")
    first = DataFolder(folder).search_index.search("prime activité", limit=3)
    assert (folder / CACHE / cache.INDEX).exists()
    built: list[int] = []
    original = search.SearchIndex._build
    monkeypatch.setattr(search.SearchIndex, "_build",
                        lambda self, *a: built.append(1) or original(self, *a))
    again = DataFolder(folder).search_index.search("prime activité", limit=3)
    assert built == [] and [m.procedure.id for m in again] == [m.procedure.id for m in first]
    # Another catalogue: built again, and saved for it.
    path = folder / "catalogue" / "procedures.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    DataFolder(folder).search_index.search("prime activité", limit=3)
    assert built == [1]
    DataFolder(folder).search_index.search("prime activité", limit=3)
    assert built == [1]


def test_another_stemmer_release_builds_the_index_again(folder: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # The index holds stems: stems from another PyStemmer would never be found again.
    from mediatool.core import search
    from mediatool.store import records_cache
    from mediatool.store.folder import DataFolder

    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-01T10:00:00+01:00")
    assert records_cache.library_key("Stemmer") is not None
    DataFolder(folder).search_index.search("prime activité", limit=3)
    built: list[int] = []
    original = search.SearchIndex._build
    monkeypatch.setattr(search.SearchIndex, "_build",
                        lambda self, *a: built.append(1) or original(self, *a))
    real = records_cache.library_key
    monkeypatch.setattr(records_cache, "library_key",
                        lambda name, *a: "another release" if name == "Stemmer" else real(name, *a))
    DataFolder(folder).search_index.search("prime activité", limit=3)
    assert built == [1]


def test_a_last_good_catalogue_never_takes_today_s_saved_index(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mediatool.store.folder import DataFolder

    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-01T10:00:00+01:00")
    assert DataFolder(folder).search_index.procedures
    (folder / "catalogue" / "team.yaml").write_text("start: [\n", encoding="utf-8")
    data = DataFolder(folder)
    data.on_last_good = lambda fallback: None
    assert data.catalogue is not None and data.fallback is not None
    assert data._index_key is None  # built from the copy, not read from today's key


def test_catalogue_search_answers_from_the_saved_index_without_building_the_catalogue(
        run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mediatool.core import catalogue as core_catalogue
    from mediatool.store.scaffold import create_data_folder

    demo = tmp_path / "demo"  # the catalogue shipped: entries with danger signals
    create_data_folder(demo)
    query = ("catalogue", "search", "mon mari me frappe", "--format", "json")

    def search(*args: str) -> Result:
        return run(*args, data=demo)

    first = search(*query)  # builds the catalogue and saves the index
    built: list[int] = []
    original = core_catalogue.build_catalogue
    monkeypatch.setattr(core_catalogue, "build_catalogue",
                        lambda *a, **k: built.append(1) or original(*a, **k))
    monkeypatch.setattr("mediatool.store.catalogue.build_catalogue",
                        core_catalogue.build_catalogue)
    again = search(*query)
    assert again.output == first.output and json.loads(again.output)[0]["urgent"]
    assert built == []
    shown = search("catalogue", "search", "mon mari me frappe")  # danger lines: the catalogue
    assert "39 19" in shown.output and built == [1]
    monkeypatch.setenv("MEDIATOOL_NO_CACHE", "1")
    assert search(*query).output == first.output

"""A data folder: its catalogue (loaded once) and its record store."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from mediatool.core import days
from mediatool.core.catalogue import Catalogue
from mediatool.core.errors import DataProblems, Problem
from mediatool.host import environment
from mediatool.store import records_cache
from mediatool.store.catalogue import load_catalogue, read_catalogue_files
from mediatool.store.records import Store

if TYPE_CHECKING:
    from mediatool.core.search import SearchIndex


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Loading builds many small objects and frees none: collecting meanwhile is wasted time
    (~60 % of a large catalogue's load)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class DataFolder:
    """What commands work on. Loading errors raise DataProblems (exit 1)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.store = Store(root)

    @classmethod
    def find(cls, explicit: str | None) -> DataFolder:
        return cls(environment.find_data_folder(explicit))

    @functools.cached_property
    def loaded(self) -> tuple[Catalogue | None, list[Problem]]:
        """The catalogue (None when it has errors) and every problem, read once."""
        with collector_paused():
            files = read_catalogue_files(self.root)
            catalogue, problems = load_catalogue(files, environment.now("UTC").date())
        if catalogue is not None:
            try:
                self._remember_holidays(catalogue)
            except days.UnknownHolidays as unknown:
                # Checked here, where the library is loaded anyway, and not at every start:
                # a cached year proves the country and subdivision were known.
                text = (files.get("team.yaml") or b"").decode("utf-8", errors="replace")
                line = next((number for number, content in enumerate(text.splitlines(), 1)
                             if content.startswith(f"{unknown.field}:")), None)
                return None, [*problems, Problem("catalogue/team.yaml", line, unknown.message,
                                                 unknown.hint)]
        return catalogue, problems

    def _remember_holidays(self, catalogue: Catalogue) -> None:
        """This year's, last year's and next year's holidays, from the cache or computed once
        and cached: most commands then never load the `holidays` library."""
        team = catalogue.team
        library, years = records_cache.load_holidays(self.root)
        this_year = environment.now(team.timezone).year
        changed = False
        for year in range(this_year - 1, this_year + 2):
            key = f"{team.holidays}|{team.holidays_subdivision or ''}|{year}"
            if key in years:
                try:
                    table = {dt.date.fromisoformat(d): n for d, n in years[key].items()}
                except ValueError:
                    table = None
                if table is not None:
                    days.remember_holidays(team.holidays, team.holidays_subdivision, year,
                                           table)
                    continue
            computed = days.holidays_of_year(team.holidays, team.holidays_subdivision, year)
            years[key] = {d.isoformat(): n for d, n in computed.items()}
            changed = True
        if changed and library is not None:
            records_cache.save_holidays(self.root, library, years)

    @property
    def catalogue(self) -> Catalogue:
        catalogue, problems = self.loaded
        if catalogue is None:
            raise DataProblems("le catalogue contient des erreurs",
                               "corrigez-les (voir « mediatool catalogue check »)",
                               [p for p in problems if p.is_error])
        return catalogue

    @functools.cached_property
    def search_index(self) -> SearchIndex:
        from mediatool.core.search import SearchIndex  # rapidfuzz: only searches need it

        catalogue = self.catalogue
        return SearchIndex(catalogue.procedures.values(), dict(catalogue.organisations))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.catalogue.team.timezone)

    def now(self) -> dt.datetime:
        return environment.now(self.catalogue.team.timezone)

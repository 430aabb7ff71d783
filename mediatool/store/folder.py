"""A data folder: its catalogue (loaded once) and its record store."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from mediatool.core import days
from mediatool.core.catalogue import Catalogue
from mediatool.core.errors import DataProblems, Problem
from mediatool.core.values import frozen
from mediatool.host import environment
from mediatool.store import cache, records_cache
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


@frozen
class CatalogueFallback:
    """Today's catalogue is blocked by errors: the last good copy is used instead."""

    problems: tuple[Problem, ...]  # today's blocking errors, to fix
    saved: dt.datetime  # when the copy in use was kept (first seen loading fine)
    changed: dict[str, dt.datetime]  # each file with an error → its last modification
    zone: str  # the team's time zone, to say these moments in


class DataFolder:
    """What commands work on. Loading errors raise DataProblems (exit 1)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.store = Store(root)
        # Set by the phone-line commands before the catalogue is read: with today's files
        # blocked by an error they run on the last good copy, and this is told why.
        self.on_last_good: Callable[[CatalogueFallback], None] | None = None
        self.fallback: CatalogueFallback | None = None
        # The saved search index belongs to today's files: never to a last good copy.
        self._index_key: str | None = None

    @classmethod
    def find(cls, explicit: str | None) -> DataFolder:
        return cls(environment.find_data_folder(explicit))

    @functools.cached_property
    def loaded(self) -> tuple[Catalogue | None, list[Problem]]:
        """The catalogue (None when it has errors) and every problem, read once."""
        now = environment.now("UTC")
        with collector_paused():
            files = read_catalogue_files(self.root)
            content = cache.content_key(files)  # hashed once: three keys are made of it
            parsed = cache.parsed_key(content, now.date())
            catalogue, problems = load_catalogue(files, now.date(), self.root, parsed)
            if catalogue is not None:
                cache.remember(self.root, files, now, content)
                self._index_key = cache.index_key(parsed)
            elif self.on_last_good is not None:
                catalogue = self._last_good(problems, now.date())
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

    def _last_good(self, problems: list[Problem], today: dt.date) -> Catalogue | None:
        """The last catalogue that loaded fine, if any (reported through `on_last_good`)."""
        kept = cache.last_good(self.root)
        if kept is None:
            return None
        catalogue, _ = load_catalogue(kept.files, today)
        if catalogue is None:
            return None
        blocking = tuple(p for p in problems if p.is_error and p.blocking)
        changed = {}
        for source in dict.fromkeys(p.source for p in blocking):
            try:
                stamp = (self.root / source).stat().st_mtime
            except OSError:  # a file deleted: the error says so, there is no date
                continue
            changed[source] = dt.datetime.fromtimestamp(stamp, dt.UTC)
        self.fallback = CatalogueFallback(blocking, kept.saved, changed,
                                          catalogue.team.timezone)
        if self.on_last_good is not None:
            self.on_last_good(self.fallback)
        return catalogue

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

        if "loaded" not in self.__dict__ and self.on_last_good is None:
            # Nothing loaded yet (`catalogue search`): an index saved for exactly today's
            # files (checked when it was saved) answers without building the catalogue.
            files = read_catalogue_files(self.root)
            parsed = cache.parsed_key(cache.content_key(files), environment.now("UTC").date())
            saved = cache.saved_index(self.root, cache.index_key(parsed))
            if saved is not None:
                with collector_paused():
                    index = SearchIndex.from_saved(saved)
                if index is not None:
                    return index
        catalogue = self.catalogue
        key = self._index_key
        if key is not None:
            index = SearchIndex.from_data(catalogue.procedures.values(),
                                          cache.saved_index(self.root, key))
            if index is not None:
                return index
        with collector_paused():
            index = SearchIndex(catalogue.procedures.values(), dict(catalogue.organisations),
                                catalogue.synonyms)
            if key is not None:
                cache.save_index(self.root, key, index.to_data())
        return index

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.catalogue.team.timezone)

    def now(self) -> dt.datetime:
        return environment.now(self.catalogue.team.timezone)

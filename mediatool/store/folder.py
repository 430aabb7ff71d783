"""A data folder: its catalogue (loaded once) and its record store."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from zoneinfo import ZoneInfo

from mediatool.core.catalogue import Catalogue
from mediatool.core.errors import DataProblems, Problem
from mediatool.core.search import SearchIndex
from mediatool.host import environment
from mediatool.store.catalogue import load_catalogue, read_catalogue_files
from mediatool.store.records import Store


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
        files = read_catalogue_files(self.root)
        return load_catalogue(files, environment.now("UTC").date())

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
        catalogue = self.catalogue
        return SearchIndex(catalogue.procedures.values(), dict(catalogue.organisations))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.catalogue.team.timezone)

    def now(self) -> dt.datetime:
        return environment.now(self.catalogue.team.timezone)

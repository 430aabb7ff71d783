"""`catalogue vdd-check`: compare the catalogue with service-public.fr's open data.

It never edits the catalogue: it builds a review that a person reads.
"""

from __future__ import annotations

from collections.abc import Callable

from mediatool.core import vdd
from mediatool.host.opendata import open_vdd
from mediatool.store.folder import DataFolder


def check(data: DataFolder, source: str,
          progress: Callable[[int, int | None], None] | None = None) -> vdd.Review:
    wanted = vdd.wanted_ids(data.catalogue.procedures.values())
    with open_vdd(source, progress) as opened:
        fiches = {}
        for name, content in opened.members(set(wanted)):
            fiche = vdd.parse_fiche(content, name)
            fiches[fiche.id] = fiche
        return vdd.Review(vdd.review(wanted, fiches), opened.label, opened.date)

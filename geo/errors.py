"""Errors of the geo layer: bad city data or extracts, each naming the file, the feature and the problem."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a pack: where it is and what is wrong.

    >>> str(Problem("layers/park.geojson", "feature 'park-1'", "geometry is empty"))
    "layers/park.geojson: feature 'park-1': geometry is empty"
    """

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        parts = [self.file, self.where, self.message]
        return ": ".join(part for part in parts if part)


class PackError(ValueError):
    """A city pack that cannot be used, with every problem found in it."""

    def __init__(self, pack: str, problems: list[Problem]):
        self.pack = pack
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"city pack {pack} has {len(problems)} problem(s):\n{lines}")


class OsmImportError(ValueError):
    """An extract or mapping that cannot be imported, naming the file and the reason."""


class KitError(PackError):
    """A pack's ``kit.toml`` (parts, materials, icons) that cannot be used, with every problem found."""

    def __init__(self, pack: str, problems: list[Problem]):
        super().__init__(pack, problems)
        lines = "\n".join(f"  {problem}" for problem in problems)
        self.args = (f"the kit of pack {pack} has {len(problems)} problem(s):\n{lines}",)


class SitesError(ValueError):
    """A ``sites.toml`` (or a keep-clear file it names) that cannot be used.

    The message names the pack's folder, the file, the site and the field; ``problems`` lists them all.

    >>> str(SitesError("data/x", [Problem("sites.toml", "site 'yard'", "field 'budget_rub' must be > 0")]))
    "data/x/sites.toml: site 'yard': field 'budget_rub' must be > 0"
    """

    def __init__(self, pack: str, problems: list[Problem]):
        self.pack = pack
        self.problems = problems
        super().__init__("\n".join(f"{pack}/{problem}" for problem in problems))

"""Who the health tracks are for (children, adults, seniors, limited mobility): the pack's or the defaults."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.errors import Problem
from geo.tables import check_keys

AUDIENCES_FILE = "tracks/audiences.toml"
DEFAULT_AUDIENCES = Path(__file__).with_name("default_audiences.toml")
AUDIENCE_KEYS: dict[str, type] = {
    "id": str,
    "name_ru": str,
    "name_en": str,
    "step_length_m": float,
    "cadence_spm": float,
    "daily_step_goal": int,
    "max_gradient_pct": float,
    "surfaces": list,
    "source": str,
}


@dataclass(frozen=True)
class Audience:
    """Who walks a track: step length, flat-ground cadence, daily goal, steepest slope, usable surfaces."""

    id: str
    name: dict[str, str]
    step_length_m: float
    cadence_spm: float
    daily_step_goal: int
    max_gradient_pct: float
    surfaces: tuple[str, ...]
    source: str

    @property
    def flat_speed_kmh(self) -> float:
        """Walking speed on the flat: step length x cadence.

        >>> adult = Audience("adults", {}, 0.72, 115, 10_000, 15, (), "")
        >>> round(adult.flat_speed_kmh, 2)
        4.97
        """
        return self.step_length_m * self.cadence_spm * 60 / 1000


def load_audiences(pack_path: str | Path) -> tuple[dict[str, Audience], list[Problem]]:
    """The audiences by id and every problem found: the pack's ``tracks/audiences.toml``, else the defaults.

    The defaults (``routes/default_audiences.toml``) are Sysert's documented figures, so
    a new pack (``ecomap import-osm --create``) has audiences for its loops and routes;
    a pack's own file replaces them all.
    """
    path = Path(pack_path) / AUDIENCES_FILE
    label = AUDIENCES_FILE
    if not path.is_file():
        path, label = DEFAULT_AUDIENCES, f"{DEFAULT_AUDIENCES.parent.name}/{DEFAULT_AUDIENCES.name}"
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        return {}, [Problem(label, "", f"unreadable TOML: {error}")]
    except OSError as error:
        return {}, [Problem(label, "", f"unreadable: {error.strerror}")]
    entries = document.get("audiences")
    if not isinstance(entries, list) or not entries:
        return {}, [Problem(label, "", "needs a non-empty [[audiences]] list")]
    audiences: dict[str, Audience] = {}
    problems: list[Problem] = []
    for index, entry in enumerate(entries):
        where = f"audience {entry.get('id')!r}" if isinstance(entry, dict) else f"audience #{index}"
        messages = check_audience(entry)
        if not messages and entry["id"] in audiences:
            messages = ["listed twice"]
        problems.extend(Problem(label, where, message) for message in messages)
        if not messages:
            audiences[entry["id"]] = _audience(entry)
    return audiences, problems


def check_audience(entry: Any) -> list[str]:
    """Return what is wrong with one ``[[audiences]]`` table (empty when it is fine).

    >>> check_audience({"id": "kids"})[0]
    "'name_ru' is missing"
    """
    messages = check_keys(entry, AUDIENCE_KEYS)
    for key, kind in AUDIENCE_KEYS.items():
        value = entry.get(key) if isinstance(entry, dict) else None
        if (
            kind in (int, float)
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and value <= 0
        ):
            messages.append(f"'{key}' must be positive, got {value!r}")
    return messages


def _audience(entry: dict[str, Any]) -> Audience:
    return Audience(
        id=entry["id"],
        name={"ru": entry["name_ru"], "en": entry["name_en"]},
        step_length_m=float(entry["step_length_m"]),
        cadence_spm=float(entry["cadence_spm"]),
        daily_step_goal=int(entry["daily_step_goal"]),
        max_gradient_pct=float(entry["max_gradient_pct"]),
        surfaces=tuple(entry["surfaces"]),
        source=entry["source"],
    )

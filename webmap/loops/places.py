"""The pack's named places and streets, searched ignoring case and accents, to choose a walk's start."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import to_degrees
from geo.osm import load_mapping
from geo.pack import CityPack
from routes.network import WalkingNetwork

MAX_MATCHES = 10
MAX_QUERY_CHARS = 100
LANGUAGES = ("ru", "en")


@dataclass(frozen=True)
class Place:
    """A named feature (or all the pieces of one named street) and the point a walk from it starts at.

    A point starts where it is (the search then snaps it to the network and says how far);
    a line or an area starts at the network's node nearest to it (inside an area or on a
    line: the one nearest to its centre).
    """

    name: dict[str, str]
    kind: str  # "street": a way of the walking network; "place": any other named feature
    layer: dict[str, str]
    lon: float
    lat: float
    keys: tuple[str, ...]  # the names folded (see fold), one per language


def fold(text: str) -> str:
    """Text as the search compares it: case folded, accents and diacritics dropped (ё as е).

    >>> fold("Ёлочная"), fold("Fürst-Franz-Josef-Straße"), fold("  Café ")
    ('елочная', 'furst-franz-josef-strasse', '  cafe ')
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def named_places(pack: CityPack, network: WalkingNetwork) -> list[Place]:
    """Every named feature of the pack's layers, the pieces of a street with one name grouped, by name.

    Features that carry only an imported layer's default name ("Way", "Bench") are left out.
    """
    mapping = load_mapping(pack.path)
    defaults = {rule.id: rule.default_name for rule in mapping.rules}
    streets = set(mapping.layers_with_role("network"))
    groups: dict[tuple[str, str, str], list[shapely.Geometry]] = defaultdict(list)
    for layer_id, layer in pack.layers.items():
        frame = layer.frame
        if not {"name_ru", "name_en"} <= set(frame.columns) or frame.empty:
            continue
        metric = frame.to_crs(network.crs_metric)
        for name_ru, name_en, geometry in zip(
            frame["name_ru"], frame["name_en"], metric.geometry, strict=True
        ):
            names = (_text(name_ru), _text(name_en))
            unnamed = not any(names) or names == _pair(defaults.get(layer_id))
            if unnamed or geometry is None or geometry.is_empty:
                continue
            groups[(layer_id, names[0] or names[1], names[1] or names[0])].append(geometry)
    nodes = shapely.points(network.node_xy) if len(network.node_ids) else None
    assert not isinstance(nodes, shapely.Point), "an (n, 2) array of coordinates gives an array of points"
    tree = shapely.STRtree(nodes) if nodes is not None else None
    to_lonlat = to_degrees(network.crs_metric)
    places = []
    for (layer_id, name_ru, name_en), geometries in groups.items():
        x, y = _start_xy(shapely.union_all(geometries), network, tree)
        lon, lat = to_lonlat.transform(x, y)
        layer = pack.layers[layer_id]
        places.append(
            Place(
                name={"ru": name_ru, "en": name_en},
                kind="street" if layer_id in streets else "place",
                layer=dict(layer.title),
                lon=round(lon, 6),
                lat=round(lat, 6),
                keys=tuple(dict.fromkeys(fold(name) for name in (name_ru, name_en))),
            )
        )
    return sorted(places, key=lambda place: (fold(place.name["ru"]), place.kind))


def search(places: list[Place], query: str, lang: str = "ru", limit: int = MAX_MATCHES) -> list[Place]:
    """The places whose name (in any language) holds ``query``, ignoring case and accents.

    Names that begin with it come first, then those with a word that begins with it; then
    by their name in ``lang``.
    """
    key = fold(" ".join(query[:MAX_QUERY_CHARS].split()))
    if not key:
        return []
    ranked = []
    for place in places:
        ranks = [_rank(name, key) for name in place.keys]
        best = min((rank for rank in ranks if rank is not None), default=None)
        if best is not None:
            ranked.append((best, fold(place.name[lang]), place.kind, place))
    return [item[-1] for item in sorted(ranked, key=lambda item: item[:3])[:limit]]


def _rank(name: str, key: str) -> int | None:
    """0 when ``name`` begins with ``key``, 1 when a word of it does, 2 when it holds it elsewhere."""
    found = name.find(key)
    if found < 0:
        return None
    if found == 0:
        return 0
    words = (index for index in range(1, len(name)) if not name[index - 1].isalnum())
    return 1 if any(name.startswith(key, index) for index in words) else 2


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _pair(names: dict[str, str] | None) -> tuple[str, str] | None:
    return (names["ru"], names["en"]) if names else None


def _start_xy(geometry: BaseGeometry, network: WalkingNetwork, tree) -> tuple[float, float]:
    """Where a walk from this feature starts, in the network's metric CRS (see :class:`Place`)."""
    if tree is None or isinstance(geometry, shapely.Point):
        point = geometry if isinstance(geometry, shapely.Point) else geometry.representative_point()
        return point.x, point.y
    nearest = tree.query_nearest(geometry, all_matches=True)
    centre = np.array(geometry.centroid.coords[0])
    xy = network.node_xy[nearest]
    best = nearest[int(np.argmin(np.hypot(*(xy - centre).T)))]
    return float(network.node_xy[best][0]), float(network.node_xy[best][1])

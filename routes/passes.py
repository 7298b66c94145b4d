"""What a track passes: the pack's places it runs through or beside, with the metres in each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import shapely

from geo.crs import to_metric
from geo.osm import load_mapping
from geo.pack import CityPack

BESIDE_M = 100.0  # "beside" a place: within 100 m of its edge (the reservoir shore band)
WATER_LAYERS = ("reservoir",)


@dataclass(frozen=True)
class Passage:
    """A place a track passes: inside a polygon or beside its edge (metres), or near a point."""

    layer_id: str
    feature_id: str
    name: dict[str, str]
    relation: str
    length_m: float | None = None
    distance_m: float | None = None


def metric_line(lons: Sequence[float], lats: Sequence[float], crs_metric: str) -> shapely.LineString:
    """The line in ``crs_metric`` (metres), from WGS84 lon/lat."""
    xs, ys = to_metric(crs_metric).transform(list(lons), list(lats))
    return shapely.LineString(list(zip(xs, ys, strict=True)))


def track_passages(lons: Sequence[float], lats: Sequence[float], pack: CityPack) -> list[Passage]:
    """Every place of the pack the track runs inside, beside (within 100 m of the edge) or near.

    Line layers (the path network) and bench layers are left out: they are the way, not places.
    """
    line = metric_line(lons, lats, pack.crs_metric)
    skipped = set(load_mapping(pack.path).layers_with_role("bench"))
    passages = []
    for layer in pack.layers.values():
        if layer.kind == "line" or layer.id in skipped:
            continue  # the way itself (paths, streets) and street furniture are not places passed
        frame = layer.frame.to_crs(pack.crs_metric)
        for feature_id, geometry in frame.geometry.items():
            name = {"ru": str(frame.at[feature_id, "name_ru"]), "en": str(frame.at[feature_id, "name_en"])}
            passages.extend(_passages(line, geometry, layer.id, str(feature_id), name))
    return passages


def _passages(line, geometry, layer_id: str, feature_id: str, name: dict[str, str]) -> list[Passage]:
    if geometry.geom_type in ("Point", "MultiPoint"):
        distance = line.distance(geometry)
        if distance > BESIDE_M:
            return []
        return [Passage(layer_id, feature_id, name, "near", distance_m=round(distance, 1))]
    found = []
    inside = line.intersection(geometry).length if geometry.area else 0.0
    if inside >= 1.0:
        found.append(Passage(layer_id, feature_id, name, "inside", length_m=round(inside, 1)))
    band = geometry.boundary.buffer(BESIDE_M) if geometry.area else geometry.buffer(BESIDE_M)
    beside = line.intersection(band.difference(geometry) if geometry.area else band).length
    if beside >= 1.0:
        found.append(Passage(layer_id, feature_id, name, "beside", length_m=round(beside, 1)))
    return found


def water_crossings(passages: Sequence[Passage], water_layers: Sequence[str] = WATER_LAYERS) -> list[Passage]:
    """The passages that run over water (inside a feature of a water layer)."""
    return [p for p in passages if p.layer_id in water_layers and p.relation == "inside"]

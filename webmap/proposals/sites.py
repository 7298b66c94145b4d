"""Proposal sites: the pack features named in ``sites.toml`` whose polygons are the drawing masks."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo.crs import to_metric
from geo.pack import CityPack
from webmap.errors import SitesError

SITES_FILE = "sites.toml"
SITE_KEYS = ("id", "layer", "feature", "title_ru", "title_en")
MASK_TOLERANCE_M = 0.5


@dataclass(frozen=True)
class Site:
    """One proposal site: its id, titles, mask (WGS84) and the mask in metres grown by the tolerance."""

    id: str
    layer: str
    feature: str
    title: dict[str, str]
    mask: BaseGeometry = field(repr=False, compare=False)
    crs_metric: str = field(repr=False, compare=False)
    mask_metric: BaseGeometry = field(repr=False, compare=False)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """The mask's ``(west, south, east, north)``."""
        west, south, east, north = self.mask.bounds
        return float(west), float(south), float(east), float(north)


def load_sites(pack: CityPack) -> dict[str, Site]:
    """The pack's proposal sites by id; none when the pack has no ``sites.toml``."""
    path = Path(pack.path) / SITES_FILE
    if not path.exists():
        return {}
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("sites", [])
    sites = [_site(pack, entry, f"{path}: site {number}") for number, entry in enumerate(entries, 1)]
    return {site.id: site for site in sites}


def _site(pack: CityPack, entry: dict[str, Any], where: str) -> Site:
    missing = [key for key in SITE_KEYS if not isinstance(entry.get(key), str)]
    if missing:
        raise SitesError(f"{where}: missing or non-string key(s) {', '.join(missing)}")
    layer = pack.layers.get(entry["layer"])
    if layer is None:
        raise SitesError(f"{where}: no layer {entry['layer']!r} in the pack")
    if entry["feature"] not in layer.frame.index:
        raise SitesError(f"{where}: no feature {entry['feature']!r} in layer {entry['layer']!r}")
    mask = layer.frame.geometry.loc[entry["feature"]]
    if mask.geom_type not in ("Polygon", "MultiPolygon"):
        raise SitesError(f"{where}: feature {entry['feature']!r} is a {mask.geom_type}, not a polygon")
    title = {"ru": entry["title_ru"], "en": entry["title_en"]}
    mask_metric = in_metres(mask, pack.crs_metric).buffer(MASK_TOLERANCE_M)
    shapely.prepare(mask_metric)
    return Site(entry["id"], entry["layer"], entry["feature"], title, mask, pack.crs_metric, mask_metric)


def in_metres(geometry: BaseGeometry, crs_metric: str) -> BaseGeometry:
    """``geometry`` from WGS84 longitude/latitude into the metric CRS (metres)."""
    transformer = to_metric(crs_metric)
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def sites_collection(sites: dict[str, Site], lang: str | None = None) -> dict[str, Any]:
    """The sites as a GeoJSON FeatureCollection whose features' ``id`` is the site id."""
    features = []
    for site in sites.values():
        properties: dict[str, Any] = {"title_ru": site.title["ru"], "title_en": site.title["en"]}
        properties.update({"layer": site.layer, "feature": site.feature})
        if lang:
            properties["title"] = site.title[lang]
        features.append(
            {"type": "Feature", "id": site.id, "properties": properties, "geometry": mapping(site.mask)}
        )
    return {"type": "FeatureCollection", "features": features}

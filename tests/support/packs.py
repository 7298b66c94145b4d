"""Small city packs written on the fly for tests: a good one, and ways to break it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# A 0.01° x 0.01° square near Sysert, counter-clockwise: about 611 m (E-W) by 1,112 m (N-S).
SQUARE = [[60.80, 56.49], [60.81, 56.49], [60.81, 56.50], [60.80, 56.50], [60.80, 56.49]]

CITY_TOML = """
id = "testville"
name_ru = "Тестовск"
name_en = "Testville"
center_lat = 56.495
center_lon = 60.805
bbox = [60.5, 56.3, 61.0, 56.7]
zoom = 13
crs_metric = "EPSG:32641"

[tiles]
url = "https://tile.example.org/{z}/{x}/{y}.png"
attribution = "© Example"

[[groups]]
id = "nature"
title_ru = "Природа"
title_en = "Nature"

[[groups]]
id = "urban"
title_ru = "Городские проекты"
title_en = "Urban projects"

[[layers]]
id = "park"
title_ru = "Парк"
title_en = "Park"
legend_ru = "Парк"
legend_en = "Park"
kind = "polygon"
group = "nature"
style = { color = "#2e7d32", fill_color = "#66bb6a", fill_opacity = 0.3, weight = 2 }
popup_fields = ["name", "description", "accuracy"]

[[layers]]
id = "rink-cinema"
title_ru = "Каток и кинотеатр"
title_en = "Rink and cinema"
legend_ru = "Каток зимой, кино летом"
legend_en = "Rink in winter, cinema in summer"
kind = "point"
group = "urban"
style = { color = "#6a1b9a", radius = 8 }
popup_fields = ["name", "current_use", "description"]
"""

USES = [
    {"id": "rink", "name_ru": "Каток", "name_en": "Skating rink", "months": [12, 1, 2, 3]},
    {"id": "cinema", "name_ru": "Летний кинотеатр", "name_en": "Open-air cinema", "months": [6, 7, 8]},
]


def properties(name: str, **extra: Any) -> dict[str, Any]:
    """The required properties of a feature, plus ``extra``."""
    return {
        "name_ru": f"{name} (ru)",
        "name_en": name,
        "description_ru": f"Описание: {name}",
        "description_en": f"About {name}",
        "source": "test fixture",
        "accuracy": "approximate: drawn for a test",
        **extra,
    }


def feature(feature_id: str, geometry: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": feature_id,
        "properties": properties(feature_id, **props),
        "geometry": geometry,
    }


def good_layers() -> dict[str, list[dict[str, Any]]]:
    """The features of the good pack, by layer id."""
    return {
        "park": [feature("park-1", {"type": "Polygon", "coordinates": [SQUARE]})],
        "rink-cinema": [
            feature("rink-1", {"type": "Point", "coordinates": [60.805, 56.495]}, uses=USES),
        ],
    }


def write_pack(root: Path, layers: dict[str, Any] | None = None, city_toml: str = CITY_TOML) -> Path:
    """Write a pack to ``root``; a layer given as a str is written verbatim (for broken JSON)."""
    (root / "layers").mkdir(parents=True, exist_ok=True)
    (root / "city.toml").write_text(city_toml, encoding="utf-8")
    for layer_id, content in (good_layers() if layers is None else layers).items():
        text = (
            content
            if isinstance(content, str)
            else json.dumps({"type": "FeatureCollection", "features": content}, ensure_ascii=False)
        )
        (root / "layers" / f"{layer_id}.geojson").write_text(text, encoding="utf-8")
    return root

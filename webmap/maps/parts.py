"""A folium map rendered in memory into the three parts our templates place: header, body and script."""

from __future__ import annotations

import folium


def map_parts(folium_map: folium.Map) -> dict[str, str]:
    """A map's header, body and script, rendered in memory for our own templates."""
    root = folium_map.get_root()
    root.render()
    return {
        "map_header": root.header.render(),
        "map_html": root.html.render(),
        "map_script": root.script.render(),
    }

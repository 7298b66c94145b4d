"""A folium map rendered in memory into the three parts our templates place: header, body and script."""

from __future__ import annotations

import folium
from branca.element import Figure


def map_parts(folium_map: folium.Map) -> dict[str, str]:
    """A map's header, body and script, rendered in memory for our own templates."""
    root = folium_map.get_root()
    assert isinstance(root, Figure), "folium.Map puts itself in a Figure"
    root.render()
    return {
        "map_header": root.header.render(),
        "map_html": root.html.render(),
        "map_script": root.script.render(),
    }

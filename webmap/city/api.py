"""The JSON API over the city pack's layers."""

from __future__ import annotations

from flask import Blueprint, make_response, request

from geo.layers import layer_bounds, layer_features
from webmap.http.caching import conditional
from webmap.http.errors import ApiError
from webmap.pack_access import get_pack, parse_date

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/layers")
def list_layers():
    """Every layer: id, titles, group, kind, feature count and bounds; with an ETag."""
    pack = get_pack()
    body = {
        "layers": [
            {
                "id": layer.id,
                "title": layer.title,
                "group": layer.group,
                "group_title": pack.groups[layer.group],
                "kind": layer.kind,
                "features": len(layer.frame),
                "bounds": layer_bounds(layer),
            }
            for layer in pack.layers.values()
        ]
    }
    return conditional(make_response(body))


@bp.get("/layers/<layer_id>")
def get_layer(layer_id: str):
    """One layer as a GeoJSON FeatureCollection, with its uses as in force on ``?date=``; with an ETag."""
    layer = get_pack().layers.get(layer_id)
    if layer is None:
        raise ApiError(404, f"no layer {layer_id!r}; GET /api/layers lists them", field="layer_id")
    collection = layer_features(layer, parse_date(request.args.get("date")))
    return conditional(make_response(collection, 200, {"Content-Type": "application/geo+json"}))

"""Eco-routes: health tracks, their health metrics and GPX files (not URL routes: those live in webmap).

A track is a walk or ski line in a city pack (``data/<city>/tracks/``) with
stops and the audiences it is meant for; this package loads and checks tracks,
measures them (length, steps, time, energy, climb, terrenkur class) and writes
and reads GPX. Nothing here imports Flask or folium.
"""

from routes.audiences import Audience, load_audiences
from routes.check import check_tracks
from routes.errors import TrackError
from routes.figures import TrackMeasure, audience_figures, measure_track
from routes.tracks import Stop, Track, load_tracks

__all__ = [
    "Audience",
    "Stop",
    "Track",
    "TrackError",
    "TrackMeasure",
    "audience_figures",
    "check_tracks",
    "load_audiences",
    "load_tracks",
    "measure_track",
]

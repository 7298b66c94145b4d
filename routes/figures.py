"""A track's figures: its length, climb, gradients and terrenkur class, and what it asks of an audience."""

from __future__ import annotations

from dataclasses import dataclass

import shapely

from geo.crs import to_metric, utm_crs
from routes import elevation, metrics, terrenkur
from routes.audiences import Audience
from routes.passes import metric_line
from routes.tracks import REST_KINDS, Track


@dataclass(frozen=True)
class TrackMeasure:
    """The audience-independent figures of a track."""

    length_m: float
    lengths_m: tuple[float, ...]
    distances_m: tuple[float, ...]
    slopes: tuple[float | None, ...]
    climb: elevation.Climb
    max_gradient_pct: float | None
    mean_gradient_pct: float | None
    stop_positions_m: dict[str, float]
    stop_offsets_m: dict[str, float]
    terrenkur_class: int | None
    longest_rest_gap_m: float
    rest_gap_norm_m: float | None

    @property
    def duration_complete(self) -> bool:
        """Whether every segment's slope is known, so that time and energy count every climb.

        Where heights are unknown, walking time and energy take the segment as flat
        and the ski model adds no climbing time: the figures are then estimates that
        leave out the unknown climbs (for skiing, a lower bound).
        """
        return all(slope is not None for slope in self.slopes)

    @property
    def rest_gap_over_norm(self) -> bool | None:
        """Whether the longest stretch without a rest is over its terrenkur class's norm; None if no class."""
        if self.rest_gap_norm_m is None:
            return None
        return self.longest_rest_gap_m > self.rest_gap_norm_m


@dataclass(frozen=True)
class AudienceFigures:
    """What a track asks of one audience: steps (walks only), time and energy."""

    audience_id: str
    steps: int | None
    step_goal_share: float | None
    duration_s: float
    energy_kcal: float
    mass_kg: float
    gradient_ok: bool | None


def measure_track(track: Track, crs_metric: str | None = None) -> TrackMeasure:
    """Measure a track on the ellipsoid; place its stops along it in ``crs_metric`` (metres)."""
    lengths = metrics.segment_lengths_m(track.lons, track.lats)
    length = sum(lengths)
    slopes = elevation.segment_slopes(lengths, track.elevations_m)
    max_gradient = elevation.max_gradient_pct(slopes)
    positions, offsets = _stop_positions(track, length, crs_metric or utm_crs(track.lons[0], track.lats[0]))
    rests = [positions[stop.id] for stop in track.stops if stop.kind in REST_KINDS]
    klass = None
    if track.mode == "walk":
        klass = terrenkur.terrenkur_class(
            length, None if max_gradient is None else elevation.angle_deg(max_gradient)
        )
    return TrackMeasure(
        length_m=round(length, 1),
        lengths_m=tuple(lengths),
        distances_m=tuple(elevation.cumulative_m(lengths)),
        slopes=tuple(slopes),
        climb=elevation.climb(lengths, track.elevations_m),
        max_gradient_pct=max_gradient,
        mean_gradient_pct=elevation.mean_gradient_pct(lengths, slopes),
        stop_positions_m=positions,
        stop_offsets_m=offsets,
        terrenkur_class=klass,
        longest_rest_gap_m=round(terrenkur.longest_rest_gap_m(length, rests), 1),
        rest_gap_norm_m=terrenkur.REST_GAP_NORM_M.get(klass) if klass else None,
    )


def _stop_positions(track: Track, length_m: float, crs_metric: str) -> tuple[dict, dict]:
    """Each stop's distance along the track (scaled to the geodesic length) and from it, in metres."""
    line = metric_line(track.lons, track.lats, crs_metric)
    transformer = to_metric(crs_metric)
    positions, offsets = {}, {}
    for stop in track.stops:
        point = shapely.Point(transformer.transform(stop.lon, stop.lat))
        along = line.project(point)
        if stop.kind == "finish":  # on a loop the finish is where the start is: measure it from the end
            along = line.length - line.reverse().project(point)
        positions[stop.id] = round(along / line.length * length_m, 1)
        offsets[stop.id] = round(line.distance(point), 1)
    return positions, offsets


def audience_figures(
    track: Track, measure: TrackMeasure, audience: Audience, mass_kg: float = metrics.DEFAULT_MASS_KG
) -> AudienceFigures:
    """Steps, time and energy of the track for ``audience`` at body mass ``mass_kg``.

    Where heights are unknown the time and energy take the stretch as flat (walking)
    or as having no climb (skiing): ``measure.duration_complete`` says whether they do.
    """
    if track.mode == "ski":
        factor = audience.flat_speed_kmh / metrics.tobler_speed_kmh(0.0)
        duration = metrics.ski_duration_s(measure.length_m, measure.climb.ascent_m or 0.0, factor)
        speed_kmh = measure.length_m / 1000 / (duration / 3600)
        energy = metrics.energy_kcal(metrics.skiing_met(speed_kmh), mass_kg, duration)
        step_count = None
    else:
        duration = metrics.walking_duration_s(measure.lengths_m, measure.slopes, audience.flat_speed_kmh)
        energy = metrics.walking_energy_kcal(
            measure.lengths_m, measure.slopes, audience.flat_speed_kmh, mass_kg
        )
        step_count = metrics.steps(measure.length_m, audience.step_length_m)
    gradient_ok = None
    if measure.max_gradient_pct is not None:
        gradient_ok = measure.max_gradient_pct <= audience.max_gradient_pct
    return AudienceFigures(
        audience_id=audience.id,
        steps=step_count,
        step_goal_share=None if step_count is None else round(step_count / audience.daily_step_goal, 3),
        duration_s=round(duration),
        energy_kcal=round(energy),
        mass_kg=mass_kg,
        gradient_ok=gradient_ok,
    )

"""Folium building blocks of every map: the base map, map parts, layers, overlays, popups, controls,
extras and local assets."""

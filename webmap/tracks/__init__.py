"""Health tracks for residents: their pages, map, GPX files, API and commands."""

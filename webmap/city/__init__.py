"""The officials' city map, the health check, the layers API and the OpenStreetMap import command."""

"""Step-goal loops and routes on the walking network: the page, the API, the place search and the
track suggestions command."""

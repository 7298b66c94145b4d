"""HTTP plumbing of every page and API: errors, arguments, languages, units and dates for people,
logs, caching, compression, proxies and security headers."""

"""Browser tests: pages driven in Debian's Chromium through Playwright (pytest.mark.browser)."""

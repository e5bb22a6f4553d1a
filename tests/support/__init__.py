"""Test helpers: a scripted loopback HTTP server and cassette matchers."""

"""Helpers shared by the hardening tests (crash, corruption, offline, security)."""

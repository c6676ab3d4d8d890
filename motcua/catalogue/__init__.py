"""Procedures as versioned data."""

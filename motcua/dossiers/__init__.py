"""Dossiers, their lifecycle, deadlines and events."""

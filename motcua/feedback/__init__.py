"""Citizen feedback (the 1022 model)."""

"""Adapters to base registries and the citizen's document store."""

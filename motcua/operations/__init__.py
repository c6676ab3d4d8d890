"""The service index, KPIs and early warnings."""

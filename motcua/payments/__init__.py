"""Fees and payment."""

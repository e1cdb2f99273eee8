"""Aggregate reports for HR and the works council; suppression lives in `aggregates`."""

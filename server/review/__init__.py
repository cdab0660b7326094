"""Coordinators' review lists: entries of every kind, flagged entries, phones sitting on data."""

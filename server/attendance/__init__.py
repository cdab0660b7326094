"""Attendance at activities: check-in keys, service hours, first-aid trainee counts."""

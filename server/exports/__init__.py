"""Exports: lists, reports and service hours as .csv and .xlsx, written row by row."""

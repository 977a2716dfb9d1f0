"""Exports built in the background: the Abwägung table and survey data, as files."""

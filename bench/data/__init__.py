"""Bench data: the building blocks of bench/generate.py."""

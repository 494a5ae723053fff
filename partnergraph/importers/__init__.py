"""Importers: files in many formats turned into validated nodes and ties, all-or-nothing."""

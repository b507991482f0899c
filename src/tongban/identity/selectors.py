"""Reads of this app that others need (see DESIGN §2)."""

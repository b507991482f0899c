"""Writes of this app (see DESIGN §2)."""

"""Writes for the agenda: layout from templates, edits with undo, publication, feeds."""

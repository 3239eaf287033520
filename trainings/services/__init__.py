"""Writes for trainings: one module per write path, every function transactional and
keyword-only. Views, the API and tasks call these; nothing else writes these models."""

"""formats/: core values turned into text — report tables (text, markdown, CSV, JSON,
HTML), calendar files (ICS), a procedure's fiche, the caller's recap.

Nothing here reads or writes a file. May import: core, formats.
"""

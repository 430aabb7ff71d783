"""store/: the data folder on disk, and nothing else touches it.

Record files (append under lock, read with positions, repair, anonymise), the YAML
text codec, the git merge of record files, the catalogue files, a new folder's
scaffold. May import: core, store, and host (for the clock and folder discovery).
"""

"""host/: the world outside the data folder — environment (clock, user, where the
folder is), git configuration, CalDAV servers.

May import: core, formats (calendar files to publish), host.
"""

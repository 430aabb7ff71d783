"""services/: the use cases, one function per command: take a DataFolder, the inputs
and `now`, apply core's rules, read and write through store/ and host/.

The only callers of store/ and host/. May import: core, formats, store, host,
services; never cli/ nor click.
"""

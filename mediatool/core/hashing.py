"""blake2b, the one hash of the package: cache keys, checksums, remembered answers."""

from __future__ import annotations

try:  # blake2b's own module: importing hashlib loads OpenSSL too (~3 ms of every start)
    from _blake2 import blake2b
except ImportError:  # a Python without it
    from hashlib import blake2b

__all__ = ["blake2b"]

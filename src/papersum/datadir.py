"""The data directory: user state that must survive `papersum cache clear` (ratings, what was sent).

The cache holds results that can be recomputed; users clear it. What a reader rated and what a
newsletter already sent cannot be recomputed, so it lives here instead: `$PAPERSUM_DATA_DIR`, else
the `data_dir` setting of the config file, else the platform's user data directory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def data_dir() -> Path:
    """The data directory (not created here)."""
    from papersum.config import load_settings

    return load_settings().data_dir


def atomic_write_text(path: Path, text: str, *, private: bool = True) -> None:
    """Write `text` to `path` so a reader (or a killed writer) sees the old or the new file, never half."""
    atomic_write_bytes(path, text.encode("utf-8"), private=private)


def atomic_write_bytes(path: Path, data: bytes, *, private: bool = True) -> None:
    """Write `data` to `path` atomically and durably.

    The temporary file lives in the same directory (so the rename is atomic) and is flushed to disk
    before it replaces the target; the directory is synced after the rename so the new name survives
    a power cut too. User state stays readable by its owner only (`private`, the temporary file's
    mode); an output the user asked for gets the mode any new file gets (the umask's).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if not private:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open a directory; the rename is still atomic there
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it: put it straight back
    os.umask(mask)
    return mask

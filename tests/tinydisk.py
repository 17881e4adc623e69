"""A small tmpfs for disk-full tests: `tiny_disk(tmp_path, size)` mounts one (we run as root
in CI; elsewhere the test is skipped saying why) and `fill(dir, leave)` takes its space."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def tiny_disk(parent: Path, size: str = "2m") -> Iterator[Path]:
    """A fresh tmpfs of `size` mounted under `parent`, unmounted afterwards."""
    mount = parent / "tiny-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(
            "disk-full test needs to mount a small tmpfs (root, or CAP_SYS_ADMIN): "
            + (done.stderr.strip() or f"mount exited {done.returncode}")
        )
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(directory: Path, leave: int = 0) -> Path:
    """Take the disk's free space but `leave` bytes (to within a block); returns the filler
    file, whose removal frees the space again."""
    filler = directory / "filler.bin"
    with open(filler, "wb", buffering=0) as out:
        chunk = b"\0" * 65536
        while (room := _free(directory) - leave) > 0:
            try:
                out.write(chunk[: min(len(chunk), room)])
            except OSError:
                break
    return filler


def _free(directory: Path) -> int:
    info = os.statvfs(directory)
    return info.f_bavail * info.f_frsize

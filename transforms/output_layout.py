"""Where a dataset version lives, and how it appears atomically.

`OUTPUT/DATASET/VERSION/{data/, quarantine/, manifest.json, ...}`. A run writes into a hidden
staging directory beside it and renames it into place only when everything succeeded, so a
crashed or killed run never leaves a version that looks complete. On object stores, where a
directory rename is not atomic, files are moved one by one and `manifest.json` comes last: a
version without a manifest is incomplete by definition.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from apache_beam.io.filesystems import FileSystems

from tdg.transforms.errors import UserError

SIDE_DIR = "_run"
PROGRESS_DIR = "_progress"
MANIFEST = "manifest.json"
INDEX_DIR = "_index"


def is_local(uri: str) -> bool:
    return "://" not in uri


@dataclass(frozen=True, slots=True)
class VersionLayout:
    root: str
    dataset: str
    version: str
    run_id: str

    @property
    def dataset_dir(self) -> str:
        return FileSystems.join(self.root, self.dataset)

    @property
    def version_dir(self) -> str:
        return FileSystems.join(self.root, self.dataset, self.version)

    @property
    def staging_dir(self) -> str:
        return FileSystems.join(self.root, self.dataset, f".{self.version}.staging-{self.run_id}")

    @property
    def index_dir(self) -> str:
        """The subject fingerprint index: outside the dataset directory, by design."""
        return FileSystems.join(self.root, INDEX_DIR, self.dataset, self.version)

    @property
    def index_staging_dir(self) -> str:
        return FileSystems.join(
            self.root, INDEX_DIR, self.dataset, f".{self.version}.staging-{self.run_id}"
        )

    @property
    def side_dir(self) -> str:
        return FileSystems.join(self.staging_dir, SIDE_DIR)

    @property
    def progress_dir(self) -> str | None:
        return FileSystems.join(self.staging_dir, PROGRESS_DIR) if is_local(self.root) else None


def version_exists(layout: VersionLayout) -> bool:
    return FileSystems.exists(layout.version_dir)


def prepare_staging(layout: VersionLayout) -> None:
    """Refuse an existing version; make sure the output root can be written."""
    if version_exists(layout):
        raise UserError(
            f"{layout.version_dir}: dataset {layout.dataset!r} version {layout.version!r} "
            f"already exists; a run never overwrites a version (choose another version)"
        )
    if is_local(layout.root):
        try:
            Path(layout.staging_dir).mkdir(parents=True)
            probe = Path(layout.staging_dir, ".write-probe")
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            raise UserError(
                f"{layout.root}: output root is not writable ({exc.strerror})"
            ) from None


def discard_staging(layout: VersionLayout) -> None:
    if is_local(layout.root):
        shutil.rmtree(layout.staging_dir, ignore_errors=True)
        shutil.rmtree(layout.index_staging_dir, ignore_errors=True)
    else:
        # best effort: a hidden staging dir is harmless
        with contextlib.suppress(Exception):
            FileSystems.delete([layout.staging_dir])


def publish(layout: VersionLayout) -> None:
    """Move the staging directory into place (atomic on a local filesystem)."""
    for scratch in (SIDE_DIR, PROGRESS_DIR):
        path = FileSystems.join(layout.staging_dir, scratch)
        if is_local(path):
            shutil.rmtree(path, ignore_errors=True)
        elif FileSystems.exists(path):
            FileSystems.delete([path])
    if is_local(layout.root):
        if Path(layout.index_staging_dir).exists():
            Path(layout.index_dir).parent.mkdir(parents=True, exist_ok=True)
            os.rename(layout.index_staging_dir, layout.index_dir)
        try:
            os.rename(layout.staging_dir, layout.version_dir)
        except OSError as exc:
            raise UserError(
                f"{layout.version_dir}: cannot publish the version ({exc.strerror}); "
                f"the complete run is kept in {layout.staging_dir}"
            ) from None
        return
    _publish_remote(layout)


def _publish_remote(layout: VersionLayout) -> None:
    _move_tree(layout.index_staging_dir, layout.index_dir)
    _move_tree(layout.staging_dir, layout.version_dir, last=MANIFEST)


def _move_tree(source: str, dest: str, last: str | None = None) -> None:
    """Move every file under `source` to `dest`, the file named `last` after all others."""
    if not FileSystems.exists(source):
        return
    matches = FileSystems.match([FileSystems.join(source, "**")])[0].metadata_list
    files = sorted(m.path for m in matches)
    final = [f for f in files if last and f.endswith("/" + last)]
    ordered = [f for f in files if f not in final] + final
    FileSystems.rename(ordered, [dest + f[len(source) :] for f in ordered])

"""``doorstep htmx``: htmx from the npm registry, checked against its SRI hash, served by the app.

Public CDNs are slow or blocked in mainland China. A deployment there runs this
once (the registry may be a mirror such as https://registry.npmmirror.com),
then sets ``HTMX_URL=/vendor/htmx.min.js``: the app serves ``DATA_DIR/vendor``
at ``/vendor/``, and pages keep the same ``integrity`` attribute, so the
browser checks the file again.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from server.settings import HTMX_VERSION, Settings

REGISTRY = "https://registry.npmjs.org"
PACKAGE = "htmx.org"
FILE_IN_PACKAGE = "package/dist/htmx.min.js"
URL_PATH = "/vendor/htmx.min.js"
"""Where the app serves the copy; the value to give ``HTMX_URL``."""
MAX_TARBALL = 10 * 1024 * 1024


class IntegrityError(Exception):
    """The downloaded file is not the one the SRI hash names; nothing was written."""


def vendor_dir(settings: Settings) -> Path:
    """The folder the app serves at ``/vendor/``."""
    return settings.data_dir / "vendor"


def tarball_url(registry: str, version: str = HTMX_VERSION) -> str:
    """The package tarball's address on an npm registry (or a mirror with the same layout)."""
    return f"{registry.rstrip('/')}/{PACKAGE}/-/{PACKAGE}-{version}.tgz"


def sri(data: bytes) -> str:
    """The ``sha384-…`` Subresource Integrity value of ``data``."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read(MAX_TARBALL + 1)
    if len(data) > MAX_TARBALL:
        raise IntegrityError(f"{url} is larger than {MAX_TARBALL} bytes")
    return data


def _extract(tarball: bytes) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(FILE_IN_PACKAGE)
        if member is None:
            raise IntegrityError(f"the package has no {FILE_IN_PACKAGE}")
        return member.read()


def install(settings: Settings, registry: str = REGISTRY) -> Path:
    """Download htmx, check it against ``settings.htmx_integrity`` and write it.

    The file is written only when the hash matches, and atomically, so a
    server already serving an older copy never serves half a file.
    """
    try:
        script = _extract(_download(tarball_url(registry)))
    except (OSError, tarfile.TarError, KeyError) as error:
        raise IntegrityError(
            f"could not read htmx {HTMX_VERSION} from {registry}: {error}"
        ) from error
    found = sri(script)
    if found != settings.htmx_integrity:
        raise IntegrityError(
            f"htmx {HTMX_VERSION} from {registry} has hash {found}, "
            f"not {settings.htmx_integrity}; nothing was written"
        )
    folder = vendor_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "htmx.min.js"
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".htmx-")
    with os.fdopen(handle, "wb") as out:
        out.write(script)
    os.chmod(partial, 0o644)
    os.replace(partial, target)
    return target

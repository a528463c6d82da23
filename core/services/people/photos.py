"""Employee photos: decoded to check they are images, re-encoded, stored under a random name.

Nothing the browser sent is kept: the file is decoded by Pillow (which proves its type),
limited in bytes and pixels, turned upright, cropped square, and saved as a new JPEG.
"""

import io
import secrets
import warnings
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.services import DomainError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 6000  # pixels; larger images are refused before they are decoded
OUTPUT_SIDE = 512
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


class InvalidPhoto(DomainError):
    """Not an image we accept, or too large."""


def photos_dir() -> Path:
    """The folder of stored photos (instance/photos), created on demand."""
    folder = Path(current_app.instance_path) / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _decode(data: bytes) -> Image.Image:
    if len(data) > MAX_BYTES:
        raise InvalidPhoto(_("The photo is larger than 5 MB."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise InvalidPhoto(_("Upload a JPEG, PNG or WebP photo."))
            if max(image.size) > MAX_SIDE:
                raise InvalidPhoto(
                    _("The photo is larger than %(n)d pixels on a side.", n=MAX_SIDE)
                )
            image.load()
    except InvalidPhoto:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as error:
        raise InvalidPhoto(_("Upload a JPEG, PNG or WebP photo.")) from error
    return image


def reencode_photo(data: bytes) -> bytes:
    """The uploaded bytes as a fresh 512×512 JPEG, or InvalidPhoto."""
    image = ImageOps.exif_transpose(_decode(data)).convert("RGB")
    square = ImageOps.fit(image, (OUTPUT_SIDE, OUTPUT_SIDE), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    square.save(output, "JPEG", quality=85, optimize=True)
    return output.getvalue()


def store_photo(jpeg: bytes) -> str:
    """Write the JPEG under a new random name; return the name."""
    name = secrets.token_hex(16) + ".jpg"
    (photos_dir() / name).write_bytes(jpeg)
    return name


def delete_photo(name: str | None) -> None:
    """Remove a stored photo file, if it is there."""
    if name:
        (photos_dir() / Path(name).name).unlink(missing_ok=True)

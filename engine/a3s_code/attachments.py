"""Image attachments (JPEG, PNG, GIF, WebP), sniffed by their magic bytes and sent base64 to either provider."""

from __future__ import annotations

import base64
from pathlib import Path

from .errors import A3SError
from .messages import ImageBlock

MAX_BYTES = 20 * 1024 * 1024


def sniff_media_type(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


class Attachment:
    """``Attachment.from_file("shot.png")`` or ``Attachment.png(data)``; pass to ``send_with_attachments``."""

    def __init__(self, data: bytes, media_type: str | None = None) -> None:
        if len(data) > MAX_BYTES:
            raise A3SError(f"attachment is {len(data)} bytes; the limit is {MAX_BYTES}")
        detected = sniff_media_type(data)
        if detected is None:
            raise A3SError("unsupported attachment: only JPEG, PNG, GIF and WebP images are accepted")
        if media_type is not None and media_type != detected:
            raise A3SError(f"attachment claims {media_type} but its bytes are {detected}")
        self.data = data
        self.media_type = detected

    @classmethod
    def from_file(cls, path: str | Path) -> Attachment:
        file = Path(path).expanduser()
        try:
            return cls(file.read_bytes())
        except FileNotFoundError:
            raise A3SError(f"attachment not found: {file}") from None

    @classmethod
    def png(cls, data: bytes) -> Attachment:
        return cls(data, "image/png")

    @classmethod
    def jpeg(cls, data: bytes) -> Attachment:
        return cls(data, "image/jpeg")

    def to_block(self) -> ImageBlock:
        return ImageBlock(media_type=self.media_type, data=base64.b64encode(self.data).decode())  # type: ignore[arg-type]

"""Evidence files: type checked by content (jpg/png/pdf), size-limited, images re-encoded, stored by sha256.

An image is refused by the size its header declares (EVIDENCE_MAX_PIXELS) before it is decoded: an 11000×11000 JPEG
of 2 MB would take about 1 GB of memory to decode and re-encode. PDFs are not parsed here, only size-limited."""
import hashlib
import io
import os
import tempfile
from pathlib import Path

from flask import abort, current_app, send_file
from PIL import Image, UnidentifiedImageError

from .config import Config
from .i18n import _l

# Pillow's own guard for every image this process opens: Image.open raises DecompressionBombError, from the header
# alone, above twice this many pixels (and warns above it); inspect_upload refuses above the configured limit first.
Image.MAX_IMAGE_PIXELS = Config.EVIDENCE_MAX_PIXELS


class EvidenceRejected(ValueError):
    pass


_IMAGE_TYPES = {'JPEG': 'image/jpeg', 'PNG': 'image/png'}


def inspect_upload(data: bytes) -> tuple[bytes, str]:
    """Return (bytes to store, content type) or raise EvidenceRejected with a message for the uploader."""
    limit = current_app.config['EVIDENCE_MAX_BYTES']
    if not data:
        raise EvidenceRejected(_l('文件为空，请重新选择'))
    if len(data) > limit:
        raise EvidenceRejected(_l('文件超过 %(mb)s MB 的大小限制', mb=limit // (1024 * 1024)))
    if data.startswith(b'%PDF-'):
        if b'%%EOF' not in data[-2048:]:
            raise EvidenceRejected(_l('PDF 文件不完整或已损坏'))
        return data, 'application/pdf'
    pixels = current_app.config['EVIDENCE_MAX_PIXELS']
    too_large = EvidenceRejected(_l('图片像素过多（宽×高不能超过 %(limit)s），请缩小尺寸后再上传', limit=format(pixels, ',')))
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            kind = probe.format
            if kind not in _IMAGE_TYPES:
                raise EvidenceRejected(_l('只能上传 jpg、png 或 pdf 格式的文件'))
            if probe.width * probe.height > pixels:
                raise too_large
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            out = io.BytesIO()  # re-encoding drops anything hidden behind the picture (metadata, appended data)
            if kind == 'JPEG':
                image.convert('RGB').save(out, 'JPEG', quality=90)
            else:
                image.save(out, 'PNG')
    except EvidenceRejected:
        raise
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise EvidenceRejected(_l('只能上传 jpg、png 或 pdf 格式的文件（按文件内容识别，改扩展名无效）')) from None
    return out.getvalue(), _IMAGE_TYPES[kind]


def store(data: bytes) -> str:
    """Write the bytes under their sha256 (idempotent) and return the hash.

    EVIDENCE_DIR may be a directory every host sees (a network mount): the file is written under a name of its own
    in the same directory, made durable, then renamed into place at once, so a reader never sees part of a file.
    The name is the content's hash, so two hosts storing the same file at the same moment write the same bytes to
    the same name; whichever rename comes last leaves what the first left."""
    digest = hashlib.sha256(data).hexdigest()
    path = file_path(digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.', suffix='.tmp')
        try:
            with os.fdopen(fd, 'wb') as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return digest


def file_path(digest: str) -> Path:
    return Path(current_app.config['EVIDENCE_DIR']) / digest[:2] / digest[2:]


def download(digest: str | None, content_type: str | None, name: str):
    """A stored file as a download called *name* with the extension of its type (a licence scan …); 404 when there
    is none."""
    if not digest or not file_path(digest).exists():
        abort(404)
    extension = 'pdf' if content_type == 'application/pdf' else (content_type or '').split('/')[-1]
    return send_file(file_path(digest), mimetype=content_type, download_name=f'{name}.{extension}')

"""A web worker starts without the libraries only some requests need: fpdf2
(with fontTools and cryptography), segno, pypdfium2 and pillow-heif, about
40 MB of the worker's memory, are loaded by the request or task that prints a
document, makes a thumbnail or opens an uploaded photo. An iPhone photo is
still accepted by a cover field in such a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path

from community.tests.test_heic_uploads import heic

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("fpdf", "fontTools", "segno", "pypdfium2", "pypdfium2_raw", "pillow_heif")

PROBE = """
import json, sys
from django.core.files.uploadedfile import SimpleUploadedFile
from community.wsgi import application
started = sorted({name.split(".")[0] for name in sys.modules} & set(LAZY))
from community.images import ImageUploadField
with open(PATH, "rb") as photo:
    upload = SimpleUploadedFile("IMG_0001.HEIC", photo.read(), "image/heic")
picture = ImageUploadField().clean(upload)
print(json.dumps({"started": started, "format": picture.image.format}))
"""


def test_a_worker_starts_without_the_printing_and_photo_libraries(tmp_path):
    photo = tmp_path / "photo.heic"
    photo.write_bytes(heic())
    probe = f"LAZY = {LAZY!r}\nPATH = {str(photo)!r}\n" + PROBE
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "community.settings.test"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["started"] == []
    assert seen["format"] == "HEIF"

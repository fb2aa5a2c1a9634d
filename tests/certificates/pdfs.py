"""Reading the PDFs the way a person would: the text in them, and the first page as a picture."""
import io
from pathlib import Path

import pypdfium2
from pypdf import PdfReader

ARTIFACTS = Path(__file__).resolve().parents[2] / 'test-artifacts'


def pdf_text(data: bytes) -> str:
    assert data.startswith(b'%PDF'), data[:100]
    return '\n'.join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def render_first_page(data: bytes, name: str):
    """Render page 1 to PNG under test-artifacts/ and return the image (PIL) for checks."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        image = pdf[0].render(scale=1.5).to_pil().convert('L')
    finally:
        pdf.close()
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / name)
    return image


def dark_share(image) -> float:
    """Share of pixels that are clearly not white paper."""
    histogram = image.histogram()
    return sum(histogram[:128]) / (image.width * image.height)

"""Read back the QR codes we draw as SVG, with the same decoder as the card tests."""

import io
import re

import zxingcpp
from PIL import Image

SVG_RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-\d+z")
VIEW_BOX = re.compile(r'viewBox="0 0 (\d+) \d+"')
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
PIXELS_PER_MODULE = 8


def svg_png(svg: str) -> bytes:
    """Rasterise our QR SVG (one path of 1-module-high runs of dark modules) to a PNG."""
    size = int(VIEW_BOX.search(svg).group(1))
    image = Image.new("1", (size, size), 1)
    for x, y, width in (map(int, run) for run in SVG_RUN.findall(svg)):
        for dx in range(width):
            image.putpixel((x + dx, y), 0)
    scaled = size * PIXELS_PER_MODULE
    buffer = io.BytesIO()
    image.resize((scaled, scaled), Image.Resampling.NEAREST).save(buffer, format="PNG")
    return buffer.getvalue()


def decoded_svg(svg: str) -> str:
    """The text of the one QR code an SVG draws."""
    [result] = zxingcpp.read_barcodes(Image.open(io.BytesIO(svg_png(svg))))
    return result.text


def svgs_in(html: str) -> list[str]:
    """The inline SVG images of a page, in order."""
    return SVG.findall(html)

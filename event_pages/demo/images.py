"""Demo pictures drawn with Pillow: nothing is downloaded.

Every picture is seeded by its title, so the same title always gives the same
picture. Heavy effects (blurred glows) are drawn small and scaled up, which
keeps a 1600x900 hero well under 100 ms.
"""

import hashlib
import io
import math
import random
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

HERO_SIZE = (1600, 900)
SQUARE = 600

FONT_DIR = Path("/usr/share/fonts")
FONT_CANDIDATES = {
    "bold": [
        "truetype/dejavu/DejaVuSans-Bold.ttf",
        "truetype/liberation/LiberationSans-Bold.ttf",
        "TTF/DejaVuSans-Bold.ttf",
        "dejavu/DejaVuSans-Bold.ttf",
    ],
    "regular": [
        "truetype/dejavu/DejaVuSans.ttf",
        "truetype/liberation/LiberationSans-Regular.ttf",
        "TTF/DejaVuSans.ttf",
        "dejavu/DejaVuSans.ttf",
    ],
}

# (deep, mid, glow, highlight) — night-time colours that sit well on the dark theme.
PALETTES = {
    "violet": ((14, 10, 38), (52, 28, 110), (165, 150, 255), (255, 120, 190)),
    "teal": ((6, 22, 34), (14, 70, 92), (63, 224, 207), (160, 150, 255)),
    "sunset": ((30, 8, 30), (110, 30, 70), (255, 120, 90), (255, 212, 121)),
    "ocean": ((8, 14, 40), (24, 50, 120), (90, 160, 255), (110, 231, 183)),
    "ember": ((24, 10, 12), (90, 24, 30), (255, 138, 138), (255, 190, 110)),
    "forest": ((6, 24, 20), (20, 80, 60), (110, 231, 183), (230, 240, 150)),
}


def _font_path(weight: str) -> Path | None:
    for candidate in FONT_CANDIDATES[weight]:
        path = FONT_DIR / candidate
        if path.exists():
            return path
    if FONT_DIR.is_dir():  # any TrueType font beats the bitmap fallback
        pattern = "*Bold*.ttf" if weight == "bold" else "*Sans*.ttf"
        return next(iter(sorted(FONT_DIR.rglob(pattern))), None)
    return None


def font(size: int, weight: str = "bold") -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path(weight)
    if path is not None:
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _rng(*parts: str) -> random.Random:
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def _palette(rng: random.Random, name: str | None = None):
    if name in PALETTES:
        return PALETTES[name]
    return PALETTES[sorted(PALETTES)[rng.randrange(len(PALETTES))]]


def _corner_gradient(size, corners) -> Image.Image:
    """A smooth four-corner gradient: a 2x2 image scaled up bilinearly."""
    tiny = Image.new("RGB", (2, 2))
    tiny.putdata(corners)  # top-left, top-right, bottom-left, bottom-right
    return tiny.resize(size, Image.Resampling.BILINEAR, reducing_gap=None)


def _glows(size, rng: random.Random, colours, count: int) -> Image.Image:
    """Soft light blobs, drawn at 1/8 scale, blurred, then scaled up."""
    scale = 8
    small = (size[0] // scale, size[1] // scale)
    layer = Image.new("RGB", small, (0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(count):
        radius = rng.uniform(0.12, 0.32) * small[0]
        x, y = rng.uniform(0, small[0]), rng.uniform(0, small[1])
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=rng.choice(colours))
    layer = layer.filter(ImageFilter.GaussianBlur(small[0] / 14))
    return layer.resize(size, Image.Resampling.BICUBIC)


def _left_shade(size, strength: int = 215) -> Image.Image:
    """A black mask that is dense on the left (behind the text) and clear on the right."""
    ramp = Image.linear_gradient("L").rotate(90, expand=True).resize(size)  # 0 left, 255 right
    return ramp.point(lambda v: int((255 - v) ** 1.3 / 255**1.3 * strength))


def _initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum() and not w.endswith(".")]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def _to_jpeg(image: Image.Image, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def hero_image(title: str, *, palette: str | None = None) -> bytes:
    """An abstract poster: glows, rings and waves over a gradient, seeded by `title`.

    No words are drawn in: one picture serves every language of the page (the title is
    the page's heading, in the visitor's language, not baked into English pixels).
    """
    size = HERO_SIZE
    rng = _rng("hero", title)
    deep, mid, glow, highlight = _palette(rng, palette)
    image = _corner_gradient(
        size, [mid, deep, deep, mid] if rng.random() < 0.5 else [deep, mid, mid, deep]
    )
    glows = _glows(size, rng, [glow, highlight, mid], 7).point(lambda v: v * 4 // 5)
    image = ImageChops.screen(image, glows)

    shapes = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(shapes)
    cx, cy = rng.uniform(0.6, 0.85) * size[0], rng.uniform(0.25, 0.75) * size[1]
    for ring in range(6):  # concentric rings, like a speaker cone or a sun
        radius = 90 + ring * rng.uniform(45, 70)
        draw.ellipse(
            [cx - radius, cy - radius, cx + radius, cy + radius],
            outline=(*highlight, max(30, 150 - ring * 22)),
            width=3 if ring == 0 else 2,
        )
    for wave in range(4):  # sound waves across the lower third
        phase, amplitude = rng.uniform(0, math.tau), 26 + wave * 14
        base_y = size[1] * (0.68 + wave * 0.06)
        points = [
            (x, base_y + math.sin(x / (140 + wave * 30) + phase) * amplitude)
            for x in range(-20, size[0] + 40, 16)
        ]
        draw.line(points, fill=(*glow, 120 - wave * 20), width=3, joint="curve")
    for _ in range(3):  # a few bright accents
        x, y, r = (
            rng.uniform(0.45, 0.95) * size[0],
            rng.uniform(0.1, 0.9) * size[1],
            rng.uniform(6, 16),
        )
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(*highlight, 220))
    for row in range(6):  # a dotted grid in the top-right corner
        for col in range(10):
            x, y = size[0] - 60 - col * 26, 50 + row * 26
            draw.ellipse([x - 2, y - 2, x + 2, y + 2], fill=(255, 255, 255, 70))
    image.paste(shapes, (0, 0), shapes)
    image.paste((0, 0, 0), (0, 0), _left_shade(size))
    return _to_jpeg(image)


def logo(name: str, *, palette: str | None = None) -> bytes:
    """A square logo: a glowing ring with the organization's initials."""
    size = (SQUARE, SQUARE)
    rng = _rng("logo", name)
    deep, mid, glow, highlight = _palette(rng, palette)
    image = _corner_gradient(size, [mid, deep, deep, deep])
    image = ImageChops.screen(image, _glows(size, rng, [glow, mid], 3))
    draw = ImageDraw.Draw(image)
    margin = SQUARE * 0.14
    draw.ellipse([margin, margin, SQUARE - margin, SQUARE - margin], outline=glow, width=14)
    arc = [margin - 26, margin - 26, SQUARE - margin + 26, SQUARE - margin + 26]
    draw.arc(arc, start=200, end=320, fill=highlight, width=8)
    initials = _initials(name)
    typeface = font(int(SQUARE * 0.3))
    draw.text((SQUARE / 2, SQUARE / 2), initials, font=typeface, fill=(255, 255, 255), anchor="mm")
    return _to_jpeg(image, quality=90)


def portrait(name: str, *, palette: str | None = None) -> bytes:
    """An abstract avatar: soft light, two arcs and the person's initials."""
    size = (SQUARE, SQUARE)
    rng = _rng("portrait", name)
    deep, mid, glow, highlight = _palette(rng, palette)
    image = _corner_gradient(size, [mid, deep, deep, mid])
    image = ImageChops.screen(image, _glows(size, rng, [glow, highlight, mid], 4))
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    s = SQUARE
    start = rng.uniform(0, 360)
    draw.arc(
        [s * 0.12, s * 0.12, s * 0.88, s * 0.88], start, start + 250, fill=(*glow, 230), width=10
    )
    draw.arc(
        [s * 0.2, s * 0.2, s * 0.8, s * 0.8],
        start + 140,
        start + 300,
        fill=(*highlight, 200),
        width=6,
    )
    image.paste(layer, (0, 0), layer)
    draw = ImageDraw.Draw(image)
    typeface = font(int(s * 0.24))
    draw.text((s / 2 + 4, s / 2 + 5), _initials(name), font=typeface, fill=deep, anchor="mm")
    draw.text((s / 2, s / 2), _initials(name), font=typeface, fill=(255, 255, 255), anchor="mm")
    return _to_jpeg(image)

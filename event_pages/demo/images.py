"""Demo pictures drawn with Pillow: nothing is downloaded."""

import hashlib
import io
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
]

PALETTES = [
    ((37, 20, 92), (255, 94, 140), (255, 196, 87)),
    ((9, 33, 64), (41, 211, 194), (160, 140, 255)),
    ((40, 10, 45), (255, 120, 80), (255, 230, 150)),
    ((12, 24, 40), (90, 160, 255), (180, 255, 220)),
    ((30, 12, 60), (200, 90, 255), (90, 220, 255)),
    ((18, 40, 30), (120, 230, 140), (250, 250, 160)),
]


def _font(size: int):
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def _rng(seed: str) -> random.Random:
    return random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:12], 16))


def _gradient(size, top, bottom) -> Image.Image:
    width, height = size
    base = Image.new("RGB", size, top)
    draw = ImageDraw.Draw(base)
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    return base


def _to_jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def hero_image(title: str, *, size=(1600, 900)) -> bytes:
    """An abstract poster: glowing orbs and waves over a deep gradient, with the title."""
    rng = _rng(title)
    dark, glow, light = PALETTES[rng.randrange(len(PALETTES))]
    image = _gradient(size, dark, tuple(max(c - 25, 0) for c in dark))
    layer = Image.new("RGB", size, (0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(7):
        radius = rng.randint(120, 420)
        x, y = rng.randint(0, size[0]), rng.randint(0, size[1])
        colour = glow if rng.random() < 0.6 else light
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)
    layer = layer.filter(ImageFilter.GaussianBlur(140))
    image = Image.blend(image, layer, 0.55)
    draw = ImageDraw.Draw(image)
    for wave in range(5):
        points = []
        offset = rng.uniform(0, math.tau)
        base_y = size[1] * (0.55 + wave * 0.07)
        for x in range(0, size[0] + 20, 20):
            points.append((x, base_y + math.sin(x / 170 + offset) * (40 + wave * 12)))
        draw.line(points, fill=light, width=2)
    font = _font(86)
    words, lines, line = title.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > size[0] * 0.8 and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    lines = lines[:3]
    y = (size[1] - 104 * len(lines)) // 2
    for text in lines:
        draw.text((90, y), text, font=font, fill=(255, 255, 255))
        y += 104
    return _to_jpeg(image)


def logo(name: str, *, size=400) -> bytes:
    rng = _rng("logo" + name)
    dark, glow, light = PALETTES[rng.randrange(len(PALETTES))]
    image = _gradient((size, size), glow, dark)
    draw = ImageDraw.Draw(image)
    initials = "".join(word[0] for word in name.split()[:2]).upper()
    font = _font(int(size * 0.42))
    box = draw.textbbox((0, 0), initials, font=font)
    draw.text(
        ((size - (box[2] - box[0])) / 2 - box[0], (size - (box[3] - box[1])) / 2 - box[1]),
        initials,
        font=font,
        fill=(255, 255, 255),
    )
    return _to_jpeg(image)


def portrait(name: str, *, size=400) -> bytes:
    """An abstract avatar with the person's initials."""
    rng = _rng("portrait" + name)
    dark, glow, light = PALETTES[rng.randrange(len(PALETTES))]
    image = _gradient((size, size), dark, glow)
    draw = ImageDraw.Draw(image)
    draw.ellipse([size * 0.3, size * 0.16, size * 0.7, size * 0.56], fill=light)
    draw.ellipse([size * 0.14, size * 0.62, size * 0.86, size * 1.3], fill=light)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    draw.text((18, 14), initials, font=_font(48), fill=(255, 255, 255))
    return _to_jpeg(image)

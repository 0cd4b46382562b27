"""Copy the current screenshots for the README from test-artifacts/ (written by
tests/browser/test_accessibility.py) to docs/screenshots/, cropped to the first screens and
reduced to a small palette so that the repository stays light.

    .venv/bin/python -m pytest tests/browser/test_accessibility.py && \
    .venv/bin/python scripts/docs_screenshots.py
"""

from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SOURCE, TARGET = ROOT / "test-artifacts", ROOT / "docs" / "screenshots"
# name: the greatest height kept, in pixels
SHOTS = {
    "commentary-1280": 1500,
    "commentary-360": 2000,
    "listing-1280": 1700,
    "listing-360": 2000,
}


def main():
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, height in SHOTS.items():
        with Image.open(SOURCE / f"{name}.png") as shot:
            shot = shot.convert("RGB")
            shot = shot.crop((0, 0, shot.width, min(height, shot.height)))
            small = shot.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
            path = TARGET / f"{name}.png"
            small.save(path, optimize=True)
            print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()

"""Writes a folder data set for dnw (data.source = "folders") from real photos: the
colour photographs that ship inside scikit-image (skimage.data: an astronaut, a cat,
a cup of coffee, motorcycles, a rocket, …), each concept an edit made with Pillow
(sepia, pixel art, a pencil sketch, …), its pairs random square crops of the photos
before (A/) and after (B/) the edit. Four concepts combine two edits that the others
show alone, and split.json holds them out: the paper's unseen combinations.

    .venv/bin/python tools/photo_concepts.py runs/photos-data [--pairs 20] [--size 96] [--seed 1]

experiments/photos.toml runs the whole comparison on it (experiments/README.md,
"Your own photos").
"""
import argparse
import json
import pathlib
import random

import numpy as np
import skimage.data
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

# The colour photographs among the files skimage.data ships (no download).
PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "motorcycle_left.png", "motorcycle_right.png", "rocket.jpg",
          "retina.jpg", "ihc.png"]


def sepia(im):
    return ImageOps.colorize(ImageOps.grayscale(im), black="#2b1b0e", white="#f3e3c3")


def pixelate(im):
    w, h = im.size
    return im.resize((max(1, w // 8), max(1, h // 8)), Image.NEAREST).resize((w, h), Image.NEAREST)


def sketch(im):
    grey = ImageOps.grayscale(im)
    edges = ImageOps.invert(grey.filter(ImageFilter.FIND_EDGES))
    return ImageOps.autocontrast(edges).convert("RGB")


def tint(r, g, b):
    def edit(im):
        arr = np.asarray(im, dtype=np.float32) * np.array([r, g, b], dtype=np.float32)
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return edit


# Each concept: its edit and the prompts a user might write for it (paraphrases).
EDITS = {
    "sepia": (sepia, ["sepia photograph", "old brown-toned photo", "antique sepia print"]),
    "grayscale": (lambda im: ImageOps.grayscale(im).convert("RGB"),
                  ["black and white photo", "grayscale image", "monochrome picture"]),
    "invert": (ImageOps.invert, ["inverted colors", "photo negative", "negative film look"]),
    "posterize": (lambda im: ImageOps.posterize(im, 2), ["posterized image", "flat bands of color", "poster art"]),
    "solarize": (lambda im: ImageOps.solarize(im, 128), ["solarized photo", "sabattier effect", "half-inverted tones"]),
    "blur": (lambda im: im.filter(ImageFilter.GaussianBlur(2.5)), ["blurred photo", "out of focus", "soft gaussian blur"]),
    "pixelate": (pixelate, ["pixel art", "pixelated image", "8-bit blocky look"]),
    "sketch": (sketch, ["pencil sketch", "line drawing", "hand-drawn outline"]),
    "emboss": (lambda im: im.filter(ImageFilter.EMBOSS), ["embossed relief", "carved metal look", "raised emboss effect"]),
    "saturate": (lambda im: ImageEnhance.Color(im).enhance(2.5), ["vivid saturated colors", "bright intense hues", "oversaturated photo"]),
    "desaturate": (lambda im: ImageEnhance.Color(im).enhance(0.3), ["muted colors", "washed out faded tones", "desaturated photo"]),
    "warm": (tint(1.15, 1.0, 0.8), ["warm golden tint", "sunset orange light", "warm tones"]),
    "cool": (tint(0.8, 0.95, 1.2), ["cool blue tint", "cold winter light", "cool tones"]),
    "contrast": (lambda im: ImageEnhance.Contrast(im).enhance(2.0), ["high contrast", "punchy deep blacks", "strong contrast photo"]),
    "darken": (lambda im: ImageEnhance.Brightness(im).enhance(0.55), ["darkened photo", "underexposed night look", "dim low light"]),
    "mirror": (ImageOps.mirror, ["mirrored image", "flipped left to right", "horizontal mirror"]),
}

# Two edits in a row; their prompts join one of each part's.
COMBOS = [("sepia", "blur"), ("pixelate", "invert"), ("sketch", "warm"), ("grayscale", "contrast"),
          ("posterize", "cool"), ("saturate", "mirror"), ("desaturate", "darken"), ("emboss", "sepia")]
HELDOUT = ["sepia-blur", "pixelate-invert", "sketch-warm", "grayscale-contrast"]


def concepts():
    out = {name: (edit, prompts) for name, (edit, prompts) in EDITS.items()}
    for a, b in COMBOS:
        (fa, pa), (fb, pb) = EDITS[a], EDITS[b]
        prompts = [f"{pa[0]}, {pb[0]}", f"{pa[1]} and {pb[1]}", f"{pb[2]} with {pa[2]}"]
        out[f"{a}-{b}"] = ((lambda im, fa=fa, fb=fb: fb(fa(im))), prompts)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=pathlib.Path)
    ap.add_argument("--pairs", type=int, default=20, help="pairs per concept (crops)")
    ap.add_argument("--size", type=int, default=96, help="side of the square crops, in pixels")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    folder = pathlib.Path(skimage.data.__file__).parent
    photos = [Image.open(folder / name).convert("RGB") for name in PHOTOS]
    rng = random.Random(args.seed)
    for name, (edit, prompts) in concepts().items():
        d = args.out / name
        for side in ("A", "B"):
            (d / side).mkdir(parents=True, exist_ok=True)
        (d / "prompt.txt").write_text("\n".join(prompts) + "\n")
        for i in range(args.pairs):
            photo = rng.choice(photos)
            s = rng.randint(args.size, min(photo.size))  # crops of every scale, resized to size
            x, y = rng.randint(0, photo.size[0] - s), rng.randint(0, photo.size[1] - s)
            crop = photo.crop((x, y, x + s, y + s)).resize((args.size, args.size), Image.LANCZOS)
            crop.save(d / "A" / f"{i:03d}.png")
            edit(crop).convert("RGB").save(d / "B" / f"{i:03d}.png")
    (args.out / "split.json").write_text(json.dumps({"heldout": HELDOUT}, indent=1) + "\n")
    print(f"{len(EDITS) + len(COMBOS)} concepts × {args.pairs} pairs of {args.size}×{args.size} in {args.out}; "
          f"held out (split.json): {', '.join(HELDOUT)}")


if __name__ == "__main__":
    main()

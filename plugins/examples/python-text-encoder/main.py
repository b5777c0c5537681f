"""text.tfidf: a dnw text encoder in Python. A prompt's embedding is its TF-IDF vector
(word or character n-grams, weighted by a corpus of image-style descriptions),
projected onto the corpus's main latent directions (LSA: truncated SVD) and scaled to
unit length. Words that share descriptions in the corpus ("sepia", "brown-toned",
"antique") get near directions, which hashing cannot give; a word the corpus lacks
adds nothing. The corpus is part of this file, so `dnw plugins lock` pins it too.

The plugin's file is this script with a first line naming the Python that has
scikit-learn and dnw_plugin (README.md beside it)."""
import dnw_plugin as dnw
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer

# Descriptions of image styles, one document each: the words a document puts
# together are what LSA relates.
CORPUS = """\
sepia photograph with an old brown-toned look, like an antique print
antique photo in warm brown sepia tones, faded like a nineteenth century print
vintage photograph, faded colours and a yellowed, aged paper tone
old film photo with grain, scratches and faded colour
black and white photograph, monochrome grayscale without colour
grayscale image, shades of grey, a monochrome black-and-white photo
high contrast monochrome, deep blacks and bright whites
pixel art with large blocky pixels, an 8-bit retro video game look
pixelated image, low resolution mosaic of square blocks
retro 8-bit game graphics, chunky pixels and a small palette
pencil sketch, a hand-drawn drawing of lines and shading
charcoal drawing with smudged dark strokes on paper
ink line drawing, an outline sketch in black ink
watercolour painting with soft washes of colour bleeding into each other
oil painting with thick brush strokes and rich colour
impressionist painting, dabs of paint and visible brushwork
cartoon style with flat colours and bold outlines
comic book illustration, inked outlines and halftone dots
posterized image with a few flat bands of colour
pop art, bright flat colours and strong outlines
blurred photo, out of focus and soft, a gaussian blur
soft focus dreamy image, gently blurred and glowing
motion blur, streaks of movement across the frame
sharpened photo with crisp edges and fine detail
noisy photograph, grainy with speckled sensor noise
film grain, a grainy analog texture over the image
inverted colours, a photo negative where light becomes dark
negative film look, colours reversed and inverted
warm tones, golden orange light like a sunset
cool tones, a cold blue tint like winter light
teal and orange colour grade, a cinematic film look
saturated vivid colours, bright and intense hues
desaturated muted colours, washed out and pale
pastel colours, soft light pinks and blues
neon glow, bright electric colours on a dark background
night scene, dark with deep shadows and little light
overexposed bright photo, washed out highlights
underexposed dark photo, murky shadows and low light
high dynamic range, detailed shadows and highlights
emboss effect, a raised relief look like carved metal
edge detection, bright outlines of edges on black
mosaic tiles, an image made of small coloured tiles
stained glass, bold colour cells with dark lead lines
vignette, darkened corners framing the centre
glitch art, broken digital colour shifts and scan lines
thermal camera look, false colour heat map
x-ray look, a glowing inverted monochrome
cyanotype, a blueprint blue photographic print
duotone print in two inks, like a screen print
halftone print made of dots, like an old newspaper photo
""".splitlines()


class TfidfEncoder:
    info = dnw.Info(
        id="text.tfidf", version="0.1.0",
        doc="TF-IDF of a prompt's n-grams over a corpus of image-style descriptions, projected by LSA "
            "(truncated SVD) onto dim directions, unit length (scikit-learn; a Python plugin).",
        options=[
            dnw.Option("dim", "int", 32, min=2, max=len(CORPUS) - 1, doc="embedding size: the LSA directions kept"),
            dnw.Option("analyzer", "string", "char_wb", enum=["char_wb", "word"],
                       doc="n-grams of characters within words (3 to 5) or of words (1 and 2)"),
        ])

    def __init__(self):
        self.models = {}  # by (dim, analyzer): fitted once, then reused

    def encode(self, prompts, options):
        key = options["dim"], options["analyzer"]
        if key not in self.models:
            ngrams = (3, 5) if key[1] == "char_wb" else (1, 2)
            self.models[key] = make_pipeline(
                TfidfVectorizer(analyzer=key[1], ngram_range=ngrams, sublinear_tf=True),
                TruncatedSVD(n_components=key[0], algorithm="randomized", n_iter=10, random_state=0),
                Normalizer()).fit(CORPUS)
        return self.models[key].transform(prompts)


if __name__ == "__main__":
    dnw.serve(TfidfEncoder())

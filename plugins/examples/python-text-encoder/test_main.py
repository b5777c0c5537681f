"""text.tfidf's encoder in process: one row per prompt, unit length, repeatable, and
near for prompts its corpus relates."""
import contextlib
import io
import pathlib
import re
import unittest

import numpy as np

from main import TfidfEncoder

OPTIONS = {"dim": 32, "analyzer": "char_wb"}


class TfidfTest(unittest.TestCase):
    def test_shape_norm_and_repeatability(self):
        prompts = ["sepia photograph", "pixel art", "a charcoal drawing, slightly blurred"]
        e = TfidfEncoder().encode(prompts, OPTIONS)
        self.assertEqual(e.shape, (3, 32))
        np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1, atol=1e-6)
        # A fresh encoder (another process) fits the same model: the embeddings, and so
        # dnw's stage fingerprints, do not change between runs.
        np.testing.assert_array_equal(e, TfidfEncoder().encode(prompts, OPTIONS))
        # A prompt's embedding does not depend on the others in its batch.
        np.testing.assert_allclose(e[1:2], TfidfEncoder().encode(prompts[1:2], OPTIONS), atol=1e-12)

    def test_the_corpus_relates_paraphrases(self):
        for analyzer in ("char_wb", "word"):
            sepia, brown, pixel = TfidfEncoder().encode(
                ["sepia photograph", "old brown-toned photo", "pixel art"], {"dim": 32, "analyzer": analyzer})
            self.assertGreater(sepia @ brown, sepia @ pixel + 0.3, analyzer)

    def test_odd_input(self):
        e = TfidfEncoder().encode(["", "☃ ünïcode !!!", "word " * 500], OPTIONS)
        self.assertTrue(np.isfinite(e).all())

    def test_the_readmes_table_is_what_its_command_prints(self):
        readme = (pathlib.Path(__file__).parent / "README.md").read_text()
        script = re.search(r"python -c '\n(.*?)'\n```", readme, re.S).group(1)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(script, {})
        (c_sb, c_sp), (w_sb, w_sp) = [line.split()[1:] for line in out.getvalue().splitlines()]
        table = [line for line in readme.splitlines() if line.startswith('| "sepia photograph" ~')]
        self.assertEqual(table[0], f'| "sepia photograph" ~ "old brown-toned photo" | {c_sb} | {w_sb} |')
        self.assertEqual(table[1], f'| "sepia photograph" ~ "pixel art" | {c_sp} | {w_sp} |'.replace("-", "−"))


if __name__ == "__main__":
    unittest.main()

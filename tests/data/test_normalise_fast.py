"""normalise_text on Arrow strings (pyarrow, no Python loop) gives what the object path gives."""

from __future__ import annotations

import pandas as pd

from data.importers.normalise import normalise_text


def test_arrow_strings_are_stripped_exactly_like_str_strip() -> None:
    chars = [chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000]
    values = [f"{c}a{c}" for c in chars] + [" ", "", None, "\t x \n", "\u00a0y\u3000"]
    arrow = pd.Series(values, dtype="str")
    assert arrow.array.__class__.__name__ == "ArrowStringArray"
    fast = normalise_text(arrow)
    slow = normalise_text(arrow.astype(object))
    pd.testing.assert_series_equal(fast, slow)
    assert fast.dtype == pd.Series(["x"], dtype="str").dtype


def test_arrow_strings_keep_the_index() -> None:
    series = pd.Series([" a ", "   ", None], dtype="str", index=[7, 3, 9])
    out = normalise_text(series)
    assert out.index.tolist() == [7, 3, 9]
    assert out.iloc[0] == "a" and out.isna().tolist() == [False, True, True]

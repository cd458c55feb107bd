"""Column-wise text formatting (geo._common) gives the same text as the scalar formatters."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo._common import fmt_num, fmt_num_col, fmt_years_col


def test_fmt_num_col_equals_fmt_num_element_for_element() -> None:
    rng = np.random.default_rng(3)
    values = np.r_[
        [0.0, -0.0, 0.04, -0.04, 999.5, 999.96, -999.96, 1234567.45, 1e12, 2.675, 0.125,
         float("nan")],
        rng.normal(0, 1e4, 5000) * rng.choice([1e-3, 1.0, 1e3], 5000),
    ]
    for decimals in (0, 1, 3):
        assert fmt_num_col(values, decimals).tolist() == [fmt_num(v, decimals) for v in values]
    assert fmt_num_col([1234.5]).tolist() == ["1.234,5"]
    assert fmt_num_col([]).tolist() == []


def test_fmt_years_col() -> None:
    start = pd.Series([2027, None, 2027, 2030, 2027], dtype="Int64")
    eind = pd.Series([2028, 2029, None, 2030, 2025], dtype="Int64")
    assert fmt_years_col(start, eind).tolist() == [
        "2027–2028", "jaar onbekend", "2027", "2030", "2027–2025"]

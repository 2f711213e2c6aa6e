"""Connected components with 16-bit labels, and the 32-bit fallback."""

from __future__ import annotations

import numpy as np

from jixiao.readers.ocr import _components


def test_a_few_components_are_counted_with_their_boxes() -> None:
    mask = np.zeros((50, 80), np.uint8)
    mask[5:10, 5:40] = 255
    mask[20:45, 60:63] = 255
    n, _, stats = _components(mask)
    assert n == 3  # background and two strokes
    assert sorted(tuple(s[:4]) for s in stats[1:]) == [(5, 5, 35, 5), (60, 20, 3, 25)]


def test_more_components_than_16_bit_labels_can_number_fall_back_to_32_bits() -> None:
    mask = np.zeros((700, 700), np.uint8)
    mask[::2, ::2] = 255  # 350 × 350 isolated dots
    n, labels, stats = _components(mask)
    assert n == 350 * 350 + 1
    assert labels.max() == 350 * 350
    assert len(stats) == n

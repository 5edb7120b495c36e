"""Numbers for the dashboard's charts: SVG coordinates, axis maxima."""

from __future__ import annotations


def svg_number(value: float) -> str:
    """An SVG coordinate: one decimal, never localised."""
    return f"{value:.1f}"


def nice_ceiling(value: float, *, integer: bool = False) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above `value` (an axis maximum)."""
    if value <= 0:
        return 5 if integer else 1
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    if value < 1:
        magnitude = 0.1
        while magnitude > value:
            magnitude /= 10
    for step in (1, 2, 2.5, 5, 10):
        ceiling = step * magnitude
        if ceiling >= value and (not integer or float(ceiling).is_integer()):
            return max(ceiling, 5) if integer else ceiling
    return 10 * magnitude


def scale(value, largest, size: float) -> float:
    """`value` as a length out of `size`, which `largest` fills (0 when nothing is largest)."""
    return float(value) / float(largest) * size if largest and float(largest) > 0 else 0.0

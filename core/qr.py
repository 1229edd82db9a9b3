"""Every QR code the project prints: the module matrix with a well chosen mask, and drawing it on a reportlab
canvas with the 4-module quiet zone.

Any of the eight masks is valid, but decoders miss some codes: the mask is there to keep the data free of
what confuses them. First the standard's penalty score (ISO/IEC 18004, rules N1-N4: long runs, 2x2 blocks,
1:1:3:1:1 finder-like runs, dark share), computed as qrcode computes it (`qrcode.util.lost_point`, a test
pins the two equal; format and version areas light), which gives the mask of `qrcode.QRCode(mask_pattern=None)`.
That alone still left OpenCV's detector missing 36 of 6,000 label reads (2,000 random codes at 150, 200 and
300 dpi; zbar none): the misses had a finder look-alike, a 1:1:3:1:1 row crossed by a 1:1:3:1:1 column in
the data or the format information, which its finder search takes for a fourth finder. So the masks with the
fewest look-alikes come first (`false_finders`, on each candidate with its format information), then the
penalty: qrcode's choice whenever that one has no look-alike (about 95% of label codes). Misses after: zbar
0 of 18,000 reads, OpenCV 1 to 4 of 18,000 first looks, 0 when a missed label gets a second look one pixel
over (benchmarks/qr_reads.py): those misses depend on the pixel phase, not on the code.

qrcode scores the masks in pure Python, about seven times the cost of the code. Here the codewords come from
qrcode (version fit, encoding, Reed-Solomon), their modules are placed once with numpy in qrcode's order, and
the eight candidates are masked and scored together with numpy.
"""

import functools
from typing import NamedTuple

import numpy as np
import qrcode
from qrcode import constants, util
from qrcode.exceptions import DataOverflowError

QUIET_MODULES = 4  # the quiet zone the standard asks for, on every side
ERROR_CORRECT_M = constants.ERROR_CORRECT_M

_FINDER_LIKE = (0b10111010000, 0b00001011101)  # 1:1:3:1:1 with 4 light modules after / before


class QrMatrix(NamedTuple):
    modules: np.ndarray  # bool, (n, n), True = dark, without the quiet zone
    mask_pattern: int
    version: int


class _Layout(NamedTuple):
    base: np.ndarray  # (n, n): finder, separator, timing and alignment patterns and version information
    data_rows: np.ndarray  # the data modules in the order the bits fill them (ISO/IEC 18004 7.7.3)
    data_cols: np.ndarray
    data_masks: np.ndarray  # (8, n, n): each mask pattern, limited to the data modules
    info: np.ndarray  # (n, n): format and version information and the dark module (light when scoring)
    format_rows: np.ndarray
    format_cols: np.ndarray
    format_values: np.ndarray  # (8, k): the format information (and dark module) for each mask


def _mask_patterns(n: int) -> np.ndarray:
    """The eight mask patterns of ISO/IEC 18004 (qrcode.util.mask_func), i = row, j = column."""
    i, j = np.indices((n, n))
    return np.stack(
        [
            (i + j) % 2 == 0,
            i % 2 == 0,
            j % 3 == 0,
            (i + j) % 3 == 0,
            (i // 2 + j // 3) % 2 == 0,
            (i * j) % 2 + (i * j) % 3 == 0,
            ((i * j) % 2 + (i * j) % 3) % 2 == 0,
            ((i * j) % 3 + (i + j) % 2) % 2 == 0,
        ]
    )


@functools.cache
def _layout(version: int, error_correction: int) -> _Layout:
    """Where the patterns, the format and version information and the data go in a symbol of this version:
    qrcode's own placement (QRCode.makeImpl and map_data), run once per version on an empty grid."""
    n = version * 4 + 17
    probe = qrcode.QRCode(version=version, error_correction=error_correction)
    probe.modules_count = n

    def empty():
        return [[None] * n for _ in range(n)]

    def taken():
        return np.array([[m is not None for m in row] for row in probe.modules])

    def values():
        return np.array([[bool(m) for m in row] for row in probe.modules])

    probe.modules = empty()
    for row, col in ((0, 0), (n - 7, 0), (0, n - 7)):
        probe.setup_position_probe_pattern(row, col)
    probe.setup_position_adjust_pattern()
    probe.setup_timing_pattern()
    patterns, base = taken(), values()

    probe.modules = empty()
    probe.setup_type_info(False, 0)
    format_area = taken()
    format_rows, format_cols = np.nonzero(format_area)
    format_values = []
    for mask in range(8):
        probe.modules = empty()
        probe.setup_type_info(False, mask)
        format_values.append(values()[format_rows, format_cols])

    version_area = np.zeros((n, n), bool)
    if version >= 7:
        probe.modules = empty()
        probe.setup_type_number(False)
        version_area = taken()
        base |= values()

    info = format_area | version_area
    data = ~(patterns | info)
    order = []  # two columns at a time from the right, up then down, skipping the vertical timing pattern
    row, step = n - 1, -1
    for right in range(n - 1, 0, -2):
        if right <= 6:
            right -= 1
        while 0 <= row < n:
            order += [(row, col) for col in (right, right - 1) if data[row, col]]
            row += step
        row -= step
        step = -step
    data_rows, data_cols = np.array(order).T
    return _Layout(
        base=base,
        data_rows=data_rows,
        data_cols=data_cols,
        data_masks=_mask_patterns(n) & data,
        info=info,
        format_rows=format_rows,
        format_cols=format_cols,
        format_values=np.array(format_values, bool),
    )


def _run_penalty(lines: np.ndarray) -> np.ndarray:
    """N1 along the last axis of (k, m, n): each run of 5 or more modules of one colour scores its length
    minus 2. Returns (k,) scores."""
    k, m, n = lines.shape
    boundary = np.ones((k, m, n + 1), bool)
    boundary[..., 1:n] = lines[..., 1:] != lines[..., :-1]
    starts = np.flatnonzero(boundary)
    lengths = np.diff(starts)  # a line's end to the next line's start counts 1, below 5
    scores = np.where(lengths >= 5, lengths - 2, 0)
    return np.bincount(starts[:-1] // (m * (n + 1)), weights=scores, minlength=k).astype(np.int64)


def _finder_penalty(lines: np.ndarray) -> np.ndarray:
    """N3 along the last axis of (k, m, n): 40 for each 1011101 with four light modules on one side."""
    n = lines.shape[-1]
    if n < 11:
        return np.zeros(lines.shape[0], np.int64)
    width = n - 10
    windows = np.zeros(lines.shape[:-1] + (width,), np.uint16)
    for offset in range(11):
        windows = (windows << 1) | lines[..., offset : offset + width]
    hits = (windows == _FINDER_LIKE[0]) | (windows == _FINDER_LIKE[1])
    return 40 * hits.sum(axis=(1, 2))


def penalty(matrices: np.ndarray) -> np.ndarray:
    """The ISO/IEC 18004 mask penalty (N1 + N2 + N3 + N4, as qrcode.util.lost_point computes it) of each
    (n, n) boolean matrix in `matrices` (k, n, n); a single (n, n) matrix gives a (1,) array."""
    stack = np.asarray(matrices, bool)
    if stack.ndim == 2:
        stack = stack[None]
    n = stack.shape[-1]
    columns = stack.transpose(0, 2, 1)
    n1 = _run_penalty(stack) + _run_penalty(columns)
    top_left = stack[:, :-1, :-1]
    blocks = (top_left == stack[:, 1:, :-1]) & (top_left == stack[:, :-1, 1:]) & (top_left == stack[:, 1:, 1:])
    n2 = 3 * blocks.sum(axis=(1, 2))
    n3 = _finder_penalty(stack) + _finder_penalty(columns)
    percent = stack.sum(axis=(1, 2)) / float(n * n)
    n4 = 10 * np.floor(np.abs(percent * 100 - 50) / 5).astype(np.int64)
    return n1 + n2 + n3 + n4


# A finder look-alike, as detectors search for finders (OpenCV's QRDetect::localization, zbar's finder
# scanner): a row of five runs dark, light, dark, light, dark near 1:1:3:1:1, crossed at its centre by a
# column near 1:1:3:1:1 split at that row. Module-level tolerances, looser than OpenCV's in pixels (0.2 for
# the row; the column's from 0.01 up), since rendering at 150-300 dpi moves every run edge by up to a pixel;
# at 0.25 and 0.12 one read in 6,000 was still missed.
ROW_TOLERANCE = 0.3
COLUMN_TOLERANCE = 0.15
_ROW_RATIO = np.array([1, 1, 3, 1, 1]) / 7
_COLUMN_RATIO = np.array([3, 2, 2, 3, 2, 2]) / 14  # centre half, light, dark; other centre half, light, dark


def _runs(lines: np.ndarray):
    """The runs along the last axis of (k, m, n), in order, as flat arrays: line (candidate * m + row), first
    position, length, dark, and real (False for the one-position filler between two lines)."""
    k, m, n = lines.shape
    boundary = np.ones((k, m, n + 1), bool)
    boundary[..., 1:n] = lines[..., 1:] != lines[..., :-1]
    flat = np.flatnonzero(boundary)
    line, start = np.divmod(flat, n + 1)
    length = np.diff(flat, append=flat[-1] + 1)
    real = start < n
    dark = np.zeros(flat.size, bool)
    dark[real] = lines.reshape(k * m, n)[line[real], start[real]]
    cell_run = (np.cumsum(boundary.ravel()) - 1).reshape(k, m, n + 1)[..., :n]  # the run of each position
    return line, start, length, dark, real, cell_run


def false_finders(matrices: np.ndarray) -> np.ndarray:
    """(k,) the number of modules of each (n, n) matrix in `matrices` (k, n, n), outside the three finders,
    where a decoder's finder search finds a finder look-alike (see above), the quiet zone around included."""
    stack = np.asarray(matrices, bool)
    k, n, _ = stack.shape
    size = n + 2 * QUIET_MODULES
    padded = np.zeros((k, size, size), bool)
    padded[:, QUIET_MODULES:-QUIET_MODULES, QUIET_MODULES:-QUIET_MODULES] = stack

    line, start, length, dark, real, _cells = _runs(padded)
    windows = np.arange(line.size - 4)[:, None] + np.arange(5)
    windows = windows[dark[windows[:, 0]] & (line[windows[:, 4]] == line[windows[:, 0]]) & real[windows[:, 4]]]
    lengths = length[windows]
    total = lengths.sum(axis=1)
    close = np.abs(lengths / total[:, None] - _ROW_RATIO).sum(axis=1) < ROW_TOLERANCE
    windows, total = windows[close], total[close]
    centre = start[windows[:, 0]] + total / 2
    candidate, row = np.divmod(line[windows[:, 0]], size)
    column = np.concatenate([np.floor(centre), np.ceil(centre) - 1]).astype(np.int64)  # either side of an edge
    candidate, row = np.tile(candidate, 2), np.tile(row, 2)
    keep = padded[candidate, row, np.clip(column, 0, size - 1)] & (column >= 0) & (column < size)
    candidate, row, column = candidate[keep], row[keep], column[keep]

    vline, vstart, vlength, _vdark, vreal, vcells = _runs(padded.transpose(0, 2, 1))
    run = vcells[candidate, column, row]
    keep = (run >= 2) & (run + 2 < vline.size)
    run, candidate, row, column = run[keep], candidate[keep], row[keep], column[keep]
    keep = (vline[run - 2] == vline[run]) & (vline[run + 2] == vline[run]) & vreal[run + 2]
    run, candidate, row, column = run[keep], candidate[keep], row[keep], column[keep]
    below = vstart[run] + vlength[run] - row - 0.5
    above = row - vstart[run] + 0.5
    parts = np.stack([below, vlength[run + 1], vlength[run + 2], above, vlength[run - 1], vlength[run - 2]], axis=1)
    close = np.abs(parts / parts.sum(axis=1)[:, None] - _COLUMN_RATIO).sum(axis=1) < COLUMN_TOLERANCE
    candidate, row, column = candidate[close], row[close] - QUIET_MODULES, column[close] - QUIET_MODULES
    far, near = n - 8, 8
    finder = ((row < near) & (column < near)) | ((row < near) & (column >= far)) | ((row >= far) & (column < near))
    cells = np.unique((candidate[~finder] * n + row[~finder]) * n + column[~finder])
    return np.bincount(cells // (n * n), minlength=k)


def qr_matrix(data: str, *, error_correction: int = ERROR_CORRECT_M) -> QrMatrix:
    """The QR code of `data` in the smallest version that holds it. Its mask: of the eight, those with the
    fewest finder look-alikes (almost always none), and of those the lowest penalty, the first of the lowest as
    qrcode picks; so qrcode's own choice whenever that one has no look-alike."""
    code = qrcode.QRCode(error_correction=error_correction, border=0)
    code.add_data(data)
    try:
        version = code.best_fit()
    except ValueError as error:  # qrcode 8 overflows to "version 41" there rather than its DataOverflowError
        raise DataOverflowError(f"{len(data)} characters do not fit in a QR code") from error
    codewords = util.create_data(version, error_correction, code.data_list)  # data and error correction
    layout = _layout(version, error_correction)
    bits = np.unpackbits(np.array(codewords, np.uint8))
    unmasked = layout.base.copy()
    unmasked[layout.data_rows[: bits.size], layout.data_cols[: bits.size]] = bits  # the rest: remainder bits 0
    symbols = unmasked[None] ^ layout.data_masks  # the eight candidates, each with its format information
    symbols[:, layout.format_rows, layout.format_cols] = layout.format_values
    scored = np.where(layout.info, False, symbols)  # as qrcode scores them: format and version areas light
    best = int(np.lexsort((penalty(scored), false_finders(symbols)))[0])
    return QrMatrix(symbols[best], best, version)


def dark_runs(modules: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, first columns, lengths) of the horizontal runs of dark modules, top to bottom, left to right."""
    padded = np.zeros((modules.shape[0], modules.shape[1] + 2), np.int8)
    padded[:, 1:-1] = modules
    steps = np.diff(padded, axis=1)
    rows, starts = np.nonzero(steps == 1)
    _rows, ends = np.nonzero(steps == -1)
    return rows, starts, ends - starts


def draw_qr(canvas, data: str, x: float, y: float, size: float, *, quiet: int = QUIET_MODULES) -> None:
    """The QR code of `data` on a reportlab canvas as vector rectangles (one per run of dark modules, one fill
    in black), in the square of side `size` whose lower left corner is (x, y), `quiet` light modules of it on
    every side. The path is written as PDF operators directly: reportlab's `rect` formats each number in pure
    Python, half the time of a label sheet. Edges are rounded once, so neighbouring rectangles meet exactly."""
    modules = qr_matrix(data).modules
    count = modules.shape[0]
    module = size / (count + 2 * quiet)
    columns = np.round(x + (np.arange(count + 1) + quiet) * module, 3)  # left edge of each column, and the last
    tops = np.round(y + size - (np.arange(count + 1) + quiet) * module, 3)  # top edge of each row, and the last
    rows, starts, lengths = dark_runs(modules)
    left, right = columns[starts], columns[starts + lengths]
    bottom, top = tops[rows + 1], tops[rows]
    rectangles = " re\n".join(
        f"{a:.3f} {b:.3f} {c:.3f} {d:.3f}"
        for a, b, c, d in zip(
            left.tolist(), bottom.tolist(), (right - left).tolist(), (top - bottom).tolist(), strict=True
        )
    )
    canvas.addLiteral(f"q\n0 g\n{rectangles} re\nf\nQ" if rectangles else "")

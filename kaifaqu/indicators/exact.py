"""Which hidden cells of a table the published ones still determine exactly (disclosure control).

The equations are a table's breakdowns (parent = sum of its parts); the unknowns are the
suppressed cells. Solved exactly with Fractions, per connected group of unknowns: small systems
(a zone's parks, a zone×division table), where exactness matters more than speed.
"""

from __future__ import annotations

from fractions import Fraction

import polars as pl


def determined_rows(state: pl.DataFrame) -> set[int]:
    """Suppressed rows whose value follows from the equations and the published cells.

    The unknowns are the suppressed cells; each equation with one is a row of the system
    (parent +1, parts −1, published members go to the right-hand side). A cell is determined
    when its unit vector lies in the row space: after reduction, a row with that cell alone.
    Solved per connected group of unknowns, exactly with Fractions.
    """
    hidden = state.filter(pl.col("_s"))
    equations: dict[int, dict[int, Fraction]] = {}
    for eq, row, is_total in hidden.select("_eq", "_row", "_is_total").iter_rows():
        equations.setdefault(eq, {})[row] = Fraction(1 if is_total else -1)
    parent: dict[int, int] = {}

    def root(row: int) -> int:
        while parent.setdefault(row, row) != row:
            parent[row] = parent[parent[row]]
            row = parent[row]
        return row

    for terms in equations.values():
        first, *rest = terms
        for other in rest:
            parent[root(other)] = root(first)
    groups: dict[int, list[dict[int, Fraction]]] = {}
    for terms in equations.values():
        groups.setdefault(root(next(iter(terms))), []).append(dict(terms))
    determined: set[int] = set()
    for system in groups.values():
        determined |= _unit_rows(system)
    return determined


def _unit_rows(system: list[dict[int, Fraction]]) -> set[int]:
    """Columns whose unit vector is a row of the reduced row echelon form of `system`."""
    rows = [row for row in system if row]
    reduced: list[tuple[int, dict[int, Fraction]]] = []
    for column in sorted({column for row in rows for column in row}):
        pivot = next((row for row in rows if row.get(column)), None)
        if pivot is None:
            continue
        scale = pivot[column]
        pivot = {c: v / scale for c, v in pivot.items()}
        # The pivot's own row reduces to nothing and leaves; empty rows carry no information.
        rows = [row for row in (_eliminate(row, pivot, column) for row in rows) if row]
        reduced = [(c, _eliminate(row, pivot, column)) for c, row in reduced]
        reduced.append((column, pivot))
    return {column for column, row in reduced if len(row) == 1}


def _eliminate(
    row: dict[int, Fraction], pivot: dict[int, Fraction], column: int
) -> dict[int, Fraction]:
    """`row` minus the multiple of `pivot` (1 in `column`) that clears `column`."""
    factor = row.get(column)
    if not factor:
        return row
    out = dict(row)
    for c, v in pivot.items():
        out[c] = out.get(c, Fraction(0)) - factor * v
        if not out[c]:
            del out[c]
    return out

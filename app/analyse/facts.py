"""Where readers find the facts the analysis derived and stored once (STYLE.md "Derive, don't
restate"): no reader restates a rule in SQL.

- A pipe's due year (RULES.md §2) is in riool_due, written by app/analyse/service.py from
  geo.riool.due_years with the parameters of that run. Before any analysis there are no rows:
  every pipe's due year is null ("nog geen analyse").
- The Leefbaarometer year the rules used (geo.rules.latest_cells) is analyse_run.lbm_jaar of the
  latest run; only that year is drawn and answered. Before any analysis the map shows the
  newest year in the layer, so a freshly imported grid is visible at once: a display default,
  not the rule (which also skips years without valid cells).

The fragments expect the source layer under the alias `t`; pair_conditions takes its alias.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

RIOOL_DUE_JOIN = "riolering t LEFT JOIN riool_due d ON d.riolering_id = t.id"
RIOOL_DUE_COLUMN = "d.due_jaar AS riool_due_jaar"
LBM_LATEST = ("t.jaar = COALESCE((SELECT lbm_jaar FROM analyse_run ORDER BY id DESC LIMIT 1), "
              "(SELECT max(jaar) FROM leefbaarometer))")


def pair_conditions(alias: str, *, regelcode: Sequence[str], partij: Sequence[str],
                    soort: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """SQL conditions (each starting with AND) and bound values on the results `alias`: their
    regelcode, and the partij or soort of either work of the pair (RULES.md §9). R1 pairs the
    heat network with the sewer without filling the pair columns; it counts as warmtenet ×
    riolering here, as in the map (KK.soorten)."""
    sql, params = "", {}
    if regelcode:
        sql += f" AND {alias}.regelcode = ANY(:regelcodes)"
        params["regelcodes"] = list(regelcode)
    if partij:
        sql += f" AND ({alias}.partij_a = ANY(:partijen) OR {alias}.partij_b = ANY(:partijen))"
        params["partijen"] = list(partij)
    if soort:
        r1 = f"CASE WHEN {alias}.regelcode = 'R1' THEN"
        sql += (f" AND (coalesce({alias}.soort_a, {r1} 'warmtenet' END) = ANY(:soorten) OR "
                f"coalesce({alias}.soort_b, {r1} 'riolering' END) = ANY(:soorten))")
        params["soorten"] = list(soort)
    return sql, params

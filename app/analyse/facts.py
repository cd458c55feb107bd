"""Where readers find the facts the analysis derived and stored once (STYLE.md "Derive, don't
restate"): no reader restates a rule in SQL.

- A pipe's due year (RULES.md §2) is in riool_due, written by app/analyse/service.py from
  geo.riool.due_years with the parameters of that run. Before any analysis there are no rows:
  every pipe's due year is null ("nog geen analyse").
- The Leefbaarometer year the rules used (geo.rules.latest_cells) is analyse_run.lbm_jaar of the
  latest run; only that year is drawn and answered. Before any analysis the map shows the
  newest year in the layer, so a freshly imported grid is visible at once: a display default,
  not the rule (which also skips years without valid cells).

The fragments expect the source layer under the alias `t`.
"""

from __future__ import annotations

RIOOL_DUE_JOIN = "riolering t LEFT JOIN riool_due d ON d.riolering_id = t.id"
RIOOL_DUE_COLUMN = "d.due_jaar AS riool_due_jaar"
LBM_LATEST = ("t.jaar = COALESCE((SELECT lbm_jaar FROM analyse_run ORDER BY id DESC LIMIT 1), "
              "(SELECT max(jaar) FROM leefbaarometer))")

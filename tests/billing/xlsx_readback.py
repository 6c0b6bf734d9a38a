#!/usr/bin/env python3
"""Reads a quote's XLSX back with openpyxl (data_only: the cached values a viewer that does not
recalculate shows) and compares every number with the JSON quote of the same data.

usage: xlsx_readback.py QUOTE.xlsx QUOTE.json   (exit 0 when they agree)
"""
import json
import sys
from decimal import Decimal

import openpyxl


def main():
    wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
    quote = json.load(open(sys.argv[2], encoding="utf-8"))
    ws = wb.active
    problems = []
    if ws.freeze_panes != "A5":
        problems.append(f"header row not frozen: {ws.freeze_panes}")
    header = [c.value for c in ws[4]]
    if header[0] != "序号 line" or not all(c.font.b for c in ws[4] if c.value):
        problems.append(f"header row is not bold or misplaced: {header}")
    for col in "ABCDEFGHIJKL":
        if ws.column_dimensions[col].width is None or ws.column_dimensions[col].width < 8:
            problems.append(f"column {col} has no fitted width")
    rows = {r[0].value: r for r in ws.iter_rows(min_row=5) if isinstance(r[0].value, int)}
    for line in quote["lines"]:
        row = rows.get(line["line"])
        if row is None:
            problems.append(f"line {line['line']} missing")
            continue

        def number(cell, expected, what, money=False):
            if expected in (None, ""):
                return
            if not isinstance(cell.value, (int, float)):
                problems.append(f"line {line['line']} {what}: not a number: {cell.value!r}")
                return
            if abs(Decimal(str(cell.value)) - Decimal(expected)) > Decimal("0.000001"):
                problems.append(f"line {line['line']} {what}: {cell.value} != {expected}")
            if money and cell.number_format != "#,##0.00":
                problems.append(f"line {line['line']} {what}: format {cell.number_format}")

        number(row[3], line["quantity"], "quantity")
        number(row[5], line["catalog_quantity"], "converted quantity")
        number(row[6], line["months"], "months")
        number(row[8], line["unit_price"], "unit price", money=True)
        number(row[10], line["total"], "total", money=True)
    totals = [r for r in ws.iter_rows(values_only=False) if r[2].value == "合计 total"]
    if not totals:
        problems.append("no totals row")
    else:
        cell = totals[0][10]
        if not isinstance(cell.value, (int, float)) or \
                abs(Decimal(str(cell.value)) - Decimal(quote["total"])) > Decimal("0.005"):
            problems.append(f"total {cell.value} != {quote['total']}")
        if not cell.font.b:
            problems.append("the totals row is not bold")
    if problems:
        print("\n".join(problems))
        return 1
    print(f"{len(quote['lines'])} lines and the total agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())

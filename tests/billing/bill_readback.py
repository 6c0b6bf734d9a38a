#!/usr/bin/env python3
"""Reads a bill's XLSX (openpyxl, data_only: the cached values a viewer that does not recalculate
shows) and CSV (Python's csv module, BOM and all) back and compares every amount with the JSON
bill of the same data (issue 11 §3).

usage: bill_readback.py BILL.xlsx BILL.csv BILL.json   (exit 0 when they agree)
"""
import csv
import json
import sys
from decimal import Decimal

import openpyxl


def main():
    wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
    bill = json.load(open(sys.argv[3], encoding="utf-8"))
    problems = []
    ws = wb.active
    if ws.title != "月度服务明细":
        problems.append(f"sheet title {ws.title}")
    header = [c.value for c in ws[4]]
    if header[0] != "业务系统 system" or header[8] != "金额 amount":
        problems.append(f"header row misplaced: {header}")
    want = [(s["name"], l["code"], Decimal(l["amount"]), Decimal(l["quantity"]))
            for s in bill["systems"] for l in s["lines"]]
    got = []
    total = None
    for row in ws.iter_rows(min_row=5):
        code = row[1].value
        if code == "合计 total":
            total = row[8].value
        elif row[0].value:
            if not isinstance(row[8].value, (int, float)):
                problems.append(f"amount of {code} is not numeric: {row[8].value!r}")
                continue
            got.append((row[0].value, code, Decimal(str(row[8].value)).quantize(Decimal("0.01")),
                        Decimal(str(row[4].value))))
    if got != want:
        problems.append(f"xlsx lines {got} != {want}")
    if total is None or Decimal(str(total)).quantize(Decimal("0.01")) != Decimal(bill["total"]):
        problems.append(f"xlsx total {total} != {bill['total']}")

    with open(sys.argv[2], encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if rows[0][0] != "业务系统 system":
        problems.append(f"csv header {rows[0]}")
    csv_lines = [(r[0], r[1], Decimal(r[8]), Decimal(r[4])) for r in rows[1:]
                 if r[0] and r[1] != "小计 subtotal"]
    if csv_lines != want:
        problems.append(f"csv lines {csv_lines} != {want}")
    last = rows[-1]
    if last[1] != "合计 total" or Decimal(last[8]) != Decimal(bill["total"]):
        problems.append(f"csv total row {last}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

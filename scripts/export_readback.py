"""Reads Mast's personal export and a research bundle back with the tools researchers use
(pyarrow, DuckDB) and holds them against `mast report --json` and `mast goals list --json`.

    export_readback.py MAST_BIN   (MAST_DATA_DIR / MAST_CONFIG_DIR name a demo sandbox)

Run by scripts/export-readback.sh, which installs pyarrow and duckdb into a venv."""
import json
import os
import subprocess
import sys
import tempfile

import duckdb
import pyarrow.parquet as pq

MAST = sys.argv[1]


def mast(*args):
    done = subprocess.run([MAST, "--demo", *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"export-readback: mast {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def check(cond, message):
    if not cond:
        sys.exit(f"export-readback: {message}")


def close(a, b, what):
    check(abs(a - b) < 0.01, f"{what}: {a} != {b}")


out = tempfile.mkdtemp(prefix="mast-export-")
summaries = {}
for fmt in ("csv", "jsonl", "parquet"):
    summaries[fmt] = json.loads(mast("export", "--format", fmt, "--out", f"{out}/{fmt}", "--json"))
s = summaries["parquet"]
report = json.loads(mast("report", "--from", s["from"], "--to", s["to"], "--json"))
goals = json.loads(mast("goals", "list", "--json"))
schema = json.load(open(f"{out}/parquet/schema.json"))
rows = {f["table"]: f["rows"] for f in s["files"]}

# Parquet: the declared types, the row counts, the report's totals.
types = {"integer": "int64", "float": "double", "text": "string", "boolean": "bool", "date": "date32[day]",
         "timestamp": "timestamp[ms, tz=UTC]"}
for table in schema["tables"]:
    t = pq.read_table(f"{out}/parquet/{table['file']}")
    check(t.num_rows == table["rows"], f"{table['file']}: {t.num_rows} rows, schema.json says {table['rows']}")
    for col in table["columns"]:
        field = t.schema.field(col["name"])
        check(str(field.type) == types[col["type"]], f"{table['file']}.{col['name']} is {field.type}, not {col['type']}")
        check(field.nullable == col["nullable"], f"{table['file']}.{col['name']}: nullable {field.nullable}")

db = duckdb.connect()
spans = f"'{out}/parquet/spans.parquet'"
total = db.execute(f"SELECT sum(seconds) FROM {spans}").fetchone()[0]
close(total, report["total"]["activeSeconds"], "Parquet spans' seconds against the report's active time")
# Per platform: the spans, and the daily totals, against the report.
by_platform = dict(db.execute(f"SELECT platform, sum(seconds) FROM {spans} WHERE platform IS NOT NULL GROUP BY 1").fetchall())
daily = dict(db.execute(f"SELECT platform, sum(seconds) FROM '{out}/parquet/daily_totals.parquet' GROUP BY 1").fetchall())
for t in report["total"]["targets"]:
    close(by_platform.get(t["platform"], 0), t["seconds"], f"spans on {t['platform']}")
    close(daily.get(t["platform"], 0), t["seconds"], f"daily totals of {t['platform']}")
days = db.execute(f"SELECT count(*), min(day)::VARCHAR, max(day)::VARCHAR FROM '{out}/parquet/days.parquet'").fetchone()
check(days == (len(report["days"]), s["from"], s["to"]), f"days.parquet {days}")
check(db.execute(f"SELECT count(*) FROM '{out}/parquet/goals.parquet'").fetchone()[0] == len(goals), "goals")

# CSV and JSON Lines, read by DuckDB: the same rows and totals.
for fmt, reader in (("csv", "read_csv"), ("jsonl", "read_json")):
    n, secs = db.execute(f"SELECT count(*), sum(seconds) FROM {reader}('{out}/{fmt}/spans.{fmt}')").fetchone()
    check(n == rows["spans"], f"{fmt} spans: {n} rows, Parquet {rows['spans']}")
    close(secs, total, f"{fmt} spans' seconds")
    d = dict(db.execute(f"SELECT platform, sum(seconds) FROM {reader}('{out}/{fmt}/daily_totals.{fmt}') GROUP BY 1").fetchall())
    for p, v in daily.items():
        close(d.get(p, 0), v, f"{fmt} daily totals of {p}")
# A title with a comma or a quote survives CSV.
titles = db.execute(f"SELECT count(*) FROM read_csv('{out}/csv/spans.csv') WHERE title IS NOT NULL").fetchone()[0]
ptitles = db.execute(f"SELECT count(*) FROM {spans} WHERE title IS NOT NULL").fetchone()[0]
check(titles == ptitles, f"titles: CSV {titles}, Parquet {ptitles}")

# The research bundle: Parquet and CSV agree, and hold the report's minutes per platform.
from datetime import date, timedelta
to = date.fromisoformat(json.loads(mast("report", "--json"))["from"]) - timedelta(days=1)
frm = to - timedelta(days=20)
protocol = f"{out}/study.toml"
open(protocol, "w").write(f"""study_id = "readback-test"
title = "Read-back test"
consent = "I agree."
[period]
from = {frm}
to = {to}
[collect]
daily_totals = true
sessions = true
spans = true
[anonymisation]
time = "relative_days"
min_days = 0
""")
manifest = json.loads(mast("research", "export", "--protocol", protocol, "--out", f"{out}/bundle", "--consent", "--json"))
study_report = json.loads(mast("report", "--from", str(frm), "--to", str(to), "--json"))
bundle = f"{out}/bundle"
dictionary = json.load(open(f"{bundle}/dictionary.json"))
for table in dictionary["tables"]:
    t = pq.read_table(f"{bundle}/{table['name']}.parquet")
    check(t.num_rows == manifest["files"][f"{table['name']}.parquet"], f"bundle {table['name']}: rows")
    for col in table["columns"]:
        check(str(t.schema.field(col["name"]).type) == types[col["type"]], f"bundle {table['name']}.{col['name']}")
    n = db.execute(f"SELECT count(*) FROM read_csv('{bundle}/{table['name']}.csv')").fetchone()[0]
    check(n == t.num_rows, f"bundle {table['name']}: CSV {n} rows, Parquet {t.num_rows}")
shared = dict(db.execute(f"SELECT target, sum(seconds) FROM '{bundle}/daily_totals.parquet' GROUP BY 1").fetchall())
days_n = db.execute(f"SELECT count(DISTINCT day), min(day), max(day) FROM '{bundle}/daily_totals.parquet'").fetchone()
check(days_n[1] >= 0 and days_n[2] <= 20, f"relative days {days_n}")
for t in study_report["total"]["targets"]:
    check(abs(shared.get(t["platform"], 0) - t["seconds"]) <= 21, f"bundle {t['platform']}: {shared.get(t['platform'])} s, report {t['seconds']} s")
check(sum(shared.values()) > 0, "the bundle holds time")

# Three participants merged: the dataset holds the sum of the three, one partition each.
bundles = [bundle]
for i in (1, 2):
    env = dict(os.environ, MAST_DATA_DIR=f"{out}/p{i}/data", MAST_CONFIG_DIR=f"{out}/p{i}/config")
    subprocess.run([MAST, "demo", "--days", "30"], env=env, check=True, capture_output=True)
    subprocess.run([MAST, "--demo", "research", "export", "--protocol", protocol, "--out", f"{out}/bundle{i}",
                    "--consent"], env=env, check=True, capture_output=True)
    bundles.append(f"{out}/bundle{i}")
mast("research", "merge", *bundles, "--out", f"{out}/dataset")
each = sum(db.execute(f"SELECT sum(seconds) FROM '{b}/daily_totals.parquet'").fetchone()[0] for b in bundles)
merged_sum, people = db.execute(f"SELECT sum(seconds), count(DISTINCT participant) FROM read_parquet("
                                f"'{out}/dataset/daily_totals/*/*.parquet', hive_partitioning = true)").fetchone()
check(people == 3 and merged_sum == each, f"merged: {people} participants, {merged_sum} s; the bundles {each} s")
pandas_rows = pq.read_table(f"{out}/dataset/spans").num_rows
check(pandas_rows == sum(pq.read_table(f"{b}/spans.parquet").num_rows for b in bundles), "merged spans rows")

print(f"export-readback: ok ({rows['spans']} spans, {len(report['days'])} days, {len(goals)} goals; "
      f"{total / 3600:.1f} h; CSV, JSON Lines and Parquet agree with mast report; a research bundle and "
      f"a dataset of 3 participants ({merged_sum / 3600:.1f} h) read back)")

#!/usr/bin/env python3
"""Fills a local D1 (the SQLite file wrangler keeps under --persist-to) with one large account and
many small ones, deterministically from a seed number, for `make bench`.

    python3 bench/seed_large.py --db <file.sqlite> --scale large|small --seed 42 --password-hash '<phc>'

large: 100,000 users, 10,000 companies in 300 directories (30 multidimensional), 200 areas,
2,000 user groups, 1,000,000 history entries, 50,000 reports/documents, plus 50 small accounts.
small: the same shape at 1,000 users (for the growth comparison).
"""
import argparse
import json
import random
import sqlite3
import sys
import time

SCALES = {
    "large": dict(users=100_000, companies=10_000, directories=300, multidimensional=30, areas=200,
                  groups=2_000, history=1_000_000, reports=50_000, small_accounts=50,
                  # B02's figures: an area of 2,000 companies and a user group of 5,000 members in it.
                  big=(2_000, 5_000)),
    "small": dict(users=1_000, companies=100, directories=30, multidimensional=3, areas=20,
                  groups=200, history=10_000, reports=500, small_accounts=5, big=(20, 50)),
}
LEVELS_ORDER = ("administrator", "local_administrator", "user")
T0 = 1_767_225_600_000  # 2026-01-01 UTC, ms


def progress(label, done, total, started):
    sys.stdout.write(f"\r  {label}: {done:>9,}/{total:,} ({time.time() - started:5.1f} s)")
    sys.stdout.flush()
    if done == total:
        sys.stdout.write("\n")


def batched(db, sql, rows, label, total):
    started = time.time()
    buffer = []
    done = 0
    for row in rows:
        buffer.append(row)
        if len(buffer) == 20_000:
            db.executemany(sql, buffer)
            done += len(buffer)
            buffer.clear()
            progress(label, done, total, started)
    if buffer:
        db.executemany(sql, buffer)
        done += len(buffer)
    progress(label, done, total, started)


def seed_account(db, rng, name, prefix, size, phc, now):
    """Creates one account; returns the ids the benchmark signs in with."""
    cur = db.execute("INSERT INTO accounts (name, created_at) VALUES (?, ?)", (name, now))
    account = cur.lastrowid
    # O03: the bench's accounts live in database 0 (the directory says so).
    db.execute("INSERT INTO account_homes (account_id, home) VALUES (?, 0)", (account,))
    db.executemany("INSERT INTO areas (account_id, code, description) VALUES (?, ?, ?)",
                   [(account, f"A{i:03d}", f"Area {i}") for i in range(1, size["areas"] + 1)])
    areas = [r[0] for r in db.execute("SELECT id FROM areas WHERE account_id = ? ORDER BY id", (account,))]
    # Directories: the first `multidimensional` carry an area.
    dirs = []
    for i in range(1, size["directories"] + 1):
        multi = i <= size["multidimensional"]
        area = rng.choice(areas) if multi else None
        cur = db.execute("INSERT INTO directories (account_id, code, name, multidimensional, area_id) VALUES (?, ?, ?, ?, ?)",
                         (account, f"D{i:03d}", f"Directory {i}", int(multi), area))
        dirs.append((cur.lastrowid, multi, area))
    companies = []
    words = ["Alpha", "Beta", "Civil", "Delta", "Earth", "Frame", "Granite", "Harbor", "Iron", "Joint", "Keystone",
             "Lumber", "Mason", "North", "Oak", "Pier", "Quarry", "Ridge", "Stone", "Timber", "Urban", "Vault", "West"]
    rows = []
    big = size.get("big")
    plain = next(d for d in dirs if not d[1])
    for i in range(1, size["companies"] + 1):
        directory, multi, darea = rng.choice(dirs)
        area = darea if multi else (None if rng.random() < 0.05 else rng.choice(areas))
        if big and i <= big[0]:
            # The big area is the last one (the bench's local administrator has the first).
            directory, area = plain[0], areas[-1]
        name_ = f"{rng.choice(words)} {rng.choice(words)} {i}"
        rows.append((account, directory, f"C{i:05d}", name_, name_.lower(), area))
    db.executemany("INSERT INTO companies (account_id, directory_id, code, name, name_norm, area_id) VALUES (?, ?, ?, ?, ?, ?)", rows)
    companies = list(db.execute("SELECT id, area_id FROM companies WHERE account_id = ? ORDER BY id", (account,)))
    by_area = {}
    for cid, area in companies:
        by_area.setdefault(area, []).append(cid)
    # Groups: one Administrator group, one Local Administrator group per area, the rest User groups.
    options_la = "users_manage groups_manage companies_manage history_read reports_read projects_read employees_read login_as_another_user preferences"
    groups = [(account, "ADMINISTRATORS", "Regular administrators", "administrator", None, "")]
    groups += [(account, f"LA_{i:03d}", f"Local administrators {i}", "local_administrator", area, options_la) for i, area in enumerate(areas, 1)]
    for i in range(len(groups), size["groups"]):
        area = None if rng.random() < 0.05 else rng.choice(areas)
        groups.append((account, f"G{i:04d}", f"Group {i}", "user", area, "projects_read employees_read reports_read history_read preferences"))
    if big:
        groups.append((account, "G_BIG", "The big group of the big area", "user", areas[-1], "projects_read employees_read reports_read history_read preferences"))
    db.executemany("INSERT INTO user_groups (account_id, code, description, access_level, area_id, options) VALUES (?, ?, ?, ?, ?, ?)", groups)
    group_rows = list(db.execute("SELECT id, access_level, area_id FROM user_groups WHERE account_id = ? ORDER BY id", (account,)))
    admin_group = group_rows[0]
    la_groups = [g for g in group_rows if g[1] == "local_administrator"]
    big_group = group_rows[-1] if big else None
    user_groups = [g for g in group_rows if g[1] == "user" and g is not big_group]
    first = ["ana", "bruno", "carla", "david", "elena", "felix", "gina", "hugo", "ines", "jon", "karin", "luis", "mara",
             "nils", "olga", "paul", "rita", "sven", "tina", "ugo", "vera", "will", "xena", "yann", "zoe"]
    last = ["silva", "martin", "keller", "rossi", "dubois", "novak", "berg", "costa", "lind", "moreau", "weber", "ortiz"]

    def users():
        for i in range(size["users"]):
            if i < 10:
                group = admin_group
            elif i < 10 + len(la_groups):
                group = la_groups[i - 10]
            elif big_group and i < 10 + len(la_groups) + big[1]:
                group = big_group
            else:
                group = rng.choice(user_groups)
            who = f"{rng.choice(first)} {rng.choice(last)}"
            code = f"{who.replace(' ', '.')}.{i}@{prefix}.bench"
            yield (account, code, code, who.title(), who.title().lower(), group[0], group[2], group[1], 1, phc, now, "en")
    batched(db, "INSERT INTO users (account_id, user_code, user_code_norm, name, name_norm, group_id, area_id, access_level, active, password_hash, created_at, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            users(), f"{prefix} users", size["users"])
    user_rows = list(db.execute("SELECT id, user_code, area_id, access_level FROM users WHERE account_id = ? ORDER BY id", (account,)))

    def ticks():
        for uid, _, area, level in user_rows:
            if level != "user":
                continue
            pool = by_area.get(area) or by_area.get(None) or []
            for cid in rng.sample(pool, min(3, len(pool))):
                yield (uid, cid)
    db.executemany("INSERT OR IGNORE INTO user_companies (user_id, company_id) VALUES (?, ?)", list(ticks()))
    db.executemany("INSERT INTO reports (account_id, code, title, kind, area_id) VALUES (?, ?, ?, ?, ?)",
                   [(account, f"R{i:05d}", f"{rng.choice(words)} report {i}", rng.choice(["report", "document"]),
                     None if rng.random() < 0.1 else rng.choice(areas)) for i in range(size["reports"])])
    db.executemany("INSERT INTO projects (account_id, company_id, code, name) VALUES (?, ?, ?, ?)",
                   [(account, cid, f"P{j}", f"Project {j} of {cid}") for cid, _ in companies for j in range(2)])
    db.executemany("INSERT INTO employees (account_id, company_id, code, name) VALUES (?, ?, ?, ?)",
                   [(account, cid, f"E{j}", f"Employee {j} of {cid}") for cid, _ in companies for j in range(2)])

    def history():
        kinds = ("user", "company", "group")
        for i in range(size["history"]):
            actor = rng.choice(user_rows)
            kind = rng.choice(kinds)
            if kind == "company":
                cid, area = rng.choice(companies)
                entity = cid
            else:
                target = rng.choice(user_rows)
                entity, area = target[0], target[2]
            changes = json.dumps([{"field": "name", "before": "old", "after": "new"}])
            yield (account, T0 + i * 30_000, actor[0], actor[1], kind, entity, area, "updated", f"{kind} {entity} updated", changes)
    batched(db, "INSERT INTO history (account_id, at, actor_user_id, actor_user_code, entity_kind, entity_id, area_id, action, summary, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            history(), f"{prefix} history", size["history"])
    db.execute("INSERT INTO mail_settings (account_id, provider, api_base_url, sender_address, sender_name) VALUES (?, 'outbox', '', ?, ?)",
               (account, f"no-reply@{prefix}.bench", name))
    return account, user_rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--scale", choices=SCALES, default="large")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--password-hash", required=True)
    parser.add_argument("--out", required=True, help="JSON file naming the accounts to sign in with")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    size = SCALES[args.scale]
    db = sqlite3.connect(args.db)
    db.execute("PRAGMA foreign_keys = OFF")
    started = time.time()
    with db:
        account, users = seed_account(db, rng, "Large Bench Group", "large", size, args.password_hash, T0)
        small = dict(users=50, companies=20, directories=2, multidimensional=1, areas=3, groups=6, history=200, reports=20)
        for i in range(size["small_accounts"]):
            seed_account(db, rng, f"Small Group {i}", f"small{i}", small, args.password_hash, T0)
            progress("small accounts", i + 1, size["small_accounts"], started)
    admin = next(u for u in users if u[3] == "administrator")
    local = next(u for u in users if u[3] == "local_administrator")
    user = next(u for u in users if u[3] == "user" and u[2] == local[2]) if any(u[3] == "user" and u[2] == local[2] for u in users) else next(u for u in users if u[3] == "user")
    big_group = db.execute("SELECT id, area_id FROM user_groups WHERE account_id = ? AND code = 'G_BIG'", (account,)).fetchone()
    big_company = db.execute("SELECT id FROM companies WHERE account_id = ? AND area_id = ? ORDER BY id LIMIT 1", (account, big_group[1])).fetchone()
    counts = {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
              for table in ("accounts", "users", "companies", "directories", "areas", "user_groups", "history", "reports")}
    with open(args.out, "w") as out:
        json.dump({"account": account, "admin": admin[1], "local_admin": local[1], "local_area": local[2],
                   "user": user[1], "user_id": user[0], "big_group": big_group[0], "big_area": big_group[1],
                   "big_company": big_company[0], "counts": counts}, out, indent=1)
    db.close()
    print(f"  seeded {args.scale} in {time.time() - started:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))


if __name__ == "__main__":
    main()

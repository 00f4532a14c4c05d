"""The store (issue 9): end-to-end ingest rate, re-ingest time, search latency, size and memory.

How the corpus is made (real text only, from ../shared/bench):

* ECB+ (651 real news articles, 58 real events): each article becomes a pasted-page text file —
  a title line (the lead's first words), a "Published: <date>" line, then the body with the
  corpus tokenisation undone, two sentences per paragraph. The stream is made of *replicas*:
  replica r keeps every article's lead sentence and shuffles the order of the others (seeded),
  dropping one of them when r > 0, so every file has new bytes and new text. Each event gets a
  base date; replica r is dated r x 150 days later (beyond the clusterer's 120-day horizon), so
  a replica's articles form new stories of realistic size instead of piling into 58 giant ones.
  Within a replica, 3% of articles are also sent as a wire copy (new title, agency footer) —
  work for copy detection.
* Extraction benchmark (131 real HTML pages): replica 0 stores each page as it was served
  (gzipped); replica 1 the same page re-saved with an extra comment (same article, new bytes: a
  syndicated copy). Later replicas carry ECB+ articles only (HTML pages have their own dates).
* The replicas are cut at --max-docs articles; within a replica the order is a seeded shuffle.

What is measured:

* ingest: `rashomon ingest CORPUS --db NEW --workers W` in a subprocess (model load included),
  wall time and peak RSS of the main process (wait4; each analysis worker holds its own model,
  ~300 MB more per worker); articles/s = articles added / wall seconds;
* re-ingest: the same command again (everything already stored), wall time; and once more with
  `--force` (every file decoded again and every article checked by hash and URL);
* search: `Store.search(q, limit=20)` in-process on a warm store, 60 queries (20 common words,
  20 entity names from the store, 20 two-word queries), p50/p95/max; at every size of --sizes;
* sizes above --max-docs are reached by a fast path that skips NLP: the analysed store is
  replicated (documents re-shuffled sentence by sentence per replica, their layers, stories,
  facts, entities, events, quantities and clusterer rows copied under new ids) through SQL;
  then a small *real* ingest of new articles into the big store measures incremental cost there,
  twice: articles dated long after every stored story ("far") and new articles dated in the
  weeks the stored stories come from ("near": every stored ECB+ story within the clusterer's
  horizon, the most an ingest can have to read); each into its own copy of the big store;
* `--incremental-into STORE [--baseline-src DIR]` measures only that (issue 9: the ingest's peak
  memory must follow the stories its articles can reach, not the size of the store), with this
  code and, for before/after, with the package under DIR (e.g. the previous commit's src/), and
  checks both file every article into the same story;
* store size (after a WAL checkpoint) and peak RSS at each size (of `rashomon stats` and of the
  search process);
* `--base-db STORE` skips the end-to-end ingest (hours at 10,000 articles on a loaded machine):
  the given analysed store is replicated to --max-docs and told that the corpus is what it holds
  (`mark_known`: raw hashes and the files table), so re-ingest, search, size and memory are
  measured on a store of the right size without the NLP; the ingest rate is then not measured.

Timings are noisy: the machine has 2 cores shared with other work. Writes
benchmarks/results/store.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RASHOMON_SHARED", ROOT.parent / "shared")) / "bench"
RESULTS = ROOT / "benchmarks" / "results" / "store.json"
PYTHON = sys.executable
console = Console()

COMMON_QUERIES = [
    "police", "killed", "earthquake", "president", "arrested", "fire", "election", "announced", "shooting",
    "company", "said", "government", "died", "court", "team", "million", "attack", "hospital", "report", "new",
]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Corpus


def detokenise(sentence: str) -> str:
    s = sentence.replace("``", '"').replace("''", '"')
    s = re.sub(r" ([,.;:!?%)\]])", r"\1", s)
    s = re.sub(r"([(\[$]) ", r"\1", s)
    s = re.sub(r" ('s|'re|'ve|'ll|'d|n't|'m)\b", r"\1", s)
    s = re.sub(r'" (.*?) "', r'"\1"', s)
    return s.strip()


def _seed(*parts: object) -> int:
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def ecb_page(doc: dict, replica: int, copy: bool = False, dated_as: int | None = None) -> tuple[str, str]:
    """(file name, pasted-page text) for one replica of an ECB+ article (dated as replica
    `dated_as` if given: new text published in the weeks of an earlier replica)."""
    sentences = [detokenise(s) for s in doc["text"].splitlines() if s.strip()]
    lead, rest = sentences[0], sentences[1:]
    rng = random.Random(_seed("order", doc["doc_id"], replica))
    if replica > 0:
        rng.shuffle(rest)
        if len(rest) > 2:
            rest.pop(rng.randrange(len(rest)))
    era = replica if dated_as is None else dated_as
    base = dt.date(2012, 1, 1) + dt.timedelta(days=_seed("event", doc["subtopic"]) % 60 + 150 * era)
    published = base + dt.timedelta(days=_seed("day", doc["doc_id"]) % 3)
    words = lead.split()
    title = " ".join(words[:9]).rstrip(",.;:") + ("" if len(words) <= 9 else " …")
    body = [lead, *rest]
    paragraphs = [" ".join(body[i : i + 2]) for i in range(0, len(body), 2)]
    if copy:
        title = "WIRE: " + title
        paragraphs.append("(Reporting by the wire desk; editing by the news desk.)")
    text = f"{title}\n\nPublished: {published.isoformat()}\n\n" + "\n\n".join(paragraphs) + "\n"
    name = f"ecb_{doc['doc_id'].replace('.', '_')}_r{replica}{'_copy' if copy else ''}.txt"
    return name, text


def build_corpus(out: Path, max_docs: int, seed: int = 13) -> dict:
    """Write the benchmark corpus (see module docstring) to `out`; returns a description."""
    docs = json.loads((SHARED / "ecbplus" / "docs.json").read_text("utf-8"))
    pages = sorted((SHARED / "extraction" / "html").glob("*.html.gz"))
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    replica = 0
    kinds = {"ecb": 0, "ecb_copy": 0, "html": 0, "html_copy": 0}
    while n < max_docs:
        units: list[tuple[str, object]] = [("ecb", d) for d in docs]
        rng = random.Random(_seed("copies", seed, replica))
        units += [("ecb_copy", d) for d in rng.sample(docs, max(1, len(docs) * 3 // 100))]
        if replica == 0:
            units += [("html", p) for p in pages]
        elif replica == 1:
            units += [("html_copy", p) for p in pages]
        random.Random(_seed("stream", seed, replica)).shuffle(units)
        for kind, unit in units:
            if n >= max_docs:
                break
            prefix = f"{n:06d}_"
            if kind in ("ecb", "ecb_copy"):
                name, text = ecb_page(unit, replica, copy=kind == "ecb_copy")  # type: ignore[arg-type]
                (out / (prefix + name)).write_text(text, "utf-8")
            elif kind == "html":
                shutil.copyfile(unit, out / (prefix + unit.name))  # type: ignore[arg-type]
            else:
                html = gzip.decompress(unit.read_bytes())  # type: ignore[union-attr]
                (out / (prefix + unit.name[:-3])).write_bytes(html + b"\n<!-- syndicated copy -->\n")  # type: ignore[union-attr]
            kinds[kind] += 1
            n += 1
        replica += 1
    return {"articles": n, "replicas": replica, "by_kind": kinds}


# ---------------------------------------------------------------------------------------------
# Measurements


def measured(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run `rashomon ARGS` in a subprocess: (wall seconds, the child's own peak RSS in bytes, stdout).
    Both streams go to files, so a chatty child can never block on a pipe.

    The peak RSS is the child's VmHWM, reported by a one-line wrapper that runs the CLI in the
    child and reads /proc/self/status at exit: `wait4`'s ru_maxrss would not do, since Linux
    carries a process's maxrss across fork and exec, so a child would report at least this
    (large) benchmark process's own peak."""
    start = time.perf_counter()
    wrapper = ("import atexit, re, sys\n"
               "target = sys.argv[1]\n"
               "def hwm():\n"
               " m = re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read())\n"
               " open(target, 'w').write(m.group(1) if m else '0')\n"
               "atexit.register(hwm)\n"
               "sys.argv = ['rashomon'] + sys.argv[2:]\n"
               "from rashomon.cli import app\n"
               "app()\n")  # fmt: skip
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as peak:
        proc = subprocess.Popen([PYTHON, "-c", wrapper, peak.name, *args], stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"rashomon {' '.join(args)} failed:\n{err.read().decode()[-2000:]}")
        rss = int(Path(peak.name).read_text() or 0) * 1024  # the wrapper always writes it at exit
        if not rss:
            raise RuntimeError(f"rashomon {' '.join(args)}: the child did not report its peak memory")
        return wall, rss, out.read().decode()


def store_size(db: Path) -> int:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return sum(p.stat().st_size for p in (db, Path(str(db) + "-wal")) if p.exists())


def queries(db: Path, seed: int = 5) -> list[str]:
    conn = sqlite3.connect(db)
    names = [r[0] for r in conn.execute(
        "SELECT name FROM entities WHERE type IN ('PERSON','ORG','GPE') GROUP BY name ORDER BY COUNT(*) DESC LIMIT 20"
    )]  # fmt: skip
    conn.close()
    rng = random.Random(seed)
    pairs = [f"{rng.choice(COMMON_QUERIES)} {rng.choice(names or COMMON_QUERIES)}" for _ in range(20)]
    return COMMON_QUERIES + names + pairs


def search_latency(db: Path, qs: list[str]) -> dict:
    """Search latency in a fresh process, warm (one untimed pass first); milliseconds."""
    code = (
        "import json,sys,time\nfrom rashomon.store import Store\n"
        "s=Store(sys.argv[1]); qs=json.loads(sys.argv[2])\n"
        "t=time.perf_counter(); s.search(qs[0]); cold=(time.perf_counter()-t)*1000\n"
        "[s.search(q) for q in qs]\n"
        "ts=[]\ncpu=[]\nhits=0\n"
        "for q in qs:\n c=time.thread_time(); t=time.perf_counter(); h=s.search(q, limit=20); ts.append((time.perf_counter()-t)*1000)\n"
        " cpu.append((time.thread_time()-c)*1000); hits+=len(h)\n"
        "import re\nrss=int(re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1))*1024\n"
        "print(json.dumps({'cold_ms':cold,'times':ts,'cpu':cpu,'hits':hits,'qs':qs,'rss':rss}))\n"
    )
    out = subprocess.run([PYTHON, "-c", code, str(db), json.dumps(qs)], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    ts, cpu = sorted(data["times"]), sorted(data["cpu"])
    slowest = max(range(len(ts)), key=lambda i: data["times"][i])
    return {
        "queries": len(ts),
        "p50_ms": ts[len(ts) // 2],
        "p95_ms": ts[min(len(ts) - 1, int(len(ts) * 0.95))],
        "max_ms": ts[-1],
        "slowest_query": data["qs"][slowest],
        # CPU time of the searching thread: what the query costs without the other work on the machine
        "cpu_p50_ms": cpu[len(cpu) // 2],
        "cpu_p95_ms": cpu[min(len(cpu) - 1, int(len(cpu) * 0.95))],
        "cpu_max_ms": cpu[-1],
        "cold_first_ms": data["cold_ms"],
        "mean_hits": data["hits"] / len(ts),
        "peak_rss_mb": data["rss"] / 2**20,
    }


def mark_known(db: Path, corpus: Path) -> int:
    """Make a replicated store hold the corpus as if it had ingested it: document k takes the raw
    hash of the corpus' k-th article and every corpus file is listed as read. A re-ingest of the
    corpus then walks the same code path, over tables of the same size, as after a real ingest
    (files skipped by hash; with --force, every article decoded and found by its hash)."""
    from rashomon.readers import read_path

    conn = sqlite3.connect(db, isolation_level=None)
    rowids = [r[0] for r in conn.execute("SELECT rowid FROM documents ORDER BY rowid")]
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    conn.execute("BEGIN")
    k = 0
    for path in sorted(corpus.iterdir()):
        sources, _ = read_path(path)
        for source in sources:
            if k < len(rowids):
                conn.execute("UPDATE documents SET raw_hash = ? WHERE rowid = ?", (source.raw_hash, rowids[k]))
                k += 1
        conn.execute("INSERT OR REPLACE INTO files(sha256, path, sources, run_id, read) VALUES (?, ?, ?, NULL, ?)",
                     (hashlib.sha256(path.read_bytes()).hexdigest(), str(path), len(sources), now))  # fmt: skip
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return k


def search_agreement(db: Path, qs: list[str], limit: int = 20) -> dict:
    """How far the capped plan (`queries.RANK_CAP`) departs from ranking every match, over the
    (query, index) pairs it caps (a pair matching at most RANK_CAP rows is ranked exactly).

    Two overlaps of the plan's top `limit` with the full-BM25 top `limit`: by row, and by content
    — a document by its original id (replicas `-r<k>`/`-x<k>` of one article are the same text,
    shuffled), a fact by its text. On a replicated store the content overlap is the meaningful
    one: the full ranking fills its top 20 with copies of the same few articles from all eras."""
    from rashomon.store import queries as q

    conn = sqlite3.connect(db)
    strip = re.compile(r"(-[rx]\d+)+$")
    by_row, by_content, pairs, capped = [], [], 0, 0
    for text in qs:
        query = q.fts_query(text)
        for table, score, content in (
            ("documents_fts", "bm25(documents_fts, 5.0, 1.0)", "SELECT id FROM documents WHERE rowid = ?"),
            ("facts_fts", "bm25(facts_fts)", "SELECT text FROM facts WHERE rowid = ?"),
        ):
            full = [r[0] for r in conn.execute(
                f"SELECT rowid, {score} AS s FROM {table} WHERE {table} MATCH ? ORDER BY s LIMIT ?", (query, limit))]  # fmt: skip
            if not full:
                continue
            pairs += 1
            n = conn.execute(f"SELECT COUNT(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?)",
                             (query, q.RANK_CAP + 1)).fetchone()[0]  # fmt: skip
            if n <= q.RANK_CAP:
                continue
            capped += 1
            plan = list(q._top(conn, table, score, query, limit))
            by_row.append(len(set(full) & set(plan)) / len(full))

            def contents(rowids: list[int]) -> set[str]:
                return {strip.sub("", conn.execute(content, (r,)).fetchone()[0]) for r in rowids}

            want = contents(full)
            by_content.append(len(want & contents(plan)) / len(want))
    conn.close()
    return {"rank_cap": q.RANK_CAP, "query_index_pairs": pairs, "capped_pairs": capped,
            "capped_mean_overlap_by_row": sum(by_row) / max(1, len(by_row)),
            "capped_mean_overlap_by_content": sum(by_content) / max(1, len(by_content)),
            "capped_min_overlap_by_content": min(by_content, default=1.0)}  # fmt: skip


def _rekey(blob: bytes, ids: dict[str, str]) -> bytes:
    """A packed JSON blob (store/codec.py) with every string equal to an old id replaced by its new id."""
    text = zlib.decompress(blob).decode("utf-8")
    for old, new in ids.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    return zlib.compress(text.encode("utf-8"), 1)


def replicate(src: Path, dst: Path, target: int, seed: int = 3, mark: str = "r") -> float:
    """Fast path (no NLP): grow a copy of the analysed store to `target` documents by replicas.

    Replica k copies every document with its sentences re-shuffled (new text, new hash, id and
    story id), and copies its layers, story rows and story layers and the clusterer's rows under
    the new ids, so size, FTS and clusterer state grow as real ingest would make them. `mark`
    names the replicas (`<id>-<mark><k>`); a store that is itself a replica needs another mark."""
    shutil.copyfile(src, dst)
    start = time.perf_counter()
    conn = sqlite3.connect(dst, isolation_level=None)
    base = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    doc_cols = [r[1] for r in conn.execute("PRAGMA table_info(documents)") if r[1] != "rowid"]
    k = 1
    while conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] < target:
        tag = f"-{mark}{k}"
        need = target - conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        conn.execute("BEGIN")
        rows = conn.execute(f"SELECT rowid, {', '.join(doc_cols)} FROM documents WHERE id NOT LIKE ? ORDER BY rowid LIMIT ?", (f"%-{mark}%", min(need, base))).fetchall()
        for row in rows:
            old_rowid, values = row[0], dict(zip(doc_cols, row[1:]))
            paragraphs = values["text"].split("\n\n")
            head, rest = paragraphs[:1], paragraphs[1:]
            random.Random(_seed(seed, k, values["id"])).shuffle(rest)
            values["text"] = "\n\n".join(head + rest)
            values["id"] += tag
            values["raw_hash"] = hashlib.sha256((values["raw_hash"] + tag).encode()).hexdigest()
            values["url"] = values["url"] + tag if values["url"] else None
            values["story_id"] = (values["story_id"] or "") + tag
            cur = conn.execute(
                f"INSERT INTO documents({', '.join(doc_cols)}) VALUES ({', '.join('?' * len(doc_cols))})",
                [values[c] for c in doc_cols],
            )
            blob = conn.execute("SELECT data FROM layers WHERE document_rowid = ?", (old_rowid,)).fetchone()[0]
            conn.execute("INSERT INTO layers(document_rowid, data) VALUES (?, ?)",
                         (cur.lastrowid, _rekey(blob, {values["id"][: -len(tag)]: values["id"]})))  # fmt: skip
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS pick(id TEXT PRIMARY KEY)")  # the copied stories' ids
        conn.execute("DELETE FROM pick")
        stories = [r[0] for r in conn.execute("SELECT DISTINCT story_id FROM documents WHERE id LIKE ?", (f"%{tag}",))]
        conn.executemany("INSERT OR IGNORE INTO pick VALUES (?)", [(s[: -len(tag)],) for s in stories])
        conn.execute(
            "INSERT INTO story_documents(story_id, document_id) SELECT story_id, id FROM documents WHERE id LIKE ?", (f"%{tag}",)
        )
        conn.execute(
            f"""INSERT INTO stories SELECT id || '{tag}', headline, event_date, first_published, last_published, n_documents,
                   n_sources, n_facts, n_corroborated, n_disputed, created, updated, data FROM stories WHERE id IN (SELECT id FROM pick)"""
        )
        # The copied story blobs name the originals' documents: point them at the replicas.
        for sid, blob in conn.execute(f"SELECT id, data FROM stories WHERE id IN (SELECT id || '{tag}' FROM pick)").fetchall():
            members = [r[0] for r in conn.execute("SELECT id FROM documents WHERE story_id = ?", (sid,))]
            ids = {m[: -len(tag)]: m for m in members} | {sid[: -len(tag)]: sid}
            conn.execute("UPDATE stories SET data = ? WHERE id = ?", (_rekey(blob, ids), sid))
        for table, cols in (
            ("facts", "position, text, status, sources, conflicts"),
            ("events", 'date, source_actor, action, target_actor, mode, negated, location, status, document_id, start, "end", data'),
            ("quantities", 'document_id, start, "end", text, value, unit, qualifier, value_max'),
        ):
            conn.execute(
                f"INSERT INTO {table}(story_id, {cols}) SELECT story_id || '{tag}', {cols} FROM {table} WHERE story_id IN (SELECT id FROM pick)"
            )
            if "document_id" in cols:  # point the copies at the replica documents
                rekey_data = f""", data = replace(data, '"' || document_id || '"', '"' || document_id || '{tag}"')"""
                conn.execute(
                    f"""UPDATE {table} SET document_id = document_id || '{tag}' {rekey_data if table == "events" else ""}
                        WHERE story_id LIKE '%{tag}' AND document_id NOT LIKE '%{tag}'"""
                )
        conn.execute(
            f"""INSERT INTO fact_spans(fact_rowid, document_id, start, "end", quote)
                SELECT n.rowid, s.document_id || '{tag}', s.start, s."end", s.quote
                FROM facts o JOIN facts n ON n.story_id = o.story_id || '{tag}' AND n.position = o.position
                JOIN fact_spans s ON s.fact_rowid = o.rowid WHERE o.story_id IN (SELECT id FROM pick)"""
        )
        conn.execute(
            f"""INSERT INTO entities(story_id, entity_id, name, type, country, roles, n_documents)
                SELECT story_id || '{tag}', entity_id, name, type, country, roles, n_documents FROM entities
                WHERE story_id IN (SELECT id FROM pick)"""
        )
        conn.execute(
            f"""INSERT INTO aliases(entity_rowid, alias) SELECT n.rowid, a.alias
                FROM entities o JOIN entities n ON n.story_id = o.story_id || '{tag}' AND n.entity_id = o.entity_id
                JOIN aliases a ON a.entity_rowid = o.rowid WHERE o.story_id IN (SELECT id FROM pick)"""
        )
        dated = "last" in {r[1] for r in conn.execute("PRAGMA table_info(cluster_stories)")}  # schema >= 3
        for sid, data in conn.execute("SELECT id, data FROM cluster_stories WHERE id IN (SELECT id FROM pick)").fetchall():
            story = json.loads(data)
            story["id"] += tag
            story["docs"] = [d + tag for d in story["docs"]]
            if dated:
                conn.execute("INSERT OR REPLACE INTO cluster_stories(id, data, last) VALUES (?, ?, ?)",
                             (story["id"], json.dumps(story), story["last"]))  # fmt: skip
            else:
                conn.execute("INSERT OR REPLACE INTO cluster_stories(id, data) VALUES (?, ?)", (story["id"], json.dumps(story)))
        conn.execute("COMMIT")
        k += 1
    # Posting lists: each key also points at the replicas' copies of its stories (capped, newest last).
    cap = json.loads(conn.execute("SELECT value FROM cluster_meta WHERE key = 'params'").fetchone()[0])["posting_cap"]
    replicas = k - 1
    conn.execute("BEGIN")
    exists = {r[0] for r in conn.execute("SELECT id FROM cluster_stories")}
    for key, ids_json in conn.execute("SELECT key, ids FROM cluster_postings").fetchall():
        ids = json.loads(ids_json)
        grown = ids + [c for r in range(1, replicas + 1) for i in ids if (c := f"{i}-{mark}{r}") in exists]
        conn.execute("UPDATE cluster_postings SET ids = ? WHERE key = ?", (json.dumps(grown[-cap:]), key))
    conn.execute("COMMIT")
    # The copies bypassed the story writes that keep the entity summary: recompute it (a store of
    # an older schema gets it from its migration when the Store opens it).
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'entity_index'").fetchone():
        from rashomon.store import entityindex

        conn.execute("BEGIN")
        entityindex.rebuild(conn)
        conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - start


# Two batches of new articles for the incremental ingest into a big store: "far", published
# long after everything stored (replica 40: every stored story is past the clusterer's horizon),
# and "near", new text published in the weeks the stored stories come from (replica 0's dates:
# every stored ECB+ story is within the horizon; the worst case for what an ingest must read).
INCREMENTAL_DATES = {"far": None, "near": 0}


def fresh_articles(out: Path, n: int, dates: str) -> Path:
    docs = json.loads((SHARED / "ecbplus" / "docs.json").read_text("utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    for d in random.Random(11).sample(docs, min(n, len(docs))):
        name, text = ecb_page(d, replica=40, dated_as=INCREMENTAL_DATES[dates])
        (out / name).write_text(text, "utf-8")
    return out


def migrate_copy(src: Path, dst: Path) -> dict:
    """Copy a store and open it once with this rashomon (schema migrations run): seconds, version."""
    shutil.copyfile(src, dst)
    start = time.perf_counter()
    from rashomon.store import Store

    with Store(dst) as store:
        version = store.stats().schema_version
    return {"migrate_s": time.perf_counter() - start, "schema_version": version}


def incremental_runs(big: Path, n: int, work: Path, baseline_src: Path | None = None) -> dict:
    """Peak RSS and rate of `rashomon ingest` of `n` new articles into a copy of `big`, for each
    date mode; with `baseline_src` (another checkout's src/), the same with that code too (a
    copy of `big` as it is, not migrated: `big` must be of a schema that code can open)."""
    out: dict = {}
    documents = sqlite3.connect(big).execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    codes = [("after", None)] + ([("before", baseline_src)] if baseline_src else [])
    for code, src in codes:
        for dates in INCREMENTAL_DATES:
            fresh = fresh_articles(work / f"fresh_{dates}", n, dates)
            copy = work / "incremental.db"
            for p in work.glob("incremental.db*"):
                p.unlink()
            entry: dict = {"code": code, "dates": dates, "store_documents": documents}
            if src is None:
                entry.update(migrate_copy(big, copy))
            else:
                shutil.copyfile(big, copy)
            env = {**os.environ, "PYTHONPATH": str(src)} if src else None
            console.print(f"incremental ingest of {n} new articles ({dates}) into the {documents}-document store, {code} …")
            wall, rss, stdout = measured(["ingest", str(fresh), "--db", str(copy), "--json"], env=env)
            report = json.loads(stdout)
            entry.update({"added": report["added"], "skipped": report["skipped"], "stories_new": report["stories_new"], "wall_s": wall,
                          "articles_per_s": report["added"] / wall, "peak_rss_mb": rss / 2**20})  # fmt: skip
            conn = sqlite3.connect(copy)
            entry["assigned"] = dict(conn.execute(
                "SELECT id, story_id FROM documents WHERE run_id = (SELECT MAX(id) FROM ingest_runs)"))  # fmt: skip
            conn.close()
            if src is None:  # the same ingest again, in this process, on a fresh copy: what it read
                for p in work.glob("incremental.db*"):
                    p.unlink()
                shutil.copyfile(big, copy)
                entry.update(clusterer_reads(copy, fresh))
            console.print({k: v for k, v in entry.items() if k != "assigned"})
            out[f"{code}/{dates}"] = entry
    for p in work.glob("incremental.db*"):
        p.unlink()
    # The floor: the same ingest into an empty store (the models and the analysis, no stored state).
    wall, rss, stdout = measured(["ingest", str(work / "fresh_far"), "--db", str(work / "empty.db"), "--json"])
    report = json.loads(stdout)
    out["after/far/empty store"] = {"code": "after", "dates": "far", "store_documents": 0, "added": report["added"],
                                    "skipped": report["skipped"], "stories_new": report["stories_new"], "wall_s": wall,
                                    "articles_per_s": report["added"] / wall, "peak_rss_mb": rss / 2**20}  # fmt: skip
    console.print(out["after/far/empty store"])
    for dates in INCREMENTAL_DATES:  # the point of the change: same decisions, less memory
        if f"before/{dates}" in out:
            out[f"after/{dates}"]["same_stories_as_before"] = out[f"after/{dates}"]["assigned"] == out[f"before/{dates}"]["assigned"]
    return out


def clusterer_reads(db: Path, fresh: Path) -> dict:
    """Run the ingest in this process and count what its clusterer read from the store (rows of
    `cluster_stories` read whole, story dates read alone, posting lists) and held at most."""
    from rashomon.store import Store
    from rashomon.store.incremental import Ingester

    held: list[tuple[int, int]] = []

    class Counting(Ingester):
        def _flush(self, batch, analysed, final=False):  # type: ignore[no-untyped-def]
            super()._flush(batch, analysed, final)
            if self._clusterer is not None:
                held.append(self._clusterer.held())

    with Store(db) as store:
        stored = store.conn.execute("SELECT COUNT(*) FROM cluster_stories").fetchone()[0]
        postings = store.conn.execute("SELECT COUNT(*) FROM cluster_postings").fetchone()[0]
        ingester = Counting(store.conn)
        with store._ingest_lock():
            ingester.run([fresh])
        reads = ingester._clusterer.reads if ingester._clusterer is not None else {}
    return {"stored_stories": stored, "stored_posting_lists": postings, "stories_read_whole": reads.get("stories", 0),
            "story_dates_read": reads.get("lasts", 0), "posting_lists_read": reads.get("postings", 0),
            "most_stories_held": max((h[0] for h in held), default=0)}  # fmt: skip


def incremental_table(runs: dict) -> Table:
    table = Table(title="ingest of new articles into a big store (2 shared cores: timings are noisy)")
    for col in ("code", "dates", "store docs", "added", "new stories", "stored stories read whole / all",
                "art/s", "peak RSS", "same stories as before"):
        table.add_column(col, justify="right" if col not in ("code", "dates") else "left")
    for entry in runs.values():
        same = entry.get("same_stories_as_before")
        table.add_row(entry["code"], entry["dates"], str(entry["store_documents"]), str(entry["added"]),
                      str(entry["stories_new"]),
                      f"{entry['stories_read_whole']} / {entry['stored_stories']}" if "stored_stories" in entry
                      else ("all" if entry["code"] == "before" else "-"),
                      f"{entry['articles_per_s']:.1f}", f"{entry['peak_rss_mb']:.0f} MB",
                      "" if same is None else str(same))  # fmt: skip
    return table


def incremental_only(args: argparse.Namespace) -> None:
    """--incremental-into STORE: only the incremental ingest (before/after with --baseline-src);
    its results are merged into benchmarks/results/store.json under "incremental_memory"."""
    work = args.work
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    runs = incremental_runs(args.incremental_into, args.incremental, work, args.baseline_src)
    console.print(incremental_table(runs))
    results = json.loads(RESULTS.read_text("utf-8")) if RESULTS.exists() else {}
    results["incremental_memory"] = {
        "store": str(args.incremental_into), "runs": {k: {x: y for x, y in v.items() if x != "assigned"} for k, v in runs.items()},
        "note": "peak RSS of the ingest process (VmHWM); 2 cores shared with other engineers: timings are noisy",
        "supersedes": "incremental_into_largest, when that was measured by an earlier full run (whole-state loader)",
    }  # fmt: skip
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    console.print(f"wrote {RESULTS}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-docs", type=int, default=10_000, help="articles ingested end to end (default 10000)")
    ap.add_argument("--sizes", default="10000,100000", help="stored sizes for search/size/memory (above --max-docs: fast path)")
    ap.add_argument("--incremental", type=int, default=200, help="new articles ingested into the largest store")
    ap.add_argument("--workers", type=int, default=2, help="analysis processes for the ingest (rashomon ingest --workers)")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "rashomon-bench-store")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--base-db", type=Path, help="skip the end-to-end ingest: replicate this analysed store to "
                    "--max-docs and mark the corpus as its articles (see mark_known), then measure the rest")
    ap.add_argument("--incremental-into", type=Path, help="only measure the incremental ingest into this store "
                    "(a copy of it per run), for new articles dated far from and near its stories")
    ap.add_argument("--baseline-src", type=Path, help="with --incremental-into: also run the ingest with the rashomon "
                    "package under this directory (e.g. an export of the previous commit's src/) for before/after")
    args = ap.parse_args()
    if args.incremental_into:
        incremental_only(args)
        return
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} | {args.max_docs})

    work = args.work
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    corpus = work / "corpus"
    console.print(f"building corpus of {args.max_docs} articles in {corpus} …")
    described = build_corpus(corpus, args.max_docs)
    console.print(described)
    db = work / f"store_{args.max_docs}.db"

    if args.base_db:
        console.print(f"fast path: {args.base_db} replicated to {args.max_docs} documents, corpus marked as stored …")
        fast_s = replicate(args.base_db, db, args.max_docs)
        marked = mark_known(db, corpus)
        wall = 0.0
        ingest = {"skipped": f"fast path from {args.base_db} (no end-to-end ingest measured)", "replicate_s": fast_s,
                  "articles_marked_known": marked, "articles_added": 0, "articles_per_s": 0.0, "peak_rss_mb": 0.0}  # fmt: skip
    else:
        console.print("ingest (end to end, subprocess) …")
        wall, rss, out = measured(["ingest", str(corpus), "--db", str(db), "--json", "--workers", str(args.workers)])
        report = json.loads(out)
        ingest = {
            "articles_added": report["added"], "read": report["read"], "failed": report["failed"],
            "skipped": report["skipped"], "stories": report["stories_new"], "wall_s": wall,
            "articles_per_s": report["added"] / wall, "inside_ingest_s": report["seconds"], "peak_rss_mb": rss / 2**20,
            "workers": args.workers,
        }  # fmt: skip
    console.print(ingest)
    console.print("re-ingest of the same corpus …")
    wall2, rss2, out2 = measured(["ingest", str(corpus), "--db", str(db), "--json"])
    report2 = json.loads(out2)
    reingest = {"wall_s": wall2, "inside_ingest_s": report2["seconds"], "added": report2["added"],
                "skipped": report2["skipped"], "peak_rss_mb": rss2 / 2**20}  # fmt: skip
    console.print(reingest)
    wall_f, _, out_f = measured(["ingest", str(corpus), "--db", str(db), "--json", "--force"])
    report_f = json.loads(out_f)
    reingest["forced_wall_s"] = wall_f  # every file decoded again, every article checked by hash/URL
    reingest["forced_added"] = report_f["added"]
    console.print({"forced re-ingest": wall_f, "added": report_f["added"]})
    conn = sqlite3.connect(db)
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()

    qs = queries(db)
    at_size = {}
    previous = db
    for size in sizes:
        if size < args.max_docs:
            continue
        path = db if size == args.max_docs else work / f"store_{size}.db"
        entry: dict = {}
        if size > args.max_docs:
            console.print(f"fast path to {size} documents …")
            # a store that is itself made of replicas is replicated again under another mark
            entry["fast_path_s"] = replicate(previous, path, size, mark="x" if args.base_db else "r")
        entry["size_mb"] = store_size(path) / 2**20
        entry["search"] = search_latency(path, qs)
        entry["search_agreement"] = search_agreement(path, qs)
        _, rss_stats, out_stats = measured(["stats", "--db", str(path), "--json"])
        entry["documents"] = json.loads(out_stats)["documents"]
        entry["stats_peak_rss_mb"] = rss_stats / 2**20
        at_size[size] = entry
        console.print(size, entry)

    largest = max(at_size)
    big = db if largest == args.max_docs else work / f"store_{largest}.db"
    runs = incremental_runs(big, args.incremental, work)
    incremental = runs["after/far"]
    incremental = {k: v for k, v in incremental.items() if k != "assigned"}
    incremental_near = {k: v for k, v in runs["after/near"].items() if k != "assigned"}

    table = Table(title="store benchmark (2 shared cores: timings are noisy)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target")
    if not args.base_db:
        table.add_row(f"ingest {ingest['articles_added']} articles, end to end", f"{ingest['articles_per_s']:.1f} art/s ({wall:.0f} s)", "≥ 25 art/s")
        table.add_row("peak RSS during that ingest", f"{ingest['peak_rss_mb']:.0f} MB", "")
    table.add_row(f"re-ingest of the same {args.max_docs}", f"{wall2:.2f} s (added {reingest['added']})", "< 10 s @ 10k")
    table.add_row(f"re-ingest --force (decode + check every article)", f"{reingest['forced_wall_s']:.2f} s (added {reingest['forced_added']})", "")
    table.add_row("integrity_check", integrity, "ok")
    for size, entry in at_size.items():
        s = entry["search"]
        table.add_row(f"search @ {entry['documents']} docs p50 / p95 / max", f"{s['p50_ms']:.1f} / {s['p95_ms']:.1f} / {s['max_ms']:.1f} ms", "< 50 ms")
        table.add_row("  same, CPU time of the query", f"{s['cpu_p50_ms']:.1f} / {s['cpu_p95_ms']:.1f} / {s['cpu_max_ms']:.1f} ms", "")
        g = entry["search_agreement"]
        table.add_row("  capped query×index pairs; their top-20 vs full BM25: by row / by content (mean, min)",
                      f"{g['capped_pairs']}/{g['query_index_pairs']}; {g['capped_mean_overlap_by_row']:.2f} / "
                      f"{g['capped_mean_overlap_by_content']:.2f}, {g['capped_min_overlap_by_content']:.2f}", "")
        table.add_row(f"store size @ {entry['documents']} docs", f"{entry['size_mb']:.0f} MB", "")
        table.add_row(f"peak RSS, stats @ {entry['documents']} docs", f"{entry['stats_peak_rss_mb']:.0f} MB", "")
    for label, entry in (("far", incremental), ("near", incremental_near)):
        table.add_row(f"ingest {entry['added']} new ({label} dates) into {largest} store",
                      f"{entry['articles_per_s']:.1f} art/s, {entry['peak_rss_mb']:.0f} MB peak", "")  # fmt: skip
    console.print(table)

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "corpus": described, "ingest": ingest, "reingest": reingest, "integrity_check": integrity,
        "queries": qs, "at_size": {str(k): v for k, v in at_size.items()}, "incremental_into_largest": incremental,
        "incremental_near_into_largest": incremental_near,
        "machine": {"cores": os.cpu_count(), "note": "2 cores shared with other engineers; timings are noisy"},
    }, indent=2) + "\n", "utf-8")  # fmt: skip
    console.print(f"wrote {RESULTS}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

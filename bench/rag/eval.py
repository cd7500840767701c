#!/usr/bin/env python3
"""Retrieval evaluation of WIBOT's RAG search over two question sets.

1. bench/rag/eval-questions.json over a copy of /work/shared/eval-corpus (SOURCES.md left out);
2. bench/rag/questions.json over rag-documents + bench/rag/corpus (the set Program.cs's RagQualityAsync uses).

For each set the Release API is started on a throw-away database of the local self-provisioned
PostgreSQL cluster, the copied folder is ingested through POST /webhook/wibot/rag/ingest (admin), the
ingestion report is checked, every question goes through GET /webhook/wibot/rag/search?limit=10, and
recall@1, recall@5 and MRR@10 are printed with the failed questions. Standard library only.

Usage: bench/rag/eval.sh [--only=eval|old] [--misses=5|10] [--corpus=/path/to/eval-corpus]
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
API_DLL = os.path.join(ROOT, "src", "Wibot.Api", "bin", "Release", "net10.0", "Wibot.Api.dll")
EXTENSIONS = {".md", ".markdown", ".txt", ".mdx"}
ADMIN_PASSWORD = "Eval-Admin-Pw-" + secrets.token_hex(6) + "-a7Z!"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(base, method, path, token=None, body=None, timeout=600):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        raw = r.read()
        return json.loads(raw) if raw else None


def copy_tree(src, dst, skip_names=("SOURCES.md",)):
    def ignore(folder, names):
        return [n for n in names if folder == src and n in skip_names]
    shutil.copytree(src, dst, ignore=ignore)


def count_files(root):
    n = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        n += sum(1 for f in files if not f.startswith(".") and os.path.splitext(f)[1].lower() in EXTENSIONS)
    return n


class Api:
    """The Release API on its own database; stopped (kill, then kill -9) and the database dropped on close."""

    def __init__(self, docs_root, label):
        self.label = label
        self.db = "wibot_rageval_" + secrets.token_hex(5)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(tempfile.gettempdir(), f"wibot-rageval-{self.db}.log")
        env = dict(os.environ)
        env.pop("ConnectionStrings__Wibot", None)
        env.update({
            "ASPNETCORE_ENVIRONMENT": "Production",
            "Database__Local__Database": self.db,
            "Jwt__Secret": secrets.token_urlsafe(48),
            "Bootstrap__AdminUsername": "admin",
            "Bootstrap__AdminPassword": ADMIN_PASSWORD,
            "Llm__Provider": "offline",
            "Rag__DocumentsPath": docs_root,
            "Rag__IndexOnStartup": "false",
            "Auth__MaxFailuresPerAddress": "1000000",
            "Logging__LogLevel__Default": "Warning",
        })
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(["dotnet", API_DLL, "--urls", self.base], cwd=os.path.dirname(API_DLL),
                                     env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, seconds=180):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.base + "/health/ready", timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.5)
        self.log.flush()
        with open(self.log_path) as f:
            tail = f.read()[-4000:]
        raise RuntimeError(f"[{self.label}] the API did not become ready. Log tail:\n{tail}")

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=8)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()
        drop_database(self.db)


def drop_database(name):
    wibot = os.path.join(ROOT, ".wibot")
    port = "55432"
    port_file = os.path.join(wibot, "postgres.port")
    if os.path.exists(port_file) and os.path.getsize(port_file) > 0:
        port = open(port_file).read().strip()
    secret_file = os.path.join(wibot, "postgres.secret")
    if not os.path.exists(secret_file) or shutil.which("psql") is None:
        print(f"warning: could not drop database {name} (no psql or no secret)", file=sys.stderr)
        return
    env = dict(os.environ, PGPASSWORD=open(secret_file).read().strip())
    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-p", port, "-U", "wibot", "-d", "postgres",
                    "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def evaluate(label, docs_root, questions, prefix_of, show_misses_at):
    api = Api(docs_root, label)
    try:
        api.wait_ready()
        token = request(api.base, "POST", "/webhook/auth/login", body={"username": "admin", "password": ADMIN_PASSWORD})["token"]
        expected_files = count_files(docs_root)
        report = request(api.base, "POST", "/webhook/wibot/rag/ingest", token=token)
        docs = request(api.base, "GET", "/webhook/wibot/rag/documents", token=token)["documents"]
        errors = report.get("errors") or []
        out = [f"## {label}", ""]
        out.append(f"Ingestion: {report['added']} added of {expected_files} files, {report['chunks']} chunks, "
                   f"{len(errors)} errors, {report['duration_ms']} ms.")
        if report["added"] != expected_files or errors:
            out.append("**INGESTION INCOMPLETE**")
        for e in errors:
            out.append(f"- error: {e.get('path')}: {e.get('error')}")
        chunk_counts = sorted(d["chunks"] for d in docs)
        if chunk_counts:
            out.append(f"Chunks per document: min {chunk_counts[0]}, median {chunk_counts[len(chunk_counts) // 2]}, max {chunk_counts[-1]}.")
        out.append("")

        known = {d["path"] for d in docs}
        hit1 = hit5 = 0
        mrr = 0.0
        misses = []
        latencies = []
        for q in questions:
            prefix = prefix_of(q)
            expected = {prefix + e for e in q["expected"]}
            unknown = expected - known
            if unknown:
                out.append(f"- warning: expected file(s) not indexed: {', '.join(sorted(unknown))}")
            started = time.perf_counter()
            result = request(api.base, "GET", "/webhook/wibot/rag/search?limit=10&q=" + urllib.parse.quote(q["question"]), token=token)
            latencies.append((time.perf_counter() - started) * 1000)
            paths = [r["path"] for r in result["results"]]
            rank = next((i for i, p in enumerate(paths) if p in expected), -1)
            if rank == 0:
                hit1 += 1
            if 0 <= rank < 5:
                hit5 += 1
            if rank >= 0:
                mrr += 1.0 / (rank + 1)
            if rank < 0 or rank >= show_misses_at:
                got = ", ".join(paths[:3]) or "(nothing)"
                where = "not in top 10" if rank < 0 else f"rank {rank + 1}"
                misses.append(f"- « {q['question']} » → expected {', '.join(sorted(expected))} ({where}); got {got}")
        n = len(questions)
        latencies.sort()
        out.append("| questions | recall@1 | recall@5 | MRR@10 | search p50 ms | p95 ms |")
        out.append("|---|---|---|---|---|---|")
        out.append(f"| {n} | {hit1 / n:.3f} | {hit5 / n:.3f} | {mrr / n:.3f} | {latencies[n // 2]:.0f} | {latencies[min(n - 1, int(n * 0.95))]:.0f} |")
        out.append("")
        if misses:
            out.append(f"Misses (expected document not in the top {show_misses_at}): {len(misses)}")
            out.extend(misses)
            out.append("")
        return "\n".join(out), (hit1 / n, hit5 / n, mrr / n)
    finally:
        api.close()


def main():
    args = sys.argv[1:]
    only = next((a.split("=", 1)[1] for a in args if a.startswith("--only=")), "eval,old").split(",")
    show_misses_at = int(next((a.split("=", 1)[1] for a in args if a.startswith("--misses=")), "5"))
    corpus = next((a.split("=", 1)[1] for a in args if a.startswith("--corpus=")), "/work/shared/eval-corpus")
    if not os.path.exists(API_DLL):
        sys.exit(f"Missing {API_DLL}: build the solution in Release first.")

    work = tempfile.mkdtemp(prefix="wibot-rageval-")
    summary = []
    reports = []
    try:
        if "eval" in only:
            root = os.path.join(work, "eval")
            copy_tree(corpus, root)
            questions = json.load(open(os.path.join(ROOT, "bench", "rag", "eval-questions.json"), encoding="utf-8"))
            text, figures = evaluate("eval-corpus (bench/rag/eval-questions.json)", root, questions, lambda q: "", show_misses_at)
            reports.append(text)
            summary.append(("eval-corpus", len(questions), figures))
        if "old" in only:
            root = os.path.join(work, "old")
            os.makedirs(root)
            shutil.copytree(os.path.join(ROOT, "rag-documents"), os.path.join(root, "rag-documents"))
            shutil.copytree(os.path.join(ROOT, "bench", "rag", "corpus"), os.path.join(root, "corpus"))
            questions = json.load(open(os.path.join(ROOT, "bench", "rag", "questions.json"), encoding="utf-8"))
            text, figures = evaluate("rag-documents + bench/rag/corpus (bench/rag/questions.json)", root, questions,
                                     lambda q: "rag-documents/" if q.get("root") == "rag-documents" else "corpus/", show_misses_at)
            reports.append(text)
            summary.append(("old set", len(questions), figures))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("\n\n".join(reports))
    print("## Summary\n")
    print("| set | questions | recall@1 | recall@5 | MRR@10 |")
    print("|---|---|---|---|---|")
    for name, n, (r1, r5, mrr) in summary:
        print(f"| {name} | {n} | {r1:.3f} | {r5:.3f} | {mrr:.3f} |")


if __name__ == "__main__":
    main()

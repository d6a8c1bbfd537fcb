#!/usr/bin/env python3
"""Derives the catalog's content files from ../shared/data (run from the repo
root: python3 workloads/catalog/make_content.py). Deterministic; the
outputs are committed so tcobench never reads shared/ at run time."""
import glob, json, os

DATA = os.path.join("..", "shared", "data")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "content")

def write(name, recs):
    with open(os.path.join(OUT, name), "w") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")

# Banking knowledge base: medium-length documents, about 100 KB.
kb, size = [], 0
for line in open(os.path.join(DATA, "tau2_banking_knowledge_documents.jsonl")):
    d = json.loads(line)
    if 900 <= len(d["content"]) <= 3000 and size < 100_000:
        kb.append({"id": d["id"], "title": d["title"], "content": d["content"]})
        size += len(d["content"])
write("banking_kb.jsonl", kb)

# Tickets: the customer situation of the first 60 banking tasks, with their
# ground truth: the first document each task requires (its id, title and
# content, the retrieval check's answer), how many it requires, and the
# actions its evaluation criteria expect.
docs = {}
for line in open(os.path.join(DATA, "tau2_banking_knowledge_documents.jsonl")):
    d = json.loads(line)
    docs[d["id"]] = d
tickets = []
for t in json.load(open(os.path.join(DATA, "tau2_banking_knowledge_tasks.json")))[:60]:
    ins = t["user_scenario"]["instructions"]
    text = ins if isinstance(ins, str) else json.dumps(ins)
    text = text.replace("You are playing the role of a customer contacting a customer service representative agent. ", "")
    req = t["required_documents"]
    doc = docs[req[0]]
    actions = [a["name"] for a in (t["evaluation_criteria"]["actions"] or [])]
    tickets.append({"id": t["id"], "text": text[:900], "doc_id": doc["id"], "doc_title": doc["title"],
                    "doc_content": doc["content"][:2000], "required_documents": len(req),
                    "expected_actions": " ".join(sorted(set(actions)))})
write("banking_tickets.jsonl", tickets)

# ABCD chats with their labels (flow and subflow, as the data names them),
# for the triage workload; the handbook's flows are its label set.
guide = json.load(open(os.path.join(DATA, "abcd_guidelines.json")))
flows = [f.lower().replace("-", "_").replace(" ", "_") for f in guide]
chats = []
for c in json.load(open(os.path.join(DATA, "abcd_sample.json"))):
    lines = [("Customer" if who == "customer" else "Agent") + ": " + text.strip() for who, text in c["original"]]
    sc = c["scenario"]
    assert sc["flow"] in flows, sc["flow"]
    chats.append({"id": "abcd-%d" % c["convo_id"], "text": "\n".join(lines), "flow": sc["flow"], "subflow": sc["subflow"]})
write("abcd_chats.jsonl", chats)
print("abcd flows:", ", ".join(flows))

# Call transcripts: the customer/agent dialogue (no tool traffic) of 20
# recorded tau2 airline sessions and the 3 abcd chats.
calls = []
sims = json.load(open(os.path.join(DATA, "tau2_airline_claude-sonnet-4-5_aide-platform_pr80.json")))["simulations"]
for s in sims[:20]:
    lines = [("Customer" if m["role"] == "user" else "Agent") + ": " + m["content"].strip()
             for m in s["messages"] if m["role"] in ("user", "assistant") and m.get("content")]
    calls.append({"id": "tau2-airline-" + s["id"][:8], "source": "tau2-bench airline", "text": "\n".join(lines)})
for c in json.load(open(os.path.join(DATA, "abcd_sample.json"))):
    lines = [("Customer" if who == "customer" else "Agent") + ": " + text.strip() for who, text in c["original"]]
    calls.append({"id": "abcd-%d" % c["convo_id"], "source": "abcd", "text": "\n".join(lines)})
write("call_transcripts.jsonl", calls)

# Code for review: tcobench's own record schema (this project's licence).
code = []
for p in sorted(glob.glob(os.path.join("bench", "record", "*.go"))):
    code.append({"path": p, "code": open(p).read()[:6000]})
if code:  # the record package moved (runrecord/): the committed file stays as it was derived
    write("code_files.jsonl", code)

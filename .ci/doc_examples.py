#!/usr/bin/env python3
"""Fail when a public item of a crate has no doc example. See .ci/doc_examples.sh for the rule."""
import json
import sys

path, crate = sys.argv[1], sys.argv[2]
with open(path) as f:
    doc = json.load(f)
index = doc["index"]
root = doc["root"]

# Kinds that need an example, as rustdoc JSON names them ("inner" key).
NEEDS = {"function", "struct", "enum", "trait", "type_alias", "union", "macro"}


def kind(item):
    return next(iter(item["inner"]))


seen = set()
missing = []
checked = 0


def visit(item_id, path):
    global checked
    key = str(item_id)
    if key in seen or key not in index:
        return
    seen.add(key)
    item = index[key]
    if item.get("crate_id", 0) != 0:
        return  # re-exported from another crate (errq_codec): checked there, not here
    if item.get("visibility") not in ("public", "default"):
        return
    k = kind(item)
    inner = item["inner"][k]
    name = item.get("name") or ""
    here = (f"{path}::{name}" if path else name) if name else path
    if k in NEEDS:
        checked += 1
        if "```" not in (item.get("docs") or ""):
            span = item.get("span") or {}
            loc = f"{span.get('filename', '?')}:{(span.get('begin') or ['?'])[0]}"
            missing.append((loc, k, here))
    if k == "module":
        for child in inner["items"]:
            visit(child, here)
    elif k == "use":
        target = inner.get("id")
        if target is not None:
            if inner.get("is_glob"):
                t = index.get(str(target))
                if t and kind(t) == "module":
                    for child in t["inner"]["module"]["items"]:
                        visit(child, path)
            else:
                visit(target, path)
    elif k in ("struct", "enum", "union"):
        for impl_id in inner.get("impls", []):
            imp = index.get(str(impl_id))
            if not imp:
                continue
            body = imp["inner"]["impl"]
            if body.get("trait") is not None or body.get("is_synthetic") or body.get("blanket_impl"):
                continue  # trait impls (Default, Debug, ...) are documented by the trait
            for m in body["items"]:
                mi = index.get(str(m))
                if mi and kind(mi) == "function":
                    visit(m, here)
    elif k == "trait":
        for m in inner.get("items", []):
            mi = index.get(str(m))
            if mi and kind(mi) == "function":
                visit(m, here)


visit(root, "")
for loc, k, name in sorted(missing):
    print(f"no doc example: {k} {name} ({loc})")
print(f"{crate}: {checked} public items checked, {len(missing)} without a doc example")
sys.exit(1 if missing else 0)

#!/usr/bin/env python3
"""Every relative link in the generated docs of the workspace crates points at a file that
exists: catches errq-sys -> errq-codec links that rustdoc resolved but `--no-deps` or a
per-crate build left without a target page."""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "target/doc"
crates = ["errq_codec", "errq_sys"]
href = re.compile(r'href="([^"#?]+)')
broken, checked, cross = [], 0, 0
for crate in crates:
    for d, _, files in os.walk(os.path.join(root, crate)):
        for f in files:
            if not f.endswith(".html"):
                continue
            page = os.path.join(d, f)
            text = open(page, encoding="utf-8").read()
            for link in href.findall(text):
                if "://" in link or "${" in link or link.startswith(("mailto:", "javascript:")):
                    continue
                target = os.path.normpath(os.path.join(d, link))
                if not target.startswith(os.path.normpath(root)):
                    continue  # the std docs of the toolchain (not generated here)
                if target.endswith(os.sep) or os.path.isdir(target):
                    target = os.path.join(target, "index.html")
                checked += 1
                if crate == "errq_sys" and "/errq_codec/" in target:
                    cross += 1
                if not os.path.exists(target):
                    broken.append(f"{page}: {link}")
for b in sorted(set(broken))[:50]:
    print("broken link:", b)
print(f"doc links: {checked} checked ({cross} from errq_sys into errq_codec), {len(set(broken))} broken")
sys.exit(1 if broken else 0)

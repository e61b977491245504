#!/usr/bin/env python3
"""Prepares the daemonless pipeline a user would otherwise run for the same images, for Benchmarks/run.sh to time.

   image-peer.py LAYOUT BASES WORK  >  script.sh

Reads falcopack's layout: for each image, its base (a layout under BASES named by the base.name annotation), the
trees of its own layers (unpacked here, once, into WORK/trees: setup, not timed) and its configuration. Prints a
script that builds the same images with umoci (the base copied in by skopeo, each tree inserted as a layer, the
configuration set) and writes each as a docker archive with skopeo.
"""
import json
import os
import shlex
import subprocess
import sys

layout, bases, work = sys.argv[1:4]


def blob(digest):
    with open(os.path.join(layout, "blobs", *digest.split(":")), "rb") as f:
        return json.load(f)


trees = os.path.join(work, "trees")
os.makedirs(trees, exist_ok=True)
seen = set()
commands = ["set -e"]
index = blob_index = json.load(open(os.path.join(layout, "index.json")))
for descriptor in index["manifests"]:
    # Attached artifacts (the images' bills of materials) are not images.
    if descriptor["digest"] in seen or "artifactType" in descriptor:
        continue
    seen.add(descriptor["digest"])
    reference = descriptor["annotations"]["org.opencontainers.image.ref.name"]
    name = reference.split("/")[-1].split(":")[0]
    tags = [d["annotations"]["org.opencontainers.image.ref.name"] for d in index["manifests"]
            if d["digest"] == descriptor["digest"] and "annotations" in d]
    manifest = blob(descriptor["digest"])
    config = blob(manifest["config"]["digest"])
    base = manifest["annotations"]["org.opencontainers.image.base.name"]
    ours = [h["created_by"].split("falcopack: layer ", 1)[1] for h in config["history"]
            if h["created_by"].startswith("falcopack: layer ")]
    layers = manifest["layers"][len(manifest["layers"]) - len(ours):]
    work_layout = os.path.join(work, "peer-layout")
    image = f"{work_layout}:{name}"
    commands.append(f"skopeo copy --quiet oci:{shlex.quote(os.path.join(bases, base))}:{base} oci:{shlex.quote(image)}")
    for layer_name, layer in zip(ours, layers):
        tree = os.path.join(trees, layer_name)
        if not os.path.isdir(tree):
            os.makedirs(tree)
            subprocess.run(["tar", "-xf", os.path.join(layout, "blobs", *layer["digest"].split(":")), "-C", tree],
                           check=True)
        commands.append(f"umoci insert --image {shlex.quote(image)} {shlex.quote(tree)} /")
    run = config["config"]
    flags = []
    for word in run.get("Entrypoint") or []:
        flags += ["--config.entrypoint", word]
    for word in run.get("Cmd") or []:
        flags += ["--config.cmd", word]
    for variable in run.get("Env") or []:
        flags += ["--config.env", variable]
    if run.get("WorkingDir"):
        flags += ["--config.workingdir", run["WorkingDir"]]
    for key, value in sorted((run.get("Labels") or {}).items()):
        flags += ["--config.label", f"{key}={value}"]
    commands.append(f"umoci config --image {shlex.quote(image)} " + " ".join(shlex.quote(f) for f in flags))
    archive = os.path.join(work, f"peer-{name}.tar")
    extra = " ".join(f"--additional-tag {shlex.quote(t)}" for t in tags[1:])
    commands.append(f"skopeo copy --quiet oci:{shlex.quote(image)} docker-archive:{shlex.quote(archive)}:{shlex.quote(tags[0])} {extra}")
print("\n".join(commands))

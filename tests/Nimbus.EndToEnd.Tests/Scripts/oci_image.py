# SPDX-License-Identifier: Apache-2.0
"""Builds OCI image layouts without Docker, for the container-image tests: layers are tar.gz archives written here
(regular files, directories, symlinks, hard links, whiteouts), the config and manifest are JSON, and an index may
carry several platforms. skopeo copies the layout (oci:DIR:TAG) to a registry.
"""
import gzip
import hashlib
import io
import json
import os
import tarfile

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def _blob(layout, data):
    digest = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(layout, "blobs", "sha256", digest), "wb") as out:
        out.write(data)
    return "sha256:" + digest


def layer(entries, compresslevel=9):
    """A tar.gz layer from (path, kind, value, mode) tuples: kind is file (bytes), host (a path on this machine whose
    content is taken), dir, symlink (target) or hardlink (target path in the archive); a whiteout is a file named
    .wh.<name>."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, kind, value, mode in entries:
            info = tarfile.TarInfo(path)
            info.mtime = 1700000000
            info.mode = mode
            if kind == "file":
                info.size = len(value)
                tar.addfile(info, io.BytesIO(value))
            elif kind == "host":
                info.size = os.path.getsize(value)
                with open(value, "rb") as source:
                    tar.addfile(info, source)
            elif kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = value
                tar.addfile(info)
            elif kind == "hardlink":
                info.type = tarfile.LNKTYPE
                info.linkname = value
                tar.addfile(info)
    diff = raw.getvalue()
    return gzip.compress(diff, compresslevel=compresslevel, mtime=0), "sha256:" + hashlib.sha256(diff).hexdigest()


def write_layout(layout, tag, layers, entrypoint=None, cmd=None, env=None, workdir=None, platforms=(("linux", "amd64"),)):
    """Writes an OCI layout at `layout` with one image tagged `tag` (an index when several platforms are given);
    returns the digest of what the tag names."""
    os.makedirs(layout, exist_ok=True)
    with open(os.path.join(layout, "oci-layout"), "w") as out:
        json.dump({"imageLayoutVersion": "1.0.0"}, out)
    layer_descriptors, diff_ids = [], []
    for compressed, diff_id in layers:
        layer_descriptors.append({"mediaType": LAYER, "digest": _blob(layout, compressed), "size": len(compressed)})
        diff_ids.append(diff_id)
    manifests = []
    for os_name, architecture in platforms:
        config = {"architecture": architecture, "os": os_name,
                  "config": {"Entrypoint": entrypoint, "Cmd": cmd, "Env": env or [], "WorkingDir": workdir or ""},
                  "rootfs": {"type": "layers", "diff_ids": diff_ids}}
        config_bytes = json.dumps(config).encode()
        manifest = {"schemaVersion": 2, "mediaType": MANIFEST,
                    "config": {"mediaType": CONFIG, "digest": _blob(layout, config_bytes), "size": len(config_bytes)},
                    "layers": layer_descriptors}
        manifest_bytes = json.dumps(manifest).encode()
        manifests.append({"mediaType": MANIFEST, "digest": _blob(layout, manifest_bytes), "size": len(manifest_bytes),
                          "platform": {"os": os_name, "architecture": architecture}})
    if len(manifests) == 1:
        top = dict(manifests[0])
        del top["platform"]
    else:
        index_bytes = json.dumps({"schemaVersion": 2, "mediaType": INDEX, "manifests": manifests}).encode()
        top = {"mediaType": INDEX, "digest": _blob(layout, index_bytes), "size": len(index_bytes)}
    top["annotations"] = {"org.opencontainers.image.ref.name": tag}
    index_path = os.path.join(layout, "index.json")
    existing = []
    if os.path.exists(index_path):
        with open(index_path) as source:
            existing = [m for m in json.load(source)["manifests"]
                        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") != tag]
    with open(index_path, "w") as out:
        json.dump({"schemaVersion": 2, "manifests": existing + [top]}, out)
    return top["digest"]

# SPDX-License-Identifier: Apache-2.0
"""End-to-end cases for function images in other registries that need credentials, on a Nimbus server at
NIMBUS_ENDPOINT.

Usage: python image_registries.py CASE DATA_DIR. The registry is a small one started here on loopback (real HTTP,
over an OCI layout written by oci_image.py) that wants credentials: `Basic` directly, or a `Bearer` token from a token
service that wants them. Nimbus reads credentials per registry host from <DATA_DIR>/registry-auth.json (Docker's
config.json format), written here while the server runs.
"""
import base64
import json
import os
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import images
import oci_image
from invoke import LAM, ROLE

USER = "puller"
# The C# test checks that the server's output never shows it.
PASSWORD = "registry-secret-5f1c9a"
REFUSED = "Lambda does not have permission to access the ECR image. Check the ECR permissions."


def _basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class _PrivateRegistry(BaseHTTPRequestHandler):
    """A read-only registry over an OCI layout; mode "basic" wants Basic credentials on every request, mode "bearer"
    a token that its token service gives for Basic credentials."""
    layout = None
    tags = {}
    mode = "basic"
    seen = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        authorization = self.headers.get("Authorization")
        self.seen.append((self.path.split("?")[0], (authorization or "").split(" ")[0]))
        if self.path.startswith("/token"):
            if authorization != _basic(USER, PASSWORD):
                return self._send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}', "application/json")
            return self._send(200, json.dumps({"token": "private-token", "expires_in": 900}).encode(), "application/json")
        expected = _basic(USER, PASSWORD) if self.mode == "basic" else "Bearer private-token"
        if authorization != expected:
            host = self.headers["Host"]
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="private"' if self.mode == "basic" else
                             f'Bearer realm="http://{host}/token",service="private",scope="repository:private/app:pull,push"')
            self.send_header("Content-Length", "0")
            return self.end_headers()
        parts = self.path.split("/")
        kind, reference = parts[-2], parts[-1]
        path = os.path.join(self.layout, "blobs", "sha256", self.tags.get(reference, reference).split(":")[-1])
        if kind not in ("manifests", "blobs") or not os.path.exists(path):
            return self._send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}', "application/json")
        with open(path, "rb") as source:
            data = source.read()
        self._send(200, data, json.loads(data).get("mediaType", oci_image.MANIFEST) if kind == "manifests" else "application/octet-stream")

    def _send(self, status, data, media):
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _serve(mode, layout, tags):
    handler = type("Registry_" + mode, (_PrivateRegistry,), {"mode": mode, "layout": layout, "tags": tags, "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler, f"127.0.0.1:{server.server_address[1]}"


def _write_auths(auths):
    path = os.path.join(sys.argv[2], "registry-auth.json")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump({"auths": auths}, out)
    return path


def case_private_registries():
    layout, digest = images.build("private")
    basic_server, basic, basic_host = _serve("basic", layout, {"v1": digest})
    bearer_server, bearer, bearer_host = _serve("bearer", layout, {"v1": digest})
    auth_file = os.path.join(sys.argv[2], "registry-auth.json")
    names = []
    try:
        # No credentials for the registry: the pull is refused at CreateFunction, with AWS's text.
        for host in (basic_host, bearer_host):
            message = images.expect("AccessDeniedException", LAM.create_function, FunctionName=f"priv-{uuid.uuid4().hex[:8]}",
                                    PackageType="Image", Role=ROLE, Code={"ImageUri": f"{host}/private/app:v1"})
            assert message == REFUSED, message
        assert ("/token", "") in bearer.seen, bearer.seen  # Bearer: an anonymous token was asked for, and refused.

        # Credentials per registry host: "auth" (base64 user:password) for one, username/password and a URL key for the
        # other, as docker login and podman login write them. The file is read at each pull: no restart.
        _write_auths({basic_host: {"auth": base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()},
                      f"http://{bearer_host}/v2/": {"username": USER, "password": PASSWORD}})
        for host, registry in ((basic_host, basic), (bearer_host, bearer)):
            registry.seen.clear()
            name = f"priv-{uuid.uuid4().hex[:8]}"
            names.append(name)
            LAM.create_function(FunctionName=name, PackageType="Image", Role=ROLE, Code={"ImageUri": f"{host}/private/app:v1"})
            images.wait(name)
            assert LAM.get_function(FunctionName=name)["Code"]["ResolvedImageUri"] == f"{host}/private/app@{digest}"
            assert images.call(name, {})["marker"] == "private"
            pulled = [path for path, scheme in registry.seen if "/blobs/" in path and scheme == ("Basic" if registry is basic else "Bearer")]
            assert pulled, registry.seen  # blobs (the config; the layers once per digest) with the registry's scheme
            if registry is bearer:
                # The token is kept for its 15 minutes: asked for once, after the first request's challenge; every later
                # request (the config blob; the layers were unpacked from the other registry already) carried it at once.
                assert [path for path, _ in registry.seen].count("/token") == 1, registry.seen
                assert [scheme for _, scheme in registry.seen].count("") == 1, registry.seen
        assert ("/token", "Basic") in bearer.seen, bearer.seen

        # Wrong credentials are refused the same way, for both schemes.
        _write_auths({basic_host: {"username": USER, "password": "wrong"}, bearer_host: {"username": USER, "password": "wrong"}})
        for host in (basic_host, bearer_host):
            message = images.expect("AccessDeniedException", LAM.update_function_code, FunctionName=names[0],
                                    ImageUri=f"{host}/private/app:v1")
            assert message == REFUSED, message
    finally:
        for name in names:
            LAM.delete_function(FunctionName=name)
        if os.path.exists(auth_file):
            os.remove(auth_file)
        basic_server.shutdown()
        bearer_server.shutdown()


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")

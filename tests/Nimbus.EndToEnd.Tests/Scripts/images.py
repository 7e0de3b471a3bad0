# SPDX-License-Identifier: Apache-2.0
"""End-to-end cases for the container registry (OCI distribution API and the ECR API) and PackageType Image
functions on a Nimbus server at NIMBUS_ENDPOINT.

Usage: python images.py CASE. Images are built here without Docker (oci_image.py writes OCI layouts; the runtime is
a C program compiled with gcc -static), pushed and pulled with skopeo, and managed with boto3.
"""
import base64
import hashlib
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import botocore.config
import botocore.exceptions

import oci_image
from invoke import ACCOUNT, ENDPOINT, LAM, REGION, ROLE

HERE = os.path.dirname(os.path.abspath(__file__))
HOST, PORT = urllib.parse.urlsplit(ENDPOINT).hostname, urllib.parse.urlsplit(ENDPOINT).port
REGISTRY_HOST = f"{ACCOUNT}.dkr.ecr.{REGION}.localhost:{PORT}"
ECR = boto3.client("ecr", endpoint_url=ENDPOINT, region_name=REGION,
                   config=botocore.config.Config(retries={"max_attempts": 1}))
SKOPEO = os.environ.get("NIMBUS_TEST_SKOPEO", "/usr/bin/skopeo")
WORK = tempfile.mkdtemp(prefix="nimbus-images-")


def expect(error_code, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == error_code, error.response
        return error.response["Error"]["Message"]
    raise AssertionError(f"expected {error_code}")


def token():
    data = ECR.get_authorization_token()["authorizationData"][0]
    user, password = base64.b64decode(data["authorizationToken"]).decode().split(":", 1)
    assert user == "AWS", user
    return password, data


def new_repository():
    name = f"img-{uuid.uuid4().hex[:8]}/app"
    ECR.create_repository(repositoryName=name)
    return name


def bootstrap_binary():
    path = os.path.join(WORK, "bootstrap")
    if not os.path.exists(path):
        subprocess.run(["gcc", "-static", "-O2", "-o", path, os.path.join(HERE, "images", "bootstrap.c")], check=True)
    with open(path, "rb") as source:
        return source.read()


def runtime_layers(marker):
    """Two layers: the runtime and files, then a second one that whites one out and replaces another."""
    base = oci_image.layer([
        ("usr", "dir", None, 0o755), ("usr/local", "dir", None, 0o755), ("usr/local/bin", "dir", None, 0o755),
        ("usr/local/bin/bootstrap", "file", bootstrap_binary(), 0o755),
        ("usr/bin", "dir", None, 0o755), ("usr/bin/boot", "symlink", "../local/bin/bootstrap", 0o777),
        ("etc", "dir", None, 0o755), ("etc/image-marker", "file", b"base\n", 0o644),
        ("etc/removed", "file", b"gone\n", 0o644), ("etc/marker-link", "hardlink", "etc/image-marker", 0o644),
        ("etc/resolv.conf", "file", b"nameserver 192.0.2.1\n", 0o644),
        ("var", "dir", None, 0o755), ("var/task", "dir", None, 0o755), ("var/task/app.txt", "file", b"app\n", 0o644),
    ])
    top = oci_image.layer([
        ("etc", "dir", None, 0o755), ("etc/.wh.removed", "file", b"", 0o644),
        ("etc/image-marker", "file", marker.encode() + b"\n", 0o644),
    ])
    return [base, top]


def build(tag, marker=None, **config):
    layout = os.path.join(WORK, "layout")
    defaults = {"entrypoint": ["/usr/local/bin/bootstrap"], "cmd": ["app.handler"],
                "env": ["PATH=/usr/local/bin:/usr/bin", "IMAGE_VAR=from-image", "SHARED=image"], "workdir": "/var/task"}
    defaults.update(config)
    digest = oci_image.write_layout(layout, tag, runtime_layers(marker or tag), **defaults)
    return layout, digest


def skopeo(*args):
    result = subprocess.run([SKOPEO, "--insecure-policy", *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout


def push(layout, tag, repository, host=f"{HOST}:{PORT}"):
    password, _ = token()
    skopeo("copy", "--dest-tls-verify=false", "--dest-creds", f"AWS:{password}",
           f"oci:{layout}:{tag}", f"docker://{host}/{repository}:{tag}")


def registry(method, path, body=None, headers=None, password=None, host=None):
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    all_headers = dict(headers or {})
    if password is not None:
        all_headers["Authorization"] = "Basic " + base64.b64encode(f"AWS:{password}".encode()).decode()
    if host is not None:
        all_headers["Host"] = host
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def case_skopeo_push_pull():
    repository = new_repository()
    layout, digest = build("v1")
    push(layout, "v1", repository)

    password, data = token()
    assert data["proxyEndpoint"] == f"http://{REGISTRY_HOST}", data
    inspected = json.loads(skopeo("inspect", "--tls-verify=false", "--creds", f"AWS:{password}",
                                  f"docker://{HOST}:{PORT}/{repository}:v1"))
    assert inspected["Digest"] == digest, (inspected, digest)
    assert inspected["Architecture"] == "amd64" and len(inspected["Layers"]) == 2, inspected

    pulled = os.path.join(WORK, "pulled")
    skopeo("copy", "--src-tls-verify=false", "--src-creds", f"AWS:{password}",
           f"docker://{HOST}:{PORT}/{repository}:v1", f"oci:{pulled}:v1")
    with open(os.path.join(pulled, "index.json")) as source:
        assert json.load(source)["manifests"][0]["digest"] == digest
    for layer in inspected["Layers"]:
        with open(os.path.join(pulled, "blobs", "sha256", layer[7:]), "rb") as blob:
            assert sha(blob.read()) == layer, layer

    details = ECR.describe_images(repositoryName=repository)["imageDetails"]
    assert [d["imageDigest"] for d in details] == [digest] and details[0]["imageTags"] == ["v1"], details
    assert details[0]["imageManifestMediaType"] == oci_image.MANIFEST, details
    assert details[0]["imageSizeInBytes"] == sum(l["size"] for l in json.loads(
        ECR.batch_get_image(repositoryName=repository, imageIds=[{"imageTag": "v1"}])["images"][0]["imageManifest"])["layers"])

    # A multi-platform index: pushed whole with --all, its amd64 manifest picked by a pull for that platform.
    index_layout, index_digest = build("multi", platforms=(("linux", "arm64"), ("linux", "amd64")))
    skopeo("copy", "--all", "--dest-tls-verify=false", "--dest-creds", f"AWS:{password}",
           f"oci:{index_layout}:multi", f"docker://{HOST}:{PORT}/{repository}:multi")
    raw = json.loads(skopeo("inspect", "--raw", "--tls-verify=false", "--creds", f"AWS:{password}",
                            f"docker://{HOST}:{PORT}/{repository}:multi"))
    assert raw["mediaType"] == oci_image.INDEX and len(raw["manifests"]) == 2, raw
    image = ECR.batch_get_image(repositoryName=repository, imageIds=[{"imageTag": "multi"}])["images"][0]
    assert image["imageId"]["imageDigest"] == index_digest and image["imageManifestMediaType"] == oci_image.INDEX, image


def case_registry_host_form():
    """The ECR host name form: 000000000000.dkr.ecr.<region>.localhost:<port> names the registry by Host header."""
    repository = new_repository()
    layout, digest = build("host")
    push(layout, "host", repository)
    password, _ = token()
    status, headers, body = registry("GET", f"/v2/{repository}/manifests/host", password=password, host=REGISTRY_HOST,
                                     headers={"Accept": oci_image.MANIFEST})
    assert status == 200 and headers["docker-content-digest"] == digest and sha(body) == digest, (status, headers)
    status, _, body = registry("GET", f"/v2/{repository}/tags/list", password=password, host=REGISTRY_HOST)
    assert status == 200 and json.loads(body) == {"name": repository, "tags": ["host"]}, body


def case_registry_protocol():
    repository = new_repository()
    password, _ = token()

    status, headers, body = registry("GET", "/v2/")
    assert status == 401 and headers["www-authenticate"].startswith("Basic realm="), (status, headers)
    assert json.loads(body)["errors"][0]["code"] == "UNAUTHORIZED", body
    assert headers["docker-distribution-api-version"] == "registry/2.0", headers
    assert registry("GET", "/v2/", password="nimbus1.forged.token")[0] == 401
    assert registry("GET", "/v2/", password=password)[0] == 200
    assert registry("GET", "/v2/", headers={"Authorization": f"Bearer {password}"})[0] == 200

    # A chunked upload: POST, two PATCHes with Content-Range, PUT with the digest.
    blob = os.urandom(300_000)
    status, headers, _ = registry("POST", f"/v2/{repository}/blobs/uploads/", password=password)
    assert status == 202 and headers["range"] == "0-0" and headers["docker-upload-uuid"], (status, headers)
    location = headers["location"]
    status, headers, _ = registry("PATCH", location, blob[:100_000], {"Content-Range": "0-99999",
                                  "Content-Type": "application/octet-stream"}, password=password)
    assert status == 202 and headers["range"] == "0-99999", (status, headers)
    status, headers, body = registry("PATCH", location, blob[200_000:], {"Content-Range": "200000-299999"}, password=password)
    assert status == 416 and headers["range"] == "0-99999", (status, headers, body)
    status, headers, _ = registry("PATCH", headers.get("location", location), blob[100_000:], password=password)
    assert status == 202 and headers["range"] == "0-299999", (status, headers)
    assert registry("GET", location, password=password)[1]["range"] == "0-299999"
    status, headers, body = registry("PUT", location + "?digest=" + sha(b"other"), password=password)
    assert status == 400 and json.loads(body)["errors"][0]["code"] == "DIGEST_INVALID", (status, body)

    status, headers, _ = registry("POST", f"/v2/{repository}/blobs/uploads/", password=password)
    location = headers["location"]
    registry("PATCH", location, blob, password=password)
    status, headers, _ = registry("PUT", location + "?digest=" + sha(blob), password=password)
    assert status == 201 and headers["docker-content-digest"] == sha(blob), (status, headers)
    status, headers, _ = registry("HEAD", f"/v2/{repository}/blobs/{sha(blob)}", password=password)
    assert status == 200 and headers["content-length"] == str(len(blob)), (status, headers)
    status, _, body = registry("GET", f"/v2/{repository}/blobs/{sha(blob)}", password=password)
    assert status == 200 and body == blob

    # Monolithic: POST with ?digest= and the body.
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}).encode()
    status, headers, _ = registry("POST", f"/v2/{repository}/blobs/uploads/?digest={sha(config)}", config,
                                  {"Content-Type": "application/octet-stream"}, password=password)
    assert status == 201 and headers["location"] == f"/v2/{repository}/blobs/{sha(config)}", (status, headers)
    status, _, body = registry("GET", f"/v2/{repository}/blobs/{sha(b'missing')}", password=password)
    assert status == 404 and json.loads(body)["errors"][0]["code"] == "BLOB_UNKNOWN", body

    # Docker schema 2 manifest, by tag and by digest; one that names a missing blob is refused.
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                           "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": sha(config), "size": len(config)},
                           "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "digest": sha(blob), "size": len(blob)}]}).encode()
    content_type = {"Content-Type": "application/vnd.docker.distribution.manifest.v2+json"}
    status, headers, _ = registry("PUT", f"/v2/{repository}/manifests/latest", manifest, content_type, password=password)
    assert status == 201 and headers["docker-content-digest"] == sha(manifest), (status, headers)
    status, _, body = registry("PUT", f"/v2/{repository}/manifests/{sha(b'x')}", manifest, content_type, password=password)
    assert status == 400 and json.loads(body)["errors"][0]["code"] == "DIGEST_INVALID", body
    broken = manifest.replace(sha(blob).encode(), sha(b"nothing").encode())
    status, _, body = registry("PUT", f"/v2/{repository}/manifests/broken", broken, content_type, password=password)
    assert status == 400 and json.loads(body)["errors"][0]["code"] == "MANIFEST_BLOB_UNKNOWN", body
    status, headers, _ = registry("HEAD", f"/v2/{repository}/manifests/latest", password=password)
    assert status == 200 and headers["content-type"] == content_type["Content-Type"], headers
    assert headers["docker-content-digest"] == sha(manifest), headers
    status, _, body = registry("GET", f"/v2/{repository}/manifests/{sha(manifest)}", password=password)
    assert status == 200 and body == manifest
    status, _, body = registry("GET", f"/v2/{repository}/manifests/nope", password=password)
    assert status == 404 and json.loads(body)["errors"][0]["code"] == "MANIFEST_UNKNOWN", body
    status, _, body = registry("GET", "/v2/no-such-repo/manifests/latest", password=password)
    assert status == 404 and json.loads(body)["errors"][0] == {
        "code": "NAME_UNKNOWN", "message": f"The repository with name 'no-such-repo' does not exist in the registry with id '{ACCOUNT}'"}, body

    # Deleting the manifest deletes its tags and, once nothing references them, its blobs.
    assert registry("DELETE", f"/v2/{repository}/manifests/{sha(manifest)}", password=password)[0] == 202
    assert registry("GET", f"/v2/{repository}/manifests/latest", password=password)[0] == 404
    assert registry("HEAD", f"/v2/{repository}/blobs/{sha(blob)}", password=password)[0] == 404


def case_ecr_api():
    name = f"ecr-{uuid.uuid4().hex[:8]}"
    created = ECR.create_repository(repositoryName=name, imageTagMutability="IMMUTABLE")["repository"]
    assert created["repositoryArn"] == f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{name}", created
    assert created["repositoryUri"] == f"{REGISTRY_HOST}/{name}" and created["registryId"] == ACCOUNT, created
    assert created["imageTagMutability"] == "IMMUTABLE", created
    message = expect("RepositoryAlreadyExistsException", ECR.create_repository, repositoryName=name)
    assert message == f"The repository with name '{name}' already exists in the registry with id '{ACCOUNT}'", message
    expect("InvalidParameterException", ECR.create_repository, repositoryName="Upper/Case")

    described = ECR.describe_repositories(repositoryNames=[name])["repositories"]
    assert [r["repositoryName"] for r in described] == [name], described
    assert name in [r["repositoryName"] for r in ECR.get_paginator("describe_repositories").paginate().build_full_result()["repositories"]]
    message = expect("RepositoryNotFoundException", ECR.describe_repositories, repositoryNames=["nothing-here"])
    assert message == f"The repository with name 'nothing-here' does not exist in the registry with id '{ACCOUNT}'", message

    layout, digest = build("one")
    push(layout, "one", name)
    # An immutable repository keeps its tag: pushing another image as "one" is refused.
    other_layout, _ = build("one", marker="other")
    password, _ = token()
    result = subprocess.run([SKOPEO, "--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds", f"AWS:{password}",
                             f"oci:{other_layout}:one", f"docker://{HOST}:{PORT}/{name}:one"], capture_output=True, text=True)
    assert result.returncode != 0 and "cannot be overwritten because the repository is immutable" in result.stderr, result.stderr

    message = expect("ImageNotFoundException", ECR.describe_images, repositoryName=name, imageIds=[{"imageTag": "two"}])
    assert message == (f"The image with imageId {{imageDigest:'null', imageTag:'two'}} does not exist within the repository "
                       f"with name '{name}' in the registry with id '{ACCOUNT}'"), message
    got = ECR.batch_get_image(repositoryName=name, imageIds=[{"imageTag": "one"}, {"imageTag": "two"}, {"imageDigest": digest}])
    assert [i["imageId"] for i in got["images"]] == [{"imageDigest": digest, "imageTag": "one"}, {"imageDigest": digest}], got
    assert got["failures"] == [{"imageId": {"imageTag": "two"}, "failureCode": "ImageNotFound", "failureReason": "Requested image not found"}], got

    message = expect("RepositoryNotEmptyException", ECR.delete_repository, repositoryName=name)
    assert message == f"The repository with name '{name}' in registry with id '{ACCOUNT}' cannot be deleted because it still contains images", message
    deleted = ECR.batch_delete_image(repositoryName=name, imageIds=[{"imageTag": "one"}, {"imageTag": "missing"}])
    assert deleted["imageIds"] == [{"imageDigest": digest, "imageTag": "one"}], deleted
    assert deleted["failures"][0]["failureCode"] == "ImageNotFound", deleted
    assert ECR.describe_images(repositoryName=name)["imageDetails"] == []
    assert ECR.delete_repository(repositoryName=name)["repository"]["repositoryName"] == name
    expect("RepositoryNotFoundException", ECR.delete_repository, repositoryName=name)

    forced = new_repository()
    push(layout, "one", forced)
    assert ECR.delete_repository(repositoryName=forced, force=True)["repository"]["repositoryName"] == forced
    expect("RepositoryNotFoundException", ECR.describe_images, repositoryName=forced)


def data_directory():
    return sys.argv[2] if len(sys.argv) > 2 else None


def wait(name):
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300})
    LAM.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300})


def call(name, payload):
    response = LAM.invoke(FunctionName=name, Payload=json.dumps(payload).encode(), LogType="Tail")
    body = response["Payload"].read()
    assert "FunctionError" not in response, (body, base64.b64decode(response.get("LogResult", "")).decode())
    return json.loads(body)


def case_image_function():
    repository = new_repository()
    layout, digest = build("v1")
    push(layout, "v1", repository)
    uri = f"{REGISTRY_HOST}/{repository}:v1"
    name = f"img-{uuid.uuid4().hex[:8]}"
    created = LAM.create_function(FunctionName=name, PackageType="Image", Role=ROLE, Code={"ImageUri": uri},
                                  Environment={"Variables": {"GREETING": "hi", "SHARED": "function"}})
    assert created["PackageType"] == "Image" and "Runtime" not in created and "Handler" not in created, created
    assert created["CodeSha256"] == digest[7:] and created["State"] == "Pending", created
    wait(name)
    code = LAM.get_function(FunctionName=name)["Code"]
    assert code == {"RepositoryType": "ECR", "ImageUri": uri, "ResolvedImageUri": f"{REGISTRY_HOST}/{repository}@{digest}"}, code

    answer = call(name, {"n": 1})
    assert answer["event"] == {"n": 1} and answer["args"] == ["app.handler"] and answer["handler"] == "app.handler", answer
    assert answer["cwd"] == "/var/task" and answer["task_root"] == "/var/task", answer
    # The image's ENV under the function's: IMAGE_VAR from the image, SHARED from the function.
    assert answer["greeting"] == "hi" and answer["image_var"] == "from-image" and answer["shared"] == "function", answer
    # Layers applied in order: the whiteout removed /etc/removed, the top layer's marker won, the hard link kept the
    # base layer's file, the symlink resolves; the root is read-only and the runtime is Lambda's user.
    assert answer["marker"] == "v1" and answer["removed_exists"] is False and answer["hard_link"] == "base", answer
    assert answer["symlink_ok"] is True and answer["read_only"] is True and answer["uid"] == 993, answer
    # The sandbox's resolver (the NAT's DNS) is mounted over the image's /etc/resolv.conf.
    assert answer["resolver"] == "nameserver 10.0.2.3", answer
    root = os.path.join(data_directory(), "images", digest[7:]) if data_directory() else None
    if root:
        assert os.path.isfile(os.path.join(root, "usr", "local", "bin", "bootstrap")), root

    # ImageConfig overrides CMD and WORKDIR.
    updated = LAM.update_function_configuration(FunctionName=name, ImageConfig={"Command": ["other.handler", "x"], "WorkingDirectory": "/tmp"})
    assert updated["ImageConfigResponse"] == {"ImageConfig": {"Command": ["other.handler", "x"], "WorkingDirectory": "/tmp"}}, updated
    wait(name)
    answer = call(name, {"n": 2})
    assert answer["args"] == ["other.handler", "x"] and answer["cwd"] == "/tmp" and answer["handler"] == "other.handler", answer

    # A new tag is a new digest: UpdateFunctionCode resolves it, and the next environment runs it.
    layout, digest2 = build("v2")
    push(layout, "v2", repository)
    updated = LAM.update_function_code(FunctionName=name, ImageUri=f"{REGISTRY_HOST}/{repository}:v2")
    assert updated["CodeSha256"] == digest2[7:] and digest2 != digest, updated
    wait(name)
    assert LAM.get_function(FunctionName=name)["Code"]["ResolvedImageUri"] == f"{REGISTRY_HOST}/{repository}@{digest2}"
    assert call(name, {"n": 3})["marker"] == "v2"
    if root:
        assert not os.path.exists(root), "the first image's root outlived its last function"

    LAM.delete_function(FunctionName=name)
    if root:
        assert not os.path.exists(os.path.join(data_directory(), "images", digest2[7:])), "the image root outlived its function"


def case_image_index():
    """A multi-platform index: the function runs its linux/amd64 manifest."""
    repository = new_repository()
    layout, index_digest = build("multi", platforms=(("linux", "arm64"), ("linux", "amd64")))
    password, _ = token()
    skopeo("copy", "--all", "--dest-tls-verify=false", "--dest-creds", f"AWS:{password}",
           f"oci:{layout}:multi", f"docker://{HOST}:{PORT}/{repository}:multi")
    with open(os.path.join(layout, "blobs", "sha256", index_digest[7:])) as source:
        amd64 = [m["digest"] for m in json.load(source)["manifests"] if m["platform"]["architecture"] == "amd64"][0]
    name = f"img-{uuid.uuid4().hex[:8]}"
    LAM.create_function(FunctionName=name, PackageType="Image", Role=ROLE, Code={"ImageUri": f"{REGISTRY_HOST}/{repository}:multi"})
    wait(name)
    assert LAM.get_function(FunctionName=name)["Code"]["ResolvedImageUri"] == f"{REGISTRY_HOST}/{repository}@{amd64}"
    assert call(name, {})["marker"] == "multi"
    LAM.delete_function(FunctionName=name)


def case_image_errors():
    repository = new_repository()
    layout, _ = build("v1")
    push(layout, "v1", repository)
    uri = f"{REGISTRY_HOST}/{repository}:v1"
    name = f"img-{uuid.uuid4().hex[:8]}"
    excludes = "Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image."
    for extra in ({"Handler": "app.handler"}, {"Runtime": "python3.11"}, {"Layers": [f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:l:1"]}):
        message = expect("InvalidParameterValueException", LAM.create_function, FunctionName=name, PackageType="Image",
                         Role=ROLE, Code={"ImageUri": uri}, **extra)
        assert message == excludes, (extra, message)
    missing = f"{REGISTRY_HOST}/{repository}:nope"
    message = expect("InvalidParameterValueException", LAM.create_function, FunctionName=name, PackageType="Image",
                     Role=ROLE, Code={"ImageUri": missing})
    assert message == f"Source image {missing} does not exist. Provide a valid source image.", message
    message = expect("InvalidParameterValueException", LAM.create_function, FunctionName=name, PackageType="Image",
                     Role=ROLE, Code={"ImageUri": "not a uri"})
    assert message == "Source image not a uri is not valid. Provide a valid source image.", message
    expect("ResourceNotFoundException", LAM.get_function, FunctionName=name)

    LAM.create_function(FunctionName=name, PackageType="Image", Role=ROLE, Code={"ImageUri": uri})
    wait(name)
    message = expect("InvalidParameterValueException", LAM.update_function_code, FunctionName=name, ZipFile=b"PK")
    assert message == "Please provide ImageUri when updating a function with packageType Image.", message
    message = expect("InvalidParameterValueException", LAM.update_function_configuration, FunctionName=name, Handler="x.y")
    assert message == excludes, message
    LAM.delete_function(FunctionName=name)


def case_registry_authorization():
    """Registry requests are authorized as ECR's: a user who may only pull can pull, and its push is DENIED (403)."""
    from authz import IAM, allow, denied, policy, unique
    repository = new_repository()
    layout, digest = build("v1")
    push(layout, "v1", repository)
    arn = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{repository}"
    name = unique("puller")
    principal = IAM.create_user(UserName=name)["User"]["Arn"]
    IAM.put_user_policy(UserName=name, PolicyName="pull", PolicyDocument=policy(
        allow("ecr:GetAuthorizationToken", "*"),
        allow(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], arn)))
    key = IAM.create_access_key(UserName=name)["AccessKey"]
    ecr = boto3.client("ecr", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=key["AccessKeyId"],
                       aws_secret_access_key=key["SecretAccessKey"], config=botocore.config.Config(retries={"max_attempts": 1}))
    password = base64.b64decode(ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]).decode()[4:]

    pulled = os.path.join(WORK, "pulled-by-user")
    skopeo("copy", "--src-tls-verify=false", "--src-creds", f"AWS:{password}",
           f"docker://{HOST}:{PORT}/{repository}:v1", f"oci:{pulled}:v1")
    status, _, body = registry("POST", f"/v2/{repository}/blobs/uploads/", password=password)
    assert status == 403, (status, body)
    assert json.loads(body)["errors"][0] == {"code": "DENIED", "message": denied(principal, "ecr:InitiateLayerUpload", arn)}, body
    status, _, body = registry("DELETE", f"/v2/{repository}/manifests/{digest}", password=password)
    assert status == 403 and "ecr:BatchDeleteImage" in json.loads(body)["errors"][0]["message"], body
    message = expect("AccessDeniedException", ecr.describe_images, repositoryName=repository)
    assert message == denied(principal, "ecr:DescribeImages", arn), message

    # A token outlives nothing of its key: once the key is deleted, the registry refuses it.
    IAM.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    assert registry("GET", "/v2/", password=password)[0] == 401


class _Registry(BaseHTTPRequestHandler):
    """A read-only registry over an OCI layout that wants a bearer token, as public registries do."""
    layout = None
    tags = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/token"):
            return self._send(200, json.dumps({"token": "remote-token"}).encode(), "application/json")
        if self.headers.get("Authorization") != "Bearer remote-token":
            host = self.headers["Host"]
            self.send_response(401)
            self.send_header("WWW-Authenticate", f'Bearer realm="http://{host}/token",service="test",scope="repository:remote/app:pull"')
            self.send_header("Content-Length", "0")
            return self.end_headers()
        parts = self.path.split("/")
        kind, reference = parts[-2], parts[-1]
        digest = self.tags.get(reference, reference)
        path = os.path.join(self.layout, "blobs", "sha256", digest.split(":")[-1])
        if kind not in ("manifests", "blobs") or not os.path.exists(path):
            return self._send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}', "application/json")
        with open(path, "rb") as source:
            data = source.read()
        media = json.loads(data).get("mediaType", oci_image.MANIFEST) if kind == "manifests" else "application/octet-stream"
        self._send(200, data, media)

    def _send(self, status, data, media):
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def case_remote_registry():
    """An image in another registry (on loopback, so over plain HTTP) behind a bearer-token challenge."""
    layout, digest = build("remote")
    _Registry.layout, _Registry.tags = layout, {"v1": digest}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Registry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        registry_host = f"127.0.0.1:{server.server_address[1]}"
        name = f"img-{uuid.uuid4().hex[:8]}"
        LAM.create_function(FunctionName=name, PackageType="Image", Role=ROLE, Code={"ImageUri": f"{registry_host}/remote/app:v1"})
        wait(name)
        assert LAM.get_function(FunctionName=name)["Code"]["ResolvedImageUri"] == f"{registry_host}/remote/app@{digest}"
        assert call(name, {})["marker"] == "remote"
        missing = f"{registry_host}/remote/app:v2"
        message = expect("InvalidParameterValueException", LAM.update_function_code, FunctionName=name, ImageUri=missing)
        assert message == f"Source image {missing} does not exist. Provide a valid source image.", message
        LAM.delete_function(FunctionName=name)
    finally:
        server.shutdown()


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")

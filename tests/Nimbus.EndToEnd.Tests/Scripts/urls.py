# SPDX-License-Identifier: Apache-2.0
"""End-to-end cases for function URLs and response streaming on a Nimbus server at NIMBUS_ENDPOINT.

Usage: python urls.py CASE. Drives the config API with boto3, the URLs with http.client, urllib and curl (both the
host-name form, *.lambda-url.<region>.localhost, and the /_url/<id>/ path form), AWS_IAM URLs with botocore's
SigV4Auth, and InvokeWithResponseStream with boto3's event stream reader. Arrival times of streamed chunks are
printed, never asserted.
"""
import base64
import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.exceptions

from invoke import ENDPOINT, LAM, REGION, deploy

HOST, PORT = urllib.parse.urlsplit(ENDPOINT).hostname, urllib.parse.urlsplit(ENDPOINT).port
URL_PATTERN = re.compile(r"^http://([a-z2-7]{32})\.lambda-url\." + re.escape(REGION) + r"\.localhost:" + str(PORT) + "/$")

ECHO = """
import json

def handler(event, context):
    path = event["rawPath"]
    if path == "/fail":
        raise ValueError("boom")
    if path == "/bare":
        return "Hello, world!"
    if path == "/custom":
        return {"statusCode": 201, "headers": {"Content-Type": "text/plain", "X-Custom": "v"},
                "cookies": ["a=1; Max-Age=60", "b=2"], "body": "created"}
    if path == "/empty-404":
        return {"statusCode": 404}
    if path == "/binary":
        return {"statusCode": 200, "headers": {"Content-Type": "application/octet-stream"},
                "body": event.get("body", ""), "isBase64Encoded": event["isBase64Encoded"]}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(event)}
"""

NODE_STREAM = """
export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  const path = event.rawPath || event.path || '/';
  if (path === '/http') {
    responseStream = awslambda.HttpResponseStream.from(responseStream, {
      statusCode: 202, headers: { 'Content-Type': 'text/plain', 'X-Streamed': 'yes' }, cookies: ['s=1'] });
  } else {
    responseStream.setContentType('text/plain');
  }
  for (let i = 0; i < 4; i++) {
    responseStream.write(`chunk ${i}\\n`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (path === '/fail') throw new TypeError('mid-stream failure');
  responseStream.end();
});
"""

CUSTOM_STREAM = """#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  curl -sS -LD "$HEADERS" -o /dev/null "$API/invocation/next"
  ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | tr -d '\\r' | cut -d' ' -f2)"
  (for i in 1 2 3; do echo "part $i"; sleep 0.2; done) | curl -sS -X POST -T - -o /dev/null \\
    -H 'Lambda-Runtime-Function-Response-Mode: streaming' -H 'Transfer-Encoding: chunked' -H 'Content-Type: text/plain' \\
    "$API/invocation/$ID/response"
done
"""

# The streaming functions spend 0.6-2 s in their own waits, and the shell runtime starts grep, tr, cut, mktemp and two
# curls per invocation: more than the 3 s default leaves room for on a loaded machine, and a timeout fails the case.
STREAM_TIMEOUT = 30


def expect_error(call, code, status, message):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        error = e.response["Error"]
        assert error["Code"] == code and e.response["ResponseMetadata"]["HTTPStatusCode"] == status, e.response
        assert error["Message"] == message, (message, error["Message"])
        return
    raise AssertionError(f"expected {code}")


def url_id(config):
    match = URL_PATTERN.match(config["FunctionUrl"])
    assert match, config["FunctionUrl"]
    return match.group(1)


def allow_public(name, qualifier=None):
    """The two statements AWS requires of a NONE URL since October 2025: InvokeFunctionUrl for everyone with
    FunctionUrlAuthType NONE, and InvokeFunction for everyone when invoked through the URL."""
    extra = {"Qualifier": qualifier} if qualifier else {}
    LAM.add_permission(FunctionName=name, StatementId="url", Action="lambda:InvokeFunctionUrl", Principal="*",
                       FunctionUrlAuthType="NONE", **extra)
    LAM.add_permission(FunctionName=name, StatementId="url-invoke", Action="lambda:InvokeFunction", Principal="*",
                       InvokedViaFunctionUrl=True, **extra)


def public_url(name, **config):
    created = LAM.create_function_url_config(FunctionName=name, AuthType="NONE", **config)
    allow_public(name, config.get("Qualifier"))
    return created


def request(url_id_, path, method="GET", body=None, headers=None, host_form=False):
    """One request by the path form (or the host form: the URL's host name sent to the server's address)."""
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    headers = dict(headers or {})
    if host_form:
        headers["Host"] = f"{url_id_}.lambda-url.{REGION}.localhost:{PORT}"
        target = path
    else:
        target = f"/_url/{url_id_}{path}"
    connection.request(method, target, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.headers, response.read()


def case_config_api():
    name = deploy({"app.py": ECHO})
    created = LAM.create_function_url_config(
        FunctionName=name, AuthType="NONE", Cors={"AllowOrigins": ["https://example.com"], "MaxAge": 60})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201, created
    assert created["FunctionArn"] == f"arn:aws:lambda:{REGION}:000000000000:function:{name}", created
    assert created["AuthType"] == "NONE" and created["InvokeMode"] == "BUFFERED", created
    assert created["Cors"] == {"AllowOrigins": ["https://example.com"], "MaxAge": 60}, created
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", created["CreationTime"]), created
    assert "LastModifiedTime" not in created, created
    first_id = url_id(created)

    expect_error(lambda: LAM.create_function_url_config(FunctionName=name, AuthType="NONE"), "ResourceConflictException", 409,
                 f"Failed to create function url config for [functionArn = arn:aws:lambda:{REGION}:000000000000:function:{name}]. "
                 "Error message:  FunctionUrlConfig exists for this Lambda function")
    pattern = r"((?!^\d+$)^[0-9a-zA-Z-_]+$)"
    for qualifier in ("1", "$LATEST"):
        expect_error(lambda: LAM.create_function_url_config(FunctionName=name, AuthType="NONE", Qualifier=qualifier),
                     "ValidationException", 400,
                     f"1 validation error detected: Value '{qualifier}' at 'qualifier' failed to satisfy constraint: "
                     f"Member must satisfy regular expression pattern: {pattern}")
    expect_error(lambda: LAM.create_function_url_config(FunctionName=name, AuthType="NONE", Qualifier="nope"),
                 "ResourceNotFoundException", 404, "Function does not exist")
    expect_error(lambda: LAM.create_function_url_config(FunctionName="missing-fn", AuthType="NONE"),
                 "ResourceNotFoundException", 404, "Function does not exist")
    expect_error(lambda: LAM.update_function_url_config(FunctionName=name, Cors={"MaxAge": 86401}),
                 "ValidationException", 400,
                 "1 validation error detected: Value '86401' at 'cors.maxAge' failed to satisfy constraint: "
                 "Member must have value less than or equal to 86400")

    updated = LAM.update_function_url_config(FunctionName=name, AuthType="AWS_IAM", InvokeMode="RESPONSE_STREAM")
    assert updated["AuthType"] == "AWS_IAM" and updated["InvokeMode"] == "RESPONSE_STREAM", updated
    assert updated["Cors"] == created["Cors"] and updated["CreationTime"] == created["CreationTime"], updated
    assert updated["LastModifiedTime"] >= created["CreationTime"], updated
    got = LAM.get_function_url_config(FunctionName=name)
    assert got["AuthType"] == "AWS_IAM" and url_id(got) == first_id, got

    LAM.create_alias(FunctionName=name, Name="live", FunctionVersion="$LATEST")
    aliased = LAM.create_function_url_config(FunctionName=name, Qualifier="live", AuthType="NONE")
    assert aliased["FunctionArn"].endswith(f":function:{name}:live"), aliased
    assert url_id(aliased) != first_id
    listed = LAM.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"]
    assert sorted(c["FunctionArn"].rsplit(":", 1)[1] for c in listed) == sorted(["live", name]), listed
    page = LAM.list_function_url_configs(FunctionName=name, MaxItems=1)
    assert len(page["FunctionUrlConfigs"]) == 1 and "NextMarker" in page, page

    LAM.delete_alias(FunctionName=name, Name="live")
    expect_error(lambda: LAM.get_function_url_config(FunctionName=name, Qualifier="live"),
                 "ResourceNotFoundException", 404, "Function does not exist")
    LAM.delete_function_url_config(FunctionName=name)
    expect_error(lambda: LAM.get_function_url_config(FunctionName=name),
                 "ResourceNotFoundException", 404, "The resource you requested does not exist.")
    expect_error(lambda: LAM.delete_function_url_config(FunctionName=name),
                 "ResourceNotFoundException", 404, "The resource you requested does not exist.")
    status, _, _ = request(first_id, "/")
    assert status == 404, status

    again = LAM.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert url_id(again) == first_id, (again, first_id)
    LAM.delete_function(FunctionName=name)
    expect_error(lambda: LAM.list_function_url_configs(FunctionName=name), "ResourceNotFoundException", 404, "Function does not exist")


def case_request_event():
    name = deploy({"app.py": ECHO})
    uid = url_id(public_url(name))
    for host_form in (False, True):
        status, headers, body = request(
            uid, "/a/b?x=1&x=2&y=hello%20world", headers={"Cookie": "c1=v1; c2=v2", "X-Multi": "one", "User-Agent": "nimbus-test"},
            host_form=host_form)
        assert status == 200, (status, body)
        assert headers["x-amzn-RequestId"], headers
        event = json.loads(body)
        assert event["version"] == "2.0" and event["routeKey"] == "$default", event
        assert event["rawPath"] == "/a/b" and event["rawQueryString"] == "x=1&x=2&y=hello%20world", event
        assert event["cookies"] == ["c1=v1", "c2=v2"], event
        assert event["queryStringParameters"] == {"x": "1,2", "y": "hello world"}, event
        assert event["headers"]["x-multi"] == "one" and "cookie" not in event["headers"], event
        assert event["isBase64Encoded"] is False and "body" not in event, event
        context = event["requestContext"]
        assert context["accountId"] == "anonymous" and context["apiId"] == uid and context["domainPrefix"] == uid, context
        assert context["http"] == {"method": "GET", "path": "/a/b", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                                   "userAgent": "nimbus-test"}, context
        assert context["requestId"] == headers["x-amzn-RequestId"], (context, headers)
        assert context["stage"] == "$default" and re.match(r"^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$", context["time"]), context
        assert abs(context["timeEpoch"] / 1000 - time.time()) < 600, context
        if host_form:
            assert context["domainName"] == f"{uid}.lambda-url.{REGION}.localhost", context

    # A repeated header arrives joined by commas (urllib sends both lines).
    raw = urllib.request.Request(f"{ENDPOINT}/_url/{uid}/", headers={"Accept": "text/plain"})
    raw.add_unredirected_header("X-Twice", "first")
    with urllib.request.urlopen(raw, timeout=60) as response:
        assert json.loads(response.read())["headers"]["accept"] == "text/plain"

    # curl resolves *.localhost to loopback itself: the URL as FunctionUrl gives it.
    url = LAM.get_function_url_config(FunctionName=name)["FunctionUrl"]
    out = subprocess.run(["curl", "-sS", "-H", "X-A: 1", "-H", "X-A: 2", url + "curl?q=1"], capture_output=True, text=True, timeout=60, check=True)
    event = json.loads(out.stdout)
    assert event["rawPath"] == "/curl" and event["headers"]["x-a"] == "1,2", event


def case_bodies_and_answers():
    name = deploy({"app.py": ECHO})
    uid = url_id(public_url(name))
    binary = bytes(range(256)) * 4
    status, headers, body = request(uid, "/binary", "POST", binary, {"Content-Type": "application/octet-stream"})
    assert status == 200 and body == binary and headers["Content-Type"] == "application/octet-stream", (status, headers)
    status, _, body = request(uid, "/", "POST", json.dumps({"k": "v"}), {"Content-Type": "application/json"})
    event = json.loads(body)
    assert event["body"] == '{"k": "v"}' and event["isBase64Encoded"] is False, event
    assert event["requestContext"]["http"]["method"] == "POST", event

    status, headers, body = request(uid, "/bare")
    assert (status, headers["Content-Type"], body) == (200, "application/json", b'"Hello, world!"'), (status, headers, body)
    status, headers, body = request(uid, "/custom")
    assert (status, headers["Content-Type"], headers["X-Custom"], body) == (201, "text/plain", "v", b"created"), (status, headers)
    assert headers.get_all("Set-Cookie") == ["a=1; Max-Age=60", "b=2"], headers
    status, headers, body = request(uid, "/fail")
    assert (status, body) == (502, b"Internal Server Error"), (status, body)
    status, headers, body = request(uid, "/empty-404")
    assert (status, body, headers["Content-Type"]) == (404, b"", "application/json"), (status, headers, body)


def case_cors():
    name = deploy({"app.py": ECHO})
    uid = url_id(public_url(name, Cors={
        "AllowOrigins": ["https://example.com"], "AllowMethods": ["GET", "POST"], "AllowHeaders": ["x-custom"],
        "ExposeHeaders": ["x-answer"], "MaxAge": 300}))
    status, headers, body = request(uid, "/fail", "OPTIONS", headers={
        "Origin": "https://example.com", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "X-Custom"})
    # Answered from the config: the function (which would fail on /fail) is not invoked.
    assert status == 200 and body == b"", (status, body)
    assert headers["Access-Control-Allow-Origin"] == "https://example.com", headers
    assert headers["Access-Control-Allow-Methods"] == "GET,POST" and headers["Access-Control-Max-Age"] == "300", headers
    status, headers, _ = request(uid, "/", "OPTIONS", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert status == 200 and "Access-Control-Allow-Origin" not in headers, headers
    status, headers, _ = request(uid, "/", headers={"Origin": "https://example.com"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "https://example.com", headers
    assert headers["Access-Control-Expose-Headers"] == "x-answer", headers


def case_changes_take_effect():
    """A URL's requests find its config in the server's memory: each change is seen by the very next request."""
    name = deploy({"app.py": ECHO})
    uid = url_id(public_url(name))
    assert [request(uid, "/")[0] for _ in range(3)] == [200, 200, 200]
    LAM.update_function_url_config(FunctionName=name, AuthType="AWS_IAM")
    assert request(uid, "/")[0] == 403, "an unsigned request to an AWS_IAM URL"
    LAM.update_function_url_config(FunctionName=name, AuthType="NONE", Cors={"AllowOrigins": ["https://example.com"]})
    status, headers, _ = request(uid, "/", headers={"Origin": "https://example.com"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "https://example.com", (status, headers)
    LAM.delete_function_url_config(FunctionName=name)
    assert request(uid, "/")[0] == 404
    LAM.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert request(uid, "/")[0] == 200

    LAM.create_alias(FunctionName=name, Name="live", FunctionVersion="$LATEST")
    live = url_id(public_url(name, Qualifier="live"))
    assert request(live, "/")[0] == 200
    LAM.delete_alias(FunctionName=name, Name="live")
    status, headers, body = request(live, "/")
    assert (status, body) == (404, b'{"Message":null}'), ("the alias's URL went with it", status, body)
    LAM.delete_function(FunctionName=name)
    status, headers, body = request(uid, "/")
    assert (status, body) == (404, b'{"Message":null}'), ("the function's URL went with it", status, body)


def signed_request(uid, path, key, secret, method="GET", body=b""):
    url = f"{ENDPOINT}/_url/{uid}{path}"
    aws = botocore.awsrequest.AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/json"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(key, secret), "lambda", REGION).add_auth(aws)
    prepared = aws.prepare()
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    connection.request(method, urllib.parse.urlsplit(prepared.url).path, body=body, headers=dict(prepared.headers))
    response = connection.getresponse()
    return response.status, response.read()


def case_iam_auth():
    name = deploy({"app.py": ECHO})
    uid = url_id(LAM.create_function_url_config(FunctionName=name, AuthType="AWS_IAM"))
    status, body = request(uid, "/")[0], request(uid, "/")[2]
    assert (status, json.loads(body)) == (403, {"Message": "Forbidden"}), (status, body)
    status, body = signed_request(uid, "/", os.environ["AWS_ACCESS_KEY_ID"], "wrong-secret")
    assert status == 403, (status, body)
    status, body = signed_request(uid, "/signed", os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"], "POST", b'{"a": 1}')
    assert status == 200, (status, body)
    event = json.loads(body)
    iam = event["requestContext"]["authorizer"]["iam"]
    assert iam["accessKey"] == os.environ["AWS_ACCESS_KEY_ID"] and iam["userArn"] == "arn:aws:iam::000000000000:root", iam
    assert event["requestContext"]["accountId"] == "000000000000" and event["body"] == '{"a": 1}', event


def case_public_statements():
    name = deploy({"app.py": ECHO})
    uid = url_id(LAM.create_function_url_config(FunctionName=name, AuthType="NONE"))
    forbidden = (403, {"Message": "Forbidden"})
    status, _, body = request(uid, "/")
    assert (status, json.loads(body)) == forbidden, (status, body)
    LAM.add_permission(FunctionName=name, StatementId="url", Action="lambda:InvokeFunctionUrl", Principal="*",
                       FunctionUrlAuthType="NONE")
    status, _, body = request(uid, "/")
    assert (status, json.loads(body)) == forbidden, ("InvokeFunctionUrl alone is not enough", status, body)
    LAM.add_permission(FunctionName=name, StatementId="url-invoke", Action="lambda:InvokeFunction", Principal="*",
                       InvokedViaFunctionUrl=True)
    status, _, body = request(uid, "/open", host_form=True)
    assert status == 200 and json.loads(body)["rawPath"] == "/open", (status, body)

    # A grant for AWS_IAM URLs, or to one account, does not open a NONE URL; a Deny for everyone closes it.
    LAM.remove_permission(FunctionName=name, StatementId="url")
    LAM.add_permission(FunctionName=name, StatementId="url", Action="lambda:InvokeFunctionUrl", Principal="*",
                       FunctionUrlAuthType="AWS_IAM")
    assert request(uid, "/")[0] == 403
    LAM.remove_permission(FunctionName=name, StatementId="url")
    LAM.add_permission(FunctionName=name, StatementId="url", Action="lambda:InvokeFunctionUrl", Principal="000000000000",
                       FunctionUrlAuthType="NONE")
    assert request(uid, "/")[0] == 403
    LAM.remove_permission(FunctionName=name, StatementId="url")
    LAM.add_permission(FunctionName=name, StatementId="url", Action="lambda:InvokeFunctionUrl", Principal="*",
                       FunctionUrlAuthType="NONE")
    assert request(uid, "/")[0] == 200

    # An alias's URL needs the statements on the alias, not on the function.
    LAM.create_alias(FunctionName=name, Name="live", FunctionVersion="$LATEST")
    live = url_id(LAM.create_function_url_config(FunctionName=name, Qualifier="live", AuthType="NONE"))
    assert request(live, "/")[0] == 403
    allow_public(name, "live")
    assert request(live, "/")[0] == 200


def case_iam_auth_needs_both_actions():
    iam = boto3.client("iam", endpoint_url=ENDPOINT, region_name=REGION)
    name = deploy({"app.py": ECHO})
    uid = url_id(LAM.create_function_url_config(FunctionName=name, AuthType="AWS_IAM"))
    user = f"url-{name}"
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    arn = f"arn:aws:lambda:{REGION}:000000000000:function:{name}"
    url_only = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunctionUrl", "Resource": arn}]}
    iam.put_user_policy(UserName=user, PolicyName="url", PolicyDocument=json.dumps(url_only))
    assert signed_request(uid, "/", key["AccessKeyId"], key["SecretAccessKey"])[0] == 403
    both = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "lambda:InvokeFunctionUrl", "Resource": arn},
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arn,
         "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}}]}
    iam.put_user_policy(UserName=user, PolicyName="url", PolicyDocument=json.dumps(both))
    status, body = signed_request(uid, "/", key["AccessKeyId"], key["SecretAccessKey"])
    assert status == 200 and json.loads(body)["requestContext"]["authorizer"]["iam"]["userArn"].endswith(f":user/{user}"), (status, body)
    # The same policy does not let the user invoke the function directly: the condition holds only through the URL.
    user_lambda = boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=key["AccessKeyId"],
                               aws_secret_access_key=key["SecretAccessKey"])
    try:
        user_lambda.invoke(FunctionName=name)
        raise AssertionError("direct invoke allowed")
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "AccessDeniedException", e.response


def read_stream(response):
    """Reads a chunked answer as it arrives: (text, [seconds since the request]) per piece."""
    started, pieces = time.monotonic(), []
    while True:
        piece = response.read1(65536)
        if not piece:
            break
        pieces.append((piece.decode(), round(time.monotonic() - started, 3)))
    return pieces


def case_streaming_url():
    name = deploy({"index.mjs": NODE_STREAM}, runtime="nodejs20.x", handler="index.handler", Timeout=STREAM_TIMEOUT)
    uid = url_id(public_url(name, InvokeMode="RESPONSE_STREAM"))
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    connection.request("GET", f"/_url/{uid}/")
    response = connection.getresponse()
    assert response.status == 200 and response.headers["Transfer-Encoding"] == "chunked", response.headers
    assert response.headers["Content-Type"] == "text/plain", response.headers
    pieces = read_stream(response)
    print("arrivals", pieces)
    assert "".join(p for p, _ in pieces) == "".join(f"chunk {i}\n" for i in range(4)), pieces

    status, headers, body = request(uid, "/http")
    assert (status, headers["X-Streamed"], headers["Set-Cookie"], body) == (202, "yes", "s=1", b"chunk 0\nchunk 1\nchunk 2\nchunk 3\n"), (status, headers)
    # An error after the first byte ends the stream early: what was written stands.
    status, _, body = request(uid, "/fail")
    assert status == 200 and body.startswith(b"chunk 0\n"), (status, body)


def stream_events(name, payload, **extra):
    response = LAM.invoke_with_response_stream(FunctionName=name, Payload=json.dumps(payload).encode(), **extra)
    assert response["StatusCode"] == 200, response
    chunks, complete, started = [], None, time.monotonic()
    for event in response["EventStream"]:
        if "PayloadChunk" in event:
            chunks.append((event["PayloadChunk"]["Payload"], round(time.monotonic() - started, 3)))
        elif "InvokeComplete" in event:
            complete = event["InvokeComplete"]
    return response, chunks, complete


def case_invoke_with_response_stream():
    node = deploy({"index.mjs": NODE_STREAM}, runtime="nodejs20.x", handler="index.handler", Timeout=STREAM_TIMEOUT)
    response, chunks, complete = stream_events(node, {"rawPath": "/"}, LogType="Tail")
    print("arrivals", chunks)
    assert response["ExecutedVersion"] == "$LATEST", response
    assert b"".join(c for c, _ in chunks) == b"chunk 0\nchunk 1\nchunk 2\nchunk 3\n", chunks
    # Streamed, not buffered: the writes are 0.5 s apart, so only a relay that held them that long would join them all.
    assert len(chunks) >= 2, chunks
    assert "ErrorCode" not in complete and "START RequestId" in base64.b64decode(complete["LogResult"]).decode(), complete

    _, chunks, complete = stream_events(node, {"rawPath": "/fail"})
    assert b"".join(c for c, _ in chunks).startswith(b"chunk 0\n"), chunks
    assert complete["ErrorCode"] == "TypeError" and complete["ErrorDetails"] == "mid-stream failure", complete

    buffered = deploy({"app.py": ECHO})
    _, chunks, complete = stream_events(buffered, {"rawPath": "/bare"})
    assert [c for c, _ in chunks] == [b'"Hello, world!"'] and complete == {}, (chunks, complete)
    _, chunks, complete = stream_events(buffered, {"rawPath": "/fail"})
    assert chunks == [] and complete["ErrorCode"] == "ValueError" and complete["ErrorDetails"] == "boom", (chunks, complete)

    # Invoke of a streaming function collects the stream into one answer.
    answer = LAM.invoke(FunctionName=node, Payload=b'{"rawPath": "/"}')
    assert answer["Payload"].read() == b"chunk 0\nchunk 1\nchunk 2\nchunk 3\n", answer


def case_custom_runtime_streaming():
    name = deploy({"bootstrap": CUSTOM_STREAM}, runtime="provided.al2023", handler="x", modes={"bootstrap": 0o755}, Timeout=STREAM_TIMEOUT)
    _, chunks, complete = stream_events(name, {})
    print("arrivals", chunks)
    assert b"".join(c for c, _ in chunks) == b"part 1\npart 2\npart 3\n" and complete == {}, (chunks, complete)


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")

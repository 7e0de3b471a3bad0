# SPDX-License-Identifier: Apache-2.0
"""Function URL and streaming figures against a running server (NIMBUS_ENDPOINT, keys in AWS_ACCESS_KEY_ID/SECRET).

URL request -> warm no-op python function, p50, beside the same function through Invoke (signed; the client's
signing time taken off), same run; a 5 MB answer written over about 1 s through a RESPONSE_STREAM URL: time to first
byte and to the whole answer; one 100 MB stream written as fast as the function can. Prints figures, asserts nothing.
The 100 MB figure needs a server started with NIMBUS_STREAM_BANDWIDTH_BYTES_PER_SECOND=0: by default a stream is
paced to 2 MB/s after its first 6 MB, as AWS paces it, and the figure would be that cap's.
Usage: NIMBUS_ENDPOINT=http://127.0.0.1:9000 python3 bench/function_urls.py
"""
import http.client, json, os, statistics, sys, time, io, zipfile, urllib.parse
import boto3, botocore.auth, botocore.awsrequest, botocore.credentials
EP = os.environ.get("NIMBUS_ENDPOINT", "http://127.0.0.1:9000").rstrip("/")
HOST, PORT = urllib.parse.urlsplit(EP).hostname, urllib.parse.urlsplit(EP).port
lam = boto3.client("lambda", endpoint_url=EP, region_name="us-east-1")
def z(files):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as a:
        for n, c in files.items():
            i = zipfile.ZipInfo(n); i.external_attr = (0o644 | 0o100000) << 16; a.writestr(i, c)
    return b.getvalue()
def deploy(name, files, runtime, handler, mode="BUFFERED"):
    try: lam.delete_function(FunctionName=name)
    except Exception: pass
    lam.create_function(FunctionName=name, Runtime=runtime, Role="arn:aws:iam::000000000000:role/r", Handler=handler, Code={"ZipFile": z(files)}, MemorySize=1024, Timeout=60)
    lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2})
    u = lam.create_function_url_config(FunctionName=name, AuthType="NONE", InvokeMode=mode)["FunctionUrl"]
    lam.add_permission(FunctionName=name, StatementId="url", Action="lambda:InvokeFunctionUrl", Principal="*", FunctionUrlAuthType="NONE")
    lam.add_permission(FunctionName=name, StatementId="url-invoke", Action="lambda:InvokeFunction", Principal="*", InvokedViaFunctionUrl=True)
    return u.split("/")[2].split(".")[0]
uid = deploy("noop", {"app.py": "def handler(e, c):\n    return 'ok'\n"}, "python3.12", "app.handler")
creds = botocore.credentials.Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
c = http.client.HTTPConnection(HOST, PORT)
def url_once():
    c.request("GET", f"/_url/{uid}/"); r = c.getresponse(); r.read(); assert r.status == 200
def invoke_once():
    req = botocore.awsrequest.AWSRequest(method="POST", url=f"{EP}/2015-03-31/functions/noop/invocations", data=b"{}")
    botocore.auth.SigV4Auth(creds, "lambda", "us-east-1").add_auth(req)
    c.request("POST", "/2015-03-31/functions/noop/invocations", body=b"{}", headers=dict(req.headers)); r = c.getresponse(); r.read(); assert r.status == 200
def sign_only():
    req = botocore.awsrequest.AWSRequest(method="POST", url=f"{EP}/2015-03-31/functions/noop/invocations", data=b"{}")
    botocore.auth.SigV4Auth(creds, "lambda", "us-east-1").add_auth(req)
for f in (url_once, invoke_once): 
    for _ in range(50): f()
res = {}
for round_ in range(3):
    for f in (url_once, invoke_once, sign_only):
        ts = []
        for _ in range(300):
            t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
        res.setdefault(f.__name__, []).append(statistics.median(ts) * 1000)
sign = min(res["sign_only"])
u, i = min(res["url_once"]), min(res["invoke_once"]) - sign
print(f"p50 URL {u:.3f} ms, Invoke {i:.3f} ms (client signing {sign:.3f} ms taken off), ratio {u/i:.2f}")

node = """export const handler = awslambda.streamifyResponse(async (event, rs) => {
  const size = Number(event.queryStringParameters?.size || 5242880), pieces = Number(event.queryStringParameters?.pieces || 50), pause = Number(event.queryStringParameters?.pause || 20);
  const piece = Buffer.alloc(Math.floor(size / pieces), 120);
  for (let i = 0; i < pieces; i++) { if (!rs.write(piece)) await new Promise(r => rs.once('drain', r)); if (pause) await new Promise(r => setTimeout(r, pause)); }
  rs.end();
});"""
sid = deploy("streamer", {"index.mjs": node}, "nodejs20.x", "index.handler", "RESPONSE_STREAM")
def stream(q):
    t = time.perf_counter(); c2 = http.client.HTTPConnection(HOST, PORT); c2.request("GET", f"/_url/{sid}/?{q}"); r = c2.getresponse()
    first = None; total = 0
    while True:
        b = r.read1(1 << 20)
        if not b: break
        if first is None: first = time.perf_counter() - t
        total += len(b)
    return first, time.perf_counter() - t, total
stream("size=1000&pieces=1&pause=0")
for _ in range(3):
    f, a, n = stream("size=5242880&pieces=50&pause=20")
    print(f"5 MB over ~1 s: first byte {f*1000:.1f} ms, whole {a*1000:.0f} ms, {n} bytes")
for _ in range(2):
    f, a, n = stream("size=104857600&pieces=100&pause=0")
    print(f"100 MB as fast as written: {n/a/1e6:.0f} MB/s ({a:.2f} s), first byte {f*1000:.1f} ms")

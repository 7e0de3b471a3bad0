# SPDX-License-Identifier: Apache-2.0
"""CloudWatch Logs figures of issue "Observability": PutLogEvents ingest rate and FilterLogEvents over 1,000,000 events.

Usage: NIMBUS_ENDPOINT=http://127.0.0.1:9000 AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... python logs_bench.py
Against a fresh server (it creates the group /bench/logs-<time>). Prints each figure with its target.
"""
import concurrent.futures
import os
import time

import boto3

ENDPOINT = os.environ["NIMBUS_ENDPOINT"]
STREAMS, BATCHES, BATCH = 4, 100, 10_000


def client():
    return boto3.client("logs", endpoint_url=ENDPOINT, region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))


def main():
    logs = client()
    group = f"/bench/logs-{int(time.time())}"
    logs.create_log_group(logGroupName=group)
    for s in range(STREAMS):
        logs.create_log_stream(logGroupName=group, logStreamName=f"s{s}")
    start = int(time.time() * 1000) - 3_600_000
    batches = []
    for b in range(BATCHES):
        events = [{"timestamp": start + b * BATCH + i, "message": f"INFO request {b * BATCH + i} served path=/api/items status=200 bytes=512"}
                  for i in range(BATCH)]
        if b == 57:
            events[1234]["message"] = "ERROR zebracorn exploded"
        batches.append(events)
    clients = [client() for _ in range(STREAMS)]

    def put(stream):
        for b in range(stream, BATCHES, STREAMS):
            clients[stream].put_log_events(logGroupName=group, logStreamName=f"s{stream}", logEvents=batches[b])

    began = time.time()
    with concurrent.futures.ThreadPoolExecutor(STREAMS) as pool:
        list(pool.map(put, range(STREAMS)))
    elapsed = time.time() - began
    total = BATCHES * BATCH
    print(f"PutLogEvents ingest: {total:,} events in {elapsed:.2f} s = {total / elapsed:,.0f} events/s (target >= 50,000/s)")

    for pattern in ("zebracorn", '"zebracorn exploded"', "[a, b, c = 999999, ...]"):
        began, found, pages, token = time.time(), 0, 0, None
        while True:
            args = {"logGroupName": group, "filterPattern": pattern}
            if token:
                args["nextToken"] = token
            page = logs.filter_log_events(**args)
            found, pages, token = found + len(page["events"]), pages + 1, page.get("nextToken")
            if not token:
                break
        print(f"FilterLogEvents {pattern!r} over {total:,} events: {found} found in {pages} page(s), {time.time() - began:.3f} s (target < 1 s)")


if __name__ == "__main__":
    main()

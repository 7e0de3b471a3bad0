# SPDX-License-Identifier: Apache-2.0
"""Runs every shell example of one Markdown file against the Nimbus server at NIMBUS_ENDPOINT.

Usage: python doc_examples.py FILE.md. The ```sh and ```bash blocks of the file run in order, in one bash session
(variables and aliases carry from block to block, as for a reader who pastes them one after another), in a new
temporary directory, with `aws` resolving to the AWS CLI v2 (NIMBUS_TEST_AWS) and `python3` to the test's Python.
Every `http://127.0.0.1:9000` is rewritten to the server's address. Each command must succeed, unless the doc shows
right below it the error it answers (a comment line `#   An error occurred (Code) ...`): then it must fail with that
code. A block preceded by `<!-- doc-test: skip (why) -->` is not run, and the reason is printed. The server should
be a fresh one, as a reader's first server is: the examples create what they use. Exits non-zero with the file, block, line and output of the first command that did not do what the doc
says.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

ENDPOINT = os.environ["NIMBUS_ENDPOINT"].rstrip("/")
DOC_ENDPOINT = "http://127.0.0.1:9000"
SHELLS = ("sh", "bash")
SKIP = re.compile(r"^<!--\s*doc-test:\s*skip\s*\((?P<why>[^)]+)\)\s*-->$")
EXPECTED_ERROR = re.compile(r"^#\s+An error occurred \((?P<code>\w+)\)")


def blocks(path):
    """(first line number, language, lines, skip reason or None) of each fenced block."""
    lines = open(path, encoding="utf-8").read().splitlines()
    found, i = [], 0
    while i < len(lines):
        fence = re.match(r"^```(\S*)\s*$", lines[i])
        if not fence:
            i += 1
            continue
        start, body = i, []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i])
            i += 1
        previous = next((lines[j].strip() for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        skip = SKIP.match(previous)
        if previous.startswith("<!-- doc-test") and not skip:
            raise SystemExit(f"{path}:{start}: a doc-test marker must read <!-- doc-test: skip (why) -->: {previous}")
        found.append((start + 2, fence.group(1), body, skip.group("why") if skip else None))
        i += 1
    return found


def commands(body, first_line):
    """Joins continued lines (a trailing backslash, or an open quote) into (line number, command, expected error)."""
    result, i = [], 0
    while i < len(body):
        line_number, text = first_line + i, body[i]
        i += 1
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        while True:
            try:
                shlex.split(text, comments=True)
                complete = not text.rstrip().endswith("\\")
            except ValueError:  # an open quote
                complete = False
            if complete or i >= len(body):
                break
            text += "\n" + body[i]
            i += 1
        expected = EXPECTED_ERROR.match(body[i].strip()) if i < len(body) else None
        result.append((line_number, text, expected.group("code") if expected else None))
    return result


def script(path, found):
    out = [
        "set -o pipefail",
        "shopt -s expand_aliases",
        "__doc_fail() { printf 'doc-test: %s, block at line %s, command at line %s: %s\\n' \"$1\" \"$2\" \"$3\" \"$4\" >&2; exit 1; }",
    ]
    ran = 0
    for first_line, language, body, skip in found:
        if language not in SHELLS:
            continue
        if skip is not None:
            print(f"doc-test: {path}: skipped the block at line {first_line}: {skip}")
            continue
        ran += 1
        out.append(f"printf '%s\\n' {shlex.quote(f'--- {path}: block at line {first_line}')}")
        for line_number, command, expected in commands(body, first_line):
            where = f"{shlex.quote(path)} {first_line} {line_number}"
            out.append(f"printf '$ %s\\n' {shlex.quote(command)}")
            if expected is None:
                out.append(command)
                out.append(f"__rc=$?; [ $__rc -eq 0 ] || __doc_fail {where} \"exit status $__rc\"")
            else:
                out.append("__out=$( {")
                out.append(command)
                out.append("} 2>&1 ); __rc=$?")
                out.append("printf '%s\\n' \"$__out\"")
                out.append(f"[ $__rc -ne 0 ] || __doc_fail {where} {shlex.quote(f'succeeded; the doc shows {expected}')}")
                out.append(f"case \"$__out\" in *{shlex.quote(f'An error occurred ({expected})')}*) ;; "
                           f"*) __doc_fail {where} {shlex.quote(f'did not answer {expected}')} ;; esac")
    return "\n".join(out).replace(DOC_ENDPOINT, ENDPOINT) + "\n", ran


def main(path):
    name = os.path.relpath(path, os.environ.get("NIMBUS_DOCS_ROOT", os.getcwd()))
    text, ran = script(name, blocks(path))
    with tempfile.TemporaryDirectory(prefix="nimbus-doc-") as work:
        tools = os.path.join(work, ".tools")
        os.mkdir(tools)
        os.symlink(os.environ.get("NIMBUS_TEST_AWS", "/usr/bin/aws"), os.path.join(tools, "aws"))
        os.symlink(sys.executable, os.path.join(tools, "python3"))
        # The docs run where a user started ./nimbus server: ./.nimbus is the server's data directory (its credentials).
        if os.environ.get("NIMBUS_DOC_DATA_DIR"):
            os.symlink(os.environ["NIMBUS_DOC_DATA_DIR"], os.path.join(work, ".nimbus"))
        # ...and ./nimbus is the repository's script (its commands other than `server`, on that data directory).
        if os.environ.get("NIMBUS_EXECUTABLE"):
            os.symlink(os.environ["NIMBUS_EXECUTABLE"], os.path.join(work, "nimbus"))
        env = dict(os.environ, PATH=tools + os.pathsep + os.environ["PATH"], HOME=work)
        with open(os.path.join(tools, "examples.sh"), "w", encoding="utf-8") as file:
            file.write(text)
        result = subprocess.run(["bash", os.path.join(tools, "examples.sh")], cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, timeout=600)
    print(result.stdout)
    if result.returncode != 0:
        raise SystemExit(f"doc-test: {name} failed (exit {result.returncode}); its transcript is above")
    print(f"doc-test: {name}: {ran} block(s) ran")


if __name__ == "__main__":
    main(sys.argv[1])
    print("ok")

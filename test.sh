#!/usr/bin/env bash
# Installs what the tests need when it is missing, builds everything and runs every test.
# In CI (CI=true) a missing prerequisite that cannot be installed fails the run; nothing is skipped silently.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

say() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

apt_updated=""
apt_install() {
  if [[ $(id -u) -ne 0 ]]; then
    fail "missing $*; install it (as root: apt-get install -y $*) and run ./test.sh again"
  fi
  if [[ -z "$apt_updated" ]]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The boto3 scripts and the runtime client tests decide by Python's assert, which PYTHONOPTIMIZE turns off.
unset PYTHONOPTIMIZE

command -v dotnet >/dev/null || fail "the .NET 10 SDK (dotnet) is not on PATH"

# The AWS CLI v2 from Debian's awscli package, by its real path: the first 'aws' on PATH may be pyenv's v1 shim.
if [[ ! -x /usr/bin/aws ]]; then
  apt_install awscli
fi
export NIMBUS_TEST_AWS=/usr/bin/aws

# A python3 with boto3 (the machine's python3 has it; Debian's python3-boto3 otherwise), by its real path.
python=""
for candidate in "$(command -v python3 || true)" /usr/bin/python3; do
  [[ -n "$candidate" && -x "$candidate" ]] || continue
  real="$("$candidate" -c 'import sys, boto3; print(sys.executable)' 2>/dev/null || true)"
  if [[ -n "$real" ]]; then python="$real"; break; fi
done
if [[ -z "$python" ]]; then
  apt_install python3-boto3
  python=/usr/bin/python3
  "$python" -c 'import boto3' || fail "boto3 is not importable from $python"
fi
export NIMBUS_TEST_PYTHON="$python"

# boto3 and botocore for every Python runtime (AWS's include them): Debian's python3-boto3, pure Python, which
# Nimbus puts on each runtime's import path (docs/runtimes.md). The end-to-end tests check them on python3.9–3.13.
if [[ ! -f /usr/lib/python3/dist-packages/boto3/__init__.py ]]; then
  apt_install python3-boto3
fi

# Node.js for the nodejs runtime (the machine image has Node 20; Debian's package is the fallback).
if ! command -v node >/dev/null && [[ ! -x /usr/bin/node ]]; then
  apt_install nodejs
fi

# A JDK 17 for the java17 runtime (its runtime client and the tests' functions are compiled with its javac).
# nodejs22.x and nodejs24.x are fetched from the npm registry by the server on first use (docs/runtimes.md).
if [[ ! -x /usr/lib/jvm/java-17-openjdk-amd64/bin/javac && ! -x /usr/lib/jvm/java-17-openjdk-arm64/bin/javac ]]; then
  apt_install openjdk-17-jdk-headless
fi

# skopeo pushes and pulls the container images of the registry's tests (Debian's; no Docker needed).
if [[ ! -x /usr/bin/skopeo ]]; then
  apt_install skopeo
fi

# runc, slirp4netns and tini for the isolated sandbox, bubblewrap for the unprivileged one (its tests need root; in CI they must run).
if [[ $(id -u) -eq 0 ]]; then
  missing=()
  command -v runc >/dev/null || [[ -x /usr/sbin/runc ]] || missing+=(runc)
  command -v slirp4netns >/dev/null || missing+=(slirp4netns)
  [[ -x /usr/bin/tini ]] || missing+=(tini)
  # bubblewrap for the bwrap sandbox (no root needed); its tests run in CI as well.
  [[ -x /usr/bin/bwrap ]] || missing+=(bubblewrap)
  # musl for nimbus-idle, the few-KiB supervisor nimbus-init becomes in an idle environment (./nimbus builds it).
  command -v musl-gcc >/dev/null || missing+=(musl-tools)
  # libslirp's headers for nimbus-net, one process that is every runc sandbox's network (./nimbus builds it).
  [[ -f /usr/include/slirp/libslirp.h ]] || missing+=(libslirp-dev)
  if [[ ${#missing[@]} -gt 0 ]]; then
    apt_install "${missing[@]}"
  fi
elif [[ -n "${CI:-}" ]]; then
  fail "CI must run as root: the runc sandbox tests need it"
else
  say "not root: the runc sandbox tests will be skipped (they need root, runc and slirp4netns)"
  [[ -x /usr/bin/bwrap ]] || say "no bubblewrap: the bwrap sandbox tests will be skipped (as root: apt-get install -y bubblewrap)"
fi

say "building"
dotnet build Nimbus.slnx -c Release --nologo -v quiet -clp:ErrorsOnly
./nimbus --help >/dev/null  # builds the server the end-to-end tests run, if stale
export NIMBUS_EXECUTABLE="$root/artifacts/nimbus/nimbus"

say "running tests (python: $python; aws: $NIMBUS_TEST_AWS)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test --solution Nimbus.slnx -c Release --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
say "runtime clients (python, node) against a fake Runtime API"
"$python" tests/runtimes/run_tests.py 2>&1 | tee -a "$log"
runtime_status=${PIPESTATUS[0]}
[[ $runtime_status -ne 0 ]] && status=$runtime_status
set -e

# One closing line in the form CI reads: 'N passed, N failed'.
read -r passed failed skipped < <(awk '
  $1 == "succeeded:" { p += $2 } $1 == "failed:" { f += $2 } $1 == "skipped:" { s += $2 }
  /^[0-9]+ passed, [0-9]+ failed/ { p += $1; f += $3 }
  END { print p+0, f+0, s+0 }' "$log")
if [[ "$passed" -eq 0 && "$status" -eq 0 ]]; then
  echo "test.sh: no test ran" >&2
  status=1
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"

// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Nimbus.Init.Tests.Support;

/// <summary>Small custom runtimes for the tests.</summary>
internal static class Runtimes
{
    /// <summary>
    /// A python custom runtime: echoes each event with the headers, environment, cwd and argv it saw; prints to both
    /// streams first; <c>{"action":"exit","code":N,"bytes":M}</c> prints M bytes and exits with N.
    /// </summary>
    public const string EchoPython = """
        import json, os, sys, urllib.request
        base = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
        print("init: starting", flush=True)
        while True:
            with urllib.request.urlopen(base + "/invocation/next") as r:
                request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
                headers = dict(r.headers.items())
                event = json.loads(r.read())
            print("handling " + request_id, flush=True)
            print("warning from " + request_id, file=sys.stderr, flush=True)
            if event.get("action") == "exit":
                sys.stdout.write("x" * event.get("bytes", 0))
                sys.stdout.flush()
                os._exit(event["code"])
            body = json.dumps({"headers": headers, "event": event, "env": dict(os.environ), "cwd": os.getcwd(), "argv": sys.argv[1:]}).encode()
            request = urllib.request.Request(base + "/invocation/" + request_id + "/response", data=body, method="POST", headers={"Content-Type": "application/json"})
            urllib.request.urlopen(request).read()
        """;

    private static readonly Lazy<string> s_python = new(FindPython);

    /// <summary>The real python3 executable (not a pyenv shim, which would add variables to the environment).</summary>
    public static string Python => s_python.Value;

    public static string Write(FakeHost host, string name, string text)
    {
        var path = Path.Combine(host.Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string FindPython()
    {
        var start = new ProcessStartInfo("python3", ["-c", "import sys; print(sys.executable)"]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var path = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.True(File.Exists(path), "python3 is needed for these tests");
        return path;
    }
}

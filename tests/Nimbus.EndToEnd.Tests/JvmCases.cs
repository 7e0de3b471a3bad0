// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>The cases of Scripts/jvm.py: java17 functions compiled with javac in the test, nodejs22.x/24.x from npm, runtime management.</summary>
public static class JvmCases
{
    public static readonly string[] Java =
        ["java_pojo", "java_stream", "java_context", "java_errors", "java_timeout", "java_init_failure", "java_layer"];

    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in Java)
            {
                data.Add(name);
            }

            data.Add("node_nodejs22.x");
            data.Add("node_nodejs24.x");
            data.Add("refused");
            data.Add("runtime_management");
            return data;
        }
    }

    /// <summary>What runs under each other sandbox: every Java case and one fetched Node.js.</summary>
    public static TheoryData<string> Runtimes
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in Java)
            {
                data.Add(name);
            }

            data.Add("node_nodejs22.x");
            return data;
        }
    }
}

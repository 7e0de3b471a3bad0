// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>The cases of Scripts/runtimes.py, each with the runtimes it runs on, for every sandbox's test class.</summary>
public static class RuntimeCases
{
    /// <summary>The Python runtimes the README lists, each run on its own interpreter.</summary>
    public static readonly string[] Python = ["python3.9", "python3.10", "python3.11", "python3.12", "python3.13"];

    public static TheoryData<string, string> All
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var runtime in Python)
            {
                data.Add("sdk", runtime);
                data.Add("own_sdk_wins", runtime);
            }

            data.Add("runtime_api_socket", "python3.11");
            data.Add("idle_supervisor", "python3.11");
            data.Add("provided", "provided.al2");
            data.Add("provided", "provided.al2023");
            return data;
        }
    }
}

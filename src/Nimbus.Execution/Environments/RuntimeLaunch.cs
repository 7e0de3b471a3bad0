// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Environments;

/// <summary>The command that starts a runtime inside an environment, and its complete environment variables.</summary>
internal sealed record RuntimeLaunch(string Command, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyList<KeyValuePair<string, string>> Variables);

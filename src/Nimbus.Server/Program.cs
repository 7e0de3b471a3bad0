// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using Nimbus.Server.Commands;

var root = new RootCommand("Nimbus: a self-hosted serverless platform that speaks AWS Lambda's API")
{
    ServerCommand.Create(),
    AccountCommand.Create(),
    AuditCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var line in CommandLineErrors.Describe(parsed))
    {
        await Console.Error.WriteLineAsync(line);
    }

    return ExitCodes.InvalidConfiguration;
}

return await parsed.InvokeAsync();

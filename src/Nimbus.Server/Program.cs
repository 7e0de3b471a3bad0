// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using Nimbus.Server.Commands;

var root = new RootCommand("Nimbus: a self-hosted serverless platform that speaks AWS Lambda's API")
{
    ServerCommand.Create(),
    AccountCommand.Create(),
    AuditCommand.Create(),
    PowerTuneCommand.Create(),
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

// The server's graceful stop on SIGTERM is the host's (its shutdown timeout); System.CommandLine's own handling would end
// the process with status 143 after 2 s, mid-stop, whenever the stop takes longer (a busy host, many environments).
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

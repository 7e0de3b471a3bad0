// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;

namespace Nimbus.Server.Commands;

/// <summary>
/// Command-line mistakes as one line each, naming what was wrong and what the command takes, instead of
/// System.CommandLine's help page with the error after it (and status 1).
/// </summary>
internal static class CommandLineErrors
{
    /// <summary>"nimbus: unrecognized command or argument '--bogus'; nimbus server takes --port, ..., --help."</summary>
    public static IEnumerable<string> Describe(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var name = command is RootCommand ? "nimbus" : $"nimbus {command.Name}";
        var inherited = command.Parents.OfType<Command>().SelectMany(parent => parent.Options.Where(o => o.Recursive));
        var takes = string.Join(", ", command.Subcommands.Select(c => c.Name).Concat(command.Options.Concat(inherited).Where(o => !o.Hidden).Select(o => o.Name)));
        foreach (var error in parsed.Errors)
        {
            var message = error.Message.TrimEnd('.');
            message = message.Length > 0 ? char.ToLowerInvariant(message[0]) + message[1..] : message;
            yield return $"nimbus: {message}; {name} takes {takes}.";
        }
    }
}

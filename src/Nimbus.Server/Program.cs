// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using Nimbus.Server.Commands;

var root = new RootCommand("Nimbus: a self-hosted serverless platform that speaks AWS Lambda's API")
{
    ServerCommand.Create(),
};
return await root.Parse(args).InvokeAsync();

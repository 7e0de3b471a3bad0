// SPDX-License-Identifier: Apache-2.0
using System.Reflection;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>
/// Nimbus's .NET runtime client, started by the platform as <c>dotnet Nimbus.Lambda.RuntimeSupport.dll</c> for the
/// dotnet8 and dotnet10 runtimes: loads the handler named by _HANDLER (Assembly::Namespace.Type::Method) from
/// LAMBDA_TASK_ROOT, then serves events from the Runtime API until the environment ends.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var address = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API");
        if (string.IsNullOrEmpty(address))
        {
            await Console.Error.WriteLineAsync("nimbus-runtime: AWS_LAMBDA_RUNTIME_API is not set").ConfigureAwait(false);
            return 2;
        }

        var client = new RuntimeApiClient(address);
        Console.SetOut(new LambdaConsoleWriter(2));
        Console.SetError(new LambdaConsoleWriter(4));
        var taskRoot = Environment.GetEnvironmentVariable("LAMBDA_TASK_ROOT") ?? Directory.GetCurrentDirectory();
        var handlerString = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("_HANDLER") ?? "";
        FunctionHandler handler;
        FunctionLoadContext context;
        try
        {
            var assembly = handlerString.Split("::")[0].Trim();
            context = new FunctionLoadContext(taskRoot, OptRoot(), assembly);

            // Assembly.Load and Type.GetType from the function's code resolve in the function's context.
            _ = context.EnterContextualReflection();
            handler = FunctionHandler.Load(handlerString, context, taskRoot);
        }
        catch (Exception e)
        {
            var error = Unwrap(e);
            LambdaLog.Write(4, error.ToString());
            client.PostInitError(error.GetType().Name, ErrorJson.Write(error));
            return 1;
        }

        if (Environment.GetEnvironmentVariable("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start"
            && !await SnapStartAsync(client, SnapStartHooks.Collect(context)).ConfigureAwait(false))
        {
            return 1;
        }

        while (true)
        {
            var invocation = client.Next();
            LambdaLog.RequestId = invocation.RequestId;
            Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);
            byte[] response;
            try
            {
                response = await handler.InvokeAsync(invocation).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                FlushConsole();
                var error = Unwrap(e);
                LambdaLog.Write(4, error.ToString());
                client.PostError(invocation.RequestId, error.GetType().Name, ErrorJson.Write(error));
                continue;
            }

            FlushConsole();
            client.PostResponse(invocation.RequestId, response);
        }
    }

    /// <summary>
    /// SnapStart (docs/runtimes.md#snapstart): the before-snapshot hooks once init is over, then GET
    /// /runtime/restore/next, which returns when this environment is taken for use (at once when it was started for
    /// it), then the after-restore hooks. A failing hook is reported with the error types AWS's RuntimeSupport uses;
    /// false then (the runtime exits).
    /// </summary>
    private static async Task<bool> SnapStartAsync(RuntimeApiClient client, SnapStartHooks hooks)
    {
        try
        {
            await hooks.RunBeforeSnapshotAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var error = Unwrap(e);
            LambdaLog.Write(4, error.ToString());
            client.PostInitError("Runtime.BeforeSnapshotError", ErrorJson.Write(error));
            return false;
        }

        client.RestoreNext();
        try
        {
            await hooks.RunAfterRestoreAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var error = Unwrap(e);
            LambdaLog.Write(4, error.ToString());
            client.PostRestoreError("Runtime.AfterRestoreError", ErrorJson.Write(error));
            return false;
        }

        return true;
    }

    /// <summary>
    /// A line the function left unfinished (Console.Write, Amazon.Lambda.Core's LambdaLogger.Log) becomes its record
    /// before the invocation ends, with its request id.
    /// </summary>
    private static void FlushConsole()
    {
        Console.Out.Flush();
        Console.Error.Flush();
    }

    /// <summary>Where the layers are: /opt, or under the process sandbox the directory its DOTNET_SHARED_STORE is in.</summary>
    private static string OptRoot()
    {
        const string Store = "/dotnetcore/store/";
        var store = Environment.GetEnvironmentVariable("DOTNET_SHARED_STORE");
        return store is not null && store.EndsWith(Store, StringComparison.Ordinal) ? store[..^Store.Length] : "/opt";
    }

    /// <summary>The function's own exception rather than reflection's wrapper around it.</summary>
    private static Exception Unwrap(Exception e)
    {
        while (e is TargetInvocationException { InnerException: { } inner })
        {
            e = inner;
        }

        return e;
    }
}

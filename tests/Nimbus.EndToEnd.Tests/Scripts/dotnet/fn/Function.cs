// SPDX-License-Identifier: Apache-2.0
// The handlers Scripts/dotnet.py deploys, one class library built by `dotnet publish` in the test.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Lambda.Core;

[assembly: LambdaSerializer(typeof(Echo.Serializer))]

namespace Echo
{
    public sealed class Serializer : ILambdaSerializer
    {
        public T Deserialize<T>(Stream requestStream) => JsonSerializer.Deserialize<T>(requestStream);

        public void Serialize<T>(T response, Stream responseStream) => JsonSerializer.Serialize(responseStream, response);
    }

    public class Order
    {
        public string Item { get; set; }

        public int Count { get; set; }
    }

    public class Function
    {
        private static int s_constructed;
        private readonly int _instance;
        private int _calls;

        public Function()
        {
            _instance = Interlocked.Increment(ref s_constructed);
            Console.WriteLine($"constructed {_instance}");
        }

        public Stream Echo(Stream input) => input;

        public object Context(Stream input, ILambdaContext context)
        {
            context.Logger.LogLine("hello from " + context.FunctionName);
            Console.Error.WriteLine("to stderr");
            return new
            {
                requestId = context.AwsRequestId,
                functionName = context.FunctionName,
                functionVersion = context.FunctionVersion,
                remainingMs = (long)context.RemainingTime.TotalMilliseconds,
                memory = context.MemoryLimitInMB,
                arn = context.InvokedFunctionArn,
                logGroup = context.LogGroupName,
                logStream = context.LogStreamName,
                client = context.ClientContext?.Custom?["tag"],
                instance = _instance,
                calls = ++_calls,
                greeting = Environment.GetEnvironmentVariable("GREETING"),
                taskRoot = Environment.GetEnvironmentVariable("LAMBDA_TASK_ROOT"),
                executionEnv = Environment.GetEnvironmentVariable("AWS_EXECUTION_ENV"),
                framework = Environment.Version.Major,
            };
        }

        public async Task<Order> Double(Order order)
        {
            await Task.Delay(1);
            return new Order { Item = order.Item, Count = order.Count * 2 };
        }

        public static string Upper(string text) => text.ToUpperInvariant();

        public static string Greet(string name) => Greeter.Hello.To(name);

        public static void Fail(Stream input)
        {
            try
            {
                throw new ArgumentException("inner problem");
            }
            catch (Exception e)
            {
                throw new InvalidOperationException("outer problem", e);
            }
        }

        public static async Task FailAsync(Stream input)
        {
            await Task.Yield();
            throw new TimeoutException("late");
        }

        public static void Sleep(Stream input) => Thread.Sleep(60_000);
    }

    // SnapStart (Scripts/snapstart_dotnet.py): hooks registered in the constructor, as AWS advises; the handler reports
    // what ran, the init's own random value and the environment's identity.
    public class Snap
    {
        private static readonly List<string> s_order = new();
        private static readonly string s_init = Guid.NewGuid().ToString();
        private static string s_after;

        public Snap()
        {
            var pids = Environment.GetEnvironmentVariable("PIDDIR");
            if (pids != null)
            {
                File.WriteAllText(Path.Combine(pids, Environment.ProcessId.ToString()), "");
            }

            SnapshotRestore.RegisterBeforeSnapshot(() =>
            {
                s_order.Add("before-1");
                if (Environment.GetEnvironmentVariable("FAIL_BEFORE") != null)
                {
                    throw new InvalidOperationException("before failed on purpose");
                }

                return ValueTask.CompletedTask;
            });
            SnapshotRestore.RegisterBeforeSnapshot(async () =>
            {
                await Task.Yield();
                s_order.Add("before-2");
            });
            SnapshotRestore.RegisterAfterRestore(() =>
            {
                s_order.Add("after-1");
                s_after = Guid.NewGuid().ToString();
                if (Environment.GetEnvironmentVariable("FAIL_RESTORE") != null)
                {
                    throw new InvalidOperationException("restore failed on purpose");
                }

                return ValueTask.CompletedTask;
            });
            SnapshotRestore.RegisterAfterRestore(() =>
            {
                s_order.Add("after-2");
                return ValueTask.CompletedTask;
            });
        }

        public Dictionary<string, object> Handle(Stream input, ILambdaContext context) => new()
        {
            ["order"] = s_order.ToArray(),
            ["init"] = s_init,
            ["after"] = s_after,
            ["type"] = Environment.GetEnvironmentVariable("AWS_LAMBDA_INITIALIZATION_TYPE"),
            ["pid"] = Environment.ProcessId,
            ["stream"] = context.LogStreamName,
        };
    }

    public class Broken
    {
        public Broken() => throw new InvalidDataException("constructor failed");

        public Stream Handle(Stream input) => input;
    }
}

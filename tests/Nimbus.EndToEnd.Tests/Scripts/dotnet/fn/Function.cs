// SPDX-License-Identifier: Apache-2.0
// The handlers Scripts/dotnet.py deploys, one class library built by `dotnet publish` in the test.
using System;
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

    public class Broken
    {
        public Broken() => throw new InvalidDataException("constructor failed");

        public Stream Handle(Stream input) => input;
    }
}

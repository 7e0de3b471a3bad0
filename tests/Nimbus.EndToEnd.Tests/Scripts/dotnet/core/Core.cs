// SPDX-License-Identifier: Apache-2.0
// A stand-in for Amazon.Lambda.Core (not on the NuGet feed here): the same namespace, names and members that
// Nimbus's .NET runtime binds to by name. Built into the test function's zip, as the real one ships in a function's.
using System;
using System.Collections.Generic;
using System.IO;
using System.Collections.Concurrent;
using System.Threading.Tasks;
namespace Amazon.Lambda.Core
{
    // SnapStart's hooks as the real Amazon.Lambda.Core (2.5) keeps them: two queues the function fills, handed to the
    // runtime through the internal Copy*CallbacksToRegistry methods it looks up by name, in registration order.
    public static class SnapshotRestore
    {
        private static readonly ConcurrentQueue<Func<ValueTask>> BeforeSnapshot = new();
        private static readonly ConcurrentQueue<Func<ValueTask>> AfterRestore = new();
        public static void RegisterBeforeSnapshot(Func<ValueTask> beforeSnapshotAction) => BeforeSnapshot.Enqueue(beforeSnapshotAction);
        public static void RegisterAfterRestore(Func<ValueTask> afterRestoreAction) => AfterRestore.Enqueue(afterRestoreAction);
        internal static void CopyBeforeSnapshotCallbacksToRegistry(Action<Func<ValueTask>> register)
        {
            while (BeforeSnapshot.TryDequeue(out var hook)) { register?.Invoke(hook); }
        }
        internal static void CopyAfterRestoreCallbacksToRegistry(Action<Func<ValueTask>> register)
        {
            while (AfterRestore.TryDequeue(out var hook)) { register?.Invoke(hook); }
        }
    }
    public interface ILambdaContext
    {
        string AwsRequestId { get; }
        IClientContext ClientContext { get; }
        string FunctionName { get; }
        string FunctionVersion { get; }
        ICognitoIdentity Identity { get; }
        string InvokedFunctionArn { get; }
        ILambdaLogger Logger { get; }
        string LogGroupName { get; }
        string LogStreamName { get; }
        int MemoryLimitInMB { get; }
        TimeSpan RemainingTime { get; }
    }
    public interface ILambdaLogger
    {
        void Log(string message);
        void LogLine(string message);
        void Log(string level, string message) => LogLine(message);
        void LogInformation(string message) => Log("Information", message);
        void LogWarning(string message) => Log("Warning", message);
    }
    public interface IClientContext
    {
        IDictionary<string, string> Environment { get; }
        IClientApplication Client { get; }
        IDictionary<string, string> Custom { get; }
    }
    public interface IClientApplication
    {
        string AppPackageName { get; }
        string AppTitle { get; }
        string AppVersionCode { get; }
        string AppVersionName { get; }
        string InstallationId { get; }
    }
    public interface ICognitoIdentity
    {
        string IdentityId { get; }
        string IdentityPoolId { get; }
    }
    public interface ILambdaSerializer
    {
        T Deserialize<T>(Stream requestStream);
        void Serialize<T>(T response, Stream responseStream);
    }
    [AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Method)]
    public sealed class LambdaSerializerAttribute : Attribute
    {
        public LambdaSerializerAttribute(Type serializerType) { SerializerType = serializerType; }
        public Type SerializerType { get; set; }
    }
}

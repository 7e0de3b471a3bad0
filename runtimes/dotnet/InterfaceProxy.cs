// SPDX-License-Identifier: Apache-2.0
using System.Reflection;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>
/// Implements an interface of the function's own assemblies at run time (Amazon.Lambda.Core's ILambdaContext,
/// ILambdaLogger, IClientContext, ...): Amazon.Lambda.Core is the function's, bound by name, so the runtime cannot
/// reference it. Every call goes to <see cref="Target"/>.
/// </summary>
public class InterfaceProxy : DispatchProxy
{
    internal Func<MethodInfo, object?[], object?>? Target { get; set; }

    /// <summary>A new object implementing <paramref name="interfaceType"/> whose calls go to <paramref name="target"/>.</summary>
    internal static object Create(Type interfaceType, Func<MethodInfo, object?[], object?> target)
    {
        var proxy = (InterfaceProxy)Create(interfaceType, typeof(InterfaceProxy));
        proxy.Target = target;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var result = Target!(targetMethod, args ?? []);
        return result ?? DefaultOf(targetMethod.ReturnType);
    }

    /// <summary>What a member the runtime does not know answers: the return type's default.</summary>
    internal static object? DefaultOf(Type type) =>
        type.IsValueType && type != typeof(void) ? Activator.CreateInstance(type) : null;
}

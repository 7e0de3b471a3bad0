// SPDX-License-Identifier: Apache-2.0
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>
/// The function's handler method, bound once at init: its input (a Stream, or a type the serializer named by
/// [LambdaSerializer] on the method or assembly deserializes), an optional ILambdaContext last parameter, its result
/// (void, a value, a Stream, Task or Task&lt;T&gt;), and for an instance method the object its constructor made.
/// </summary>
internal sealed class FunctionHandler
{
    private const BindingFlags Direct = BindingFlags.DoNotWrapExceptions;
    private const string ContextInterface = "Amazon.Lambda.Core.ILambdaContext";
    private const string SerializerAttribute = "Amazon.Lambda.Core.LambdaSerializerAttribute";
    private const string SerializerInterface = "Amazon.Lambda.Core.ILambdaSerializer";

    private readonly MethodInfo _method;
    private readonly object? _target;
    private readonly int _parameters;
    private readonly bool _hasInput;
    private readonly bool _streamInput;
    private readonly LambdaContextFactory? _context;
    private readonly object? _serializer;
    private readonly MethodInfo? _deserialize;
    private readonly MethodInfo? _serialize;
    private readonly Type _resultType;
    private readonly PropertyInfo? _taskResult;

    private FunctionHandler(MethodInfo method, object? target, object? serializer, MethodInfo? serializerDeserialize, MethodInfo? serializerSerialize, string assemblyName)
    {
        _method = method;
        _target = target;
        var parameters = method.GetParameters();
        _parameters = parameters.Length;
        if (_parameters > 2)
        {
            throw new LambdaValidationException($"Method '{method.Name}' of type '{method.DeclaringType}' is not supported: the method has more than 2 parameters.");
        }

        if (_parameters > 0 && parameters[^1].ParameterType.FullName == ContextInterface)
        {
            _context = new LambdaContextFactory(parameters[^1].ParameterType);
        }
        else if (_parameters == 2)
        {
            throw new LambdaValidationException($"Method '{method.Name}' of type '{method.DeclaringType}' is not supported: the method has 2 parameters, but the second parameter is not of type '{ContextInterface}'.");
        }

        _hasInput = _parameters == 2 || _parameters == 1 && _context is null;
        _resultType = method.ReturnType;
        if (_resultType.IsGenericType && _resultType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            _taskResult = _resultType.GetProperty(nameof(Task<int>.Result));
            _resultType = _resultType.GetGenericArguments()[0];
        }
        else if (typeof(Task).IsAssignableFrom(_resultType))
        {
            _resultType = typeof(void);
        }

        _serializer = serializer;
        if (_hasInput)
        {
            var inputType = parameters[0].ParameterType;
            _streamInput = inputType == typeof(Stream);
            if (!_streamInput)
            {
                _deserialize = serializerDeserialize?.MakeGenericMethod(inputType)
                    ?? throw MissingSerializer("deserialize input", inputType, assemblyName);
            }
        }

        if (_resultType != typeof(void) && !typeof(Stream).IsAssignableFrom(_resultType))
        {
            _serialize = serializerSerialize?.MakeGenericMethod(_resultType)
                ?? throw MissingSerializer("serialize output", _resultType, assemblyName);
        }
    }

    private LambdaValidationException MissingSerializer(string what, Type type, string assemblyName) =>
        new($"Could not find the LambdaSerializerAttribute on the assembly '{assemblyName}' or method '{_method.Name}' while attempting to {what} data of type '{type}'. To use types other than System.IO.Stream as input/output parameters, the assembly or Lambda function should be annotated with {SerializerAttribute}.");

    /// <summary>Loads the handler's assembly into <paramref name="context"/>, finds the method, and runs the type's constructor for an instance method.</summary>
    public static FunctionHandler Load(string handler, FunctionLoadContext context, string taskRoot)
    {
        var name = HandlerName.Parse(handler);
        var file = Path.Combine(taskRoot, name.Assembly + ".dll");
        if (!File.Exists(file))
        {
            throw new LambdaValidationException($"Could not find the specified handler assembly with the file name '{name.Assembly}'. The assembly should be located in the root of your uploaded .zip file.");
        }

        Assembly assembly;
        try
        {
            assembly = context.LoadFromAssemblyPath(file);
        }
        catch (BadImageFormatException e)
        {
            throw new LambdaValidationException($"Unable to load assembly '{name.Assembly}'.", e);
        }

        var type = assembly.GetType(name.Type)
            ?? throw new LambdaValidationException($"Unable to load type '{name.Type}' from assembly '{name.Assembly}'.");
        if (type.IsGenericTypeDefinition)
        {
            throw new LambdaValidationException($"The type '{type.FullName}' cannot be used as a Lambda Handler type because it is generic. Handler methods cannot be located in generic types. Please specify a handler method in a non-generic type.");
        }

        var method = FindMethod(type, name);
        object? target = null;
        if (!method.IsStatic)
        {
            if (type.IsAbstract)
            {
                throw new LambdaValidationException($"The instance method '{method.Name}' cannot be used as a Lambda Handler because its type '{type.FullName}' is abstract. Please either use a static handler or specify a type that is not abstract.");
            }

            // The constructor runs once, in the init phase; what it throws is the init error, as the function wrote it.
            target = Activator.CreateInstance(type, nonPublic: false);
        }

        // Streams in and out need no serializer: its lookup (every attribute of the assembly resolved) is skipped.
        var (serializer, deserialize, serialize) = NeedsSerializer(method) ? FindSerializer(method, assembly) : (null, null, null);
        return new FunctionHandler(method, target, serializer, deserialize, serialize, name.Assembly);
    }

    private static MethodInfo FindMethod(Type type, HandlerName name)
    {
        MethodInfo? found = null;
        List<string> candidates = [];
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.FlattenHierarchy))
        {
            if (method.Name == name.Method)
            {
                found = method;
                candidates.Add(method.ToString() ?? method.Name);
            }
        }

        if (found is null)
        {
            throw new LambdaValidationException($"Unable to find method '{name.Method}' in type '{name.Type}' from assembly '{name.Assembly}': Found no methods matching method name '{name.Method}'.");
        }

        if (candidates.Count > 1)
        {
            throw new LambdaValidationException($"The method '{name.Method}' in type '{name.Type}' appears to have a number of overloads. To call this method please specify a complete method signature. Possible candidates are:\n{string.Join('\n', candidates)}.");
        }

        if (found.IsAbstract)
        {
            throw new LambdaValidationException($"The method '{found.Name}' cannot be used as a Lambda Handler because it is an abstract method. Handler methods cannot be abstract. Please specify a non-abstract handler method.");
        }

        if (found.IsGenericMethodDefinition)
        {
            throw new LambdaValidationException($"The method '{found.Name}' cannot be used as a Lambda Handler because it is a generic method. Handler methods cannot be generic. Please specify a non-generic handler method.");
        }

        if (found.ReturnType == typeof(void) && found.GetCustomAttribute<AsyncStateMachineAttribute>() is not null)
        {
            throw new LambdaValidationException($"The method '{found.Name}' cannot be used as a Lambda Handler because it is an 'async void' method. Handler methods cannot be 'async void'. Please specify a method that is not 'async void'.");
        }

        return found;
    }

    private static bool NeedsSerializer(MethodInfo method)
    {
        var parameters = method.GetParameters();
        var hasInput = parameters.Length == 2 || parameters.Length == 1 && parameters[0].ParameterType.FullName != ContextInterface;
        if (hasInput && parameters[0].ParameterType != typeof(Stream))
        {
            return true;
        }

        var result = method.ReturnType;
        if (result.IsGenericType && result.GetGenericTypeDefinition() == typeof(Task<>))
        {
            result = result.GetGenericArguments()[0];
        }

        return result != typeof(void) && result != typeof(Task) && !typeof(Stream).IsAssignableFrom(result);
    }

    /// <summary>The serializer [LambdaSerializer(typeof(...))] names on the method, else on the assembly: found by name, the attribute being the function's own Amazon.Lambda.Core.</summary>
    private static (object?, MethodInfo?, MethodInfo?) FindSerializer(MethodInfo method, Assembly assembly)
    {
        var type = SerializerType(method.GetCustomAttributesData()) ?? SerializerType(assembly.GetCustomAttributesData());
        if (type is null)
        {
            return (null, null, null);
        }

        Type? contract = null;
        foreach (var candidate in type.GetInterfaces())
        {
            if (candidate.FullName == SerializerInterface)
            {
                contract = candidate;
            }
        }

        if (contract is null)
        {
            throw new LambdaValidationException($"The '{type.FullName}' class is invalid: it does not implement the 'ILambdaSerializer' interface.");
        }

        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new LambdaValidationException($"The indicated serializer '{type.FullName}' does not define a public zero-parameter constructor.");
        }

        var instance = Activator.CreateInstance(type);
        return (instance, contract.GetMethod("Deserialize"), contract.GetMethod("Serialize"));
    }

    private static Type? SerializerType(IList<CustomAttributeData> attributes)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.AttributeType.FullName == SerializerAttribute && attribute.ConstructorArguments is [{ Value: Type type }])
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>Runs the handler on one event; the response body, or the handler's exception as it threw it.</summary>
    public async Task<byte[]> InvokeAsync(Invocation invocation)
    {
        var arguments = _parameters == 0 ? [] : new object?[_parameters];
        if (_hasInput)
        {
            var input = new MemoryStream(invocation.Body, writable: false);
            arguments[0] = _streamInput ? input : _deserialize!.Invoke(_serializer, Direct, null, [input], null);
        }

        if (_context is not null)
        {
            arguments[_parameters - 1] = _context.Create(invocation);
        }

        var result = _method.Invoke(_target, Direct, null, arguments, null);
        if (result is Task task)
        {
            await task.ConfigureAwait(false);
            result = _taskResult?.GetValue(task);
        }

        if (_resultType == typeof(void))
        {
            return [];
        }

        if (result is Stream stream)
        {
            if (stream is MemoryStream memory && memory.TryGetBuffer(out var buffer) && memory.Position == 0)
            {
                return buffer.AsSpan().ToArray();
            }

            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy).ConfigureAwait(false);
            return copy.ToArray();
        }

        if (_serialize is null)
        {
            return [];
        }

        using var output = new MemoryStream();
        _serialize.Invoke(_serializer, Direct, null, [result, output], null);
        return output.ToArray();
    }
}

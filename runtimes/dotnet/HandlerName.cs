// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>AWS's .NET handler string, <c>Assembly::Namespace.Type::Method</c>, with AWS's messages for each malformed form.</summary>
internal sealed record HandlerName(string Assembly, string Type, string Method)
{
    private const string Format = "The valid format is 'ASSEMBLY::TYPE::METHOD'.";

    public static HandlerName Parse(string handler)
    {
        if (string.IsNullOrWhiteSpace(handler))
        {
            throw new LambdaValidationException("Empty lambda function handler. " + Format);
        }

        var parts = handler.Split("::");
        if (parts.Length != 3)
        {
            throw new LambdaValidationException($"Invalid lambda function handler: '{handler}'. {Format}");
        }

        var (assembly, type, method) = (parts[0].Trim(), parts[1].Trim(), parts[2].Trim());
        if (assembly.Length == 0)
        {
            throw new LambdaValidationException($"Invalid lambda function handler: '{handler}', the assembly is missing. {Format}");
        }

        if (type.Length == 0)
        {
            throw new LambdaValidationException($"Invalid lambda function handler: '{handler}', the type is missing. {Format}");
        }

        if (method.Length == 0)
        {
            throw new LambdaValidationException($"Invalid lambda function handler: '{handler}', the method is missing. {Format}");
        }

        return new HandlerName(assembly, type, method);
    }
}

// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>ILambdaLogger's message templates: each <c>{name}</c> (or <c>{0}</c>) replaced by the next argument, as AWS's formatter does.</summary>
internal static class MessageTemplate
{
    public static string Apply(string template, object?[] values)
    {
        var text = new StringBuilder(template.Length + 32);
        var next = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                text.Append('{');
                i++;
                continue;
            }

            var close = c == '{' ? template.IndexOf('}', i + 1) : -1;
            if (close < 0)
            {
                text.Append(c);
                continue;
            }

            var name = template.AsSpan(i + 1, close - i - 1);
            var position = int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : next++;
            text.Append(position < values.Length ? Convert.ToString(values[position], CultureInfo.InvariantCulture) : template.AsSpan(i, close - i + 1));
            i = close;
        }

        return text.ToString();
    }
}

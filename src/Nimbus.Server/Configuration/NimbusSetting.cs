// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Nimbus.Server.Configuration;

/// <summary>
/// One property of <see cref="NimbusOptions"/> as an operator writes it: its JSON key, its NIMBUS_* variable, and
/// what values it takes, said in words for the one-line error that names a wrong value.
/// </summary>
internal sealed class NimbusSetting(PropertyInfo property, string allowed, Func<string, bool> isAllowed)
{
    public string Name => property.Name;

    /// <summary>What the setting takes, completing "Port must be ...".</summary>
    public string Allowed => allowed;

    /// <summary>DataDir → NIMBUS_DATA_DIR, ScalingBurstPer10Seconds → NIMBUS_SCALING_BURST_PER_10_SECONDS.</summary>
    public string EnvironmentVariable
    {
        get
        {
            var name = new StringBuilder(NimbusConfiguration.EnvironmentPrefix);
            for (var i = 0; i < Name.Length; i++)
            {
                var c = Name[i];
                if (i > 0 && ((char.IsUpper(c) && !char.IsUpper(Name[i - 1])) || (char.IsDigit(c) && !char.IsDigit(Name[i - 1]))))
                {
                    name.Append('_');
                }

                name.Append(char.ToUpperInvariant(c));
            }

            return name.ToString();
        }
    }

    public bool IsAllowed(string value) => isAllowed(value);

    /// <summary>A value as an error message quotes it; a secret's is never printed, only its length.</summary>
    public string Shown(string value) =>
        Name.Contains("Secret", StringComparison.Ordinal) ? $"a value of {value.Length} characters" : $"'{value}'";

    /// <summary>The value as the configuration sources spell it (invariant culture, booleans in lower case).</summary>
    public string Read(NimbusOptions options) => property.GetValue(options) switch
    {
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other?.ToString() ?? "",
    };

    /// <summary>Sets a value that <see cref="IsAllowed"/> accepted.</summary>
    public void Apply(NimbusOptions options, string value)
    {
        var type = property.PropertyType;
        object converted = type == typeof(int) ? int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : type == typeof(bool) ? bool.Parse(value)
            : type == typeof(string) ? value
            : throw new NotSupportedException($"NimbusOptions.{Name} has a type the configuration does not read: {type}.");
        property.SetValue(options, converted);
    }
}

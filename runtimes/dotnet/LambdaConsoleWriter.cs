// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>Console.Out or Console.Error of the function: each line written becomes one log record of its level.</summary>
internal sealed class LambdaConsoleWriter(int level) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            Emit();
        }
        else if (value != '\r' || _line.Length > 0)
        {
            _line.Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        var start = 0;
        for (var newline = value.IndexOf('\n', StringComparison.Ordinal); newline >= 0; newline = value.IndexOf('\n', start))
        {
            _line.Append(value, start, newline - start);
            Emit();
            start = newline + 1;
        }

        _line.Append(value, start, value.Length - start);
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value)
    {
        Write(value);
        Emit();
    }

    public override void Flush()
    {
        if (_line.Length > 0)
        {
            Emit();
        }
    }

    private void Emit()
    {
        if (_line.Length > 0 && _line[^1] == '\r')
        {
            _line.Length--;
        }

        LambdaLog.Write(level, _line.ToString());
        _line.Clear();
    }
}

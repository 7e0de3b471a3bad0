// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Execution.Environments;

/// <summary>Splits the runtime's output into lines; a line is complete at '\n' or when the buffer is drained.</summary>
internal sealed class LogBuffer
{
    private readonly Lock _lock = new();
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _partial = new();
    private List<string> _lines = [];

    public void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
            var count = _decoder.GetChars(bytes, chars, flush: false);
            var text = chars.AsSpan(0, count);
            while (true)
            {
                var newline = text.IndexOf('\n');
                if (newline < 0)
                {
                    _partial.Append(text);
                    break;
                }

                _partial.Append(text[..newline]);
                _lines.Add(_partial.ToString().TrimEnd('\r'));
                _partial.Clear();
                text = text[(newline + 1)..];
            }
        }
    }

    public void Add(string line)
    {
        lock (_lock)
        {
            _lines.Add(line);
        }
    }

    /// <summary>Takes every line so far, including an unfinished last one.</summary>
    public List<string> Drain()
    {
        lock (_lock)
        {
            if (_partial.Length > 0)
            {
                _lines.Add(_partial.ToString().TrimEnd('\r'));
                _partial.Clear();
            }

            var lines = _lines;
            _lines = [];
            return lines;
        }
    }
}

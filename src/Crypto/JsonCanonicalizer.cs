using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Moneta.Crypto;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme: the one byte sequence both sides of a signature agree on for a
/// JSON value, whatever member order, whitespace or number spelling the value arrived with.
/// </summary>
public static class JsonCanonicalizer
{
    /// <summary>Room for a contract's signing input without growing.</summary>
    private const int TypicalLength = 1024;

    public static byte[] Canonicalize(JsonElement value)
    {
        var output = new ArrayBufferWriter<byte>(TypicalLength);
        Canonicalize(value, output);
        return output.WrittenSpan.ToArray();
    }

    /// <param name="value">A null node is the JSON literal null, as System.Text.Json represents it.</param>
    public static byte[] Canonicalize(JsonNode? value)
    {
        var output = new ArrayBufferWriter<byte>(TypicalLength);
        Canonicalize(value, output);
        return output.WrittenSpan.ToArray();
    }

    public static void Canonicalize(JsonElement value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteElement(value, output);
    }

    public static void Canonicalize(JsonNode? value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteNode(value, output);
    }

    private static void WriteElement(JsonElement value, IBufferWriter<byte> output)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<KeyValuePair<string, JsonElement>>();
                foreach (var member in value.EnumerateObject())
                    members.Add(new(NameOf(member), member.Value));
                WriteObject(members, output, WriteElement);
                break;
            case JsonValueKind.Array:
                output.Write("["u8);
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first)
                        output.Write(","u8);
                    first = false;
                    WriteElement(item, output);
                }

                output.Write("]"u8);
                break;
            case JsonValueKind.String:
                // A JSON string with no escape in it is already canonical: no quote, backslash or control character
                // can appear unescaped, and the reader has checked it is UTF-8. Only escapes need decoding.
                var raw = JsonMarshal.GetRawUtf8Value(value);
                if (raw.IndexOf((byte)'\\') < 0)
                    output.Write(raw);
                else
                    WriteString(TextOf(value), output);
                break;
            case JsonValueKind.Number:
                WriteNumber(ParseNumber(JsonMarshal.GetRawUtf8Value(value)), output);
                break;
            case JsonValueKind.True:
                output.Write("true"u8);
                break;
            case JsonValueKind.False:
                output.Write("false"u8);
                break;
            case JsonValueKind.Null:
                output.Write("null"u8);
                break;
            default:
                throw new JsonCanonicalizationException($"A JSON element of kind {value.ValueKind} has no canonical form.");
        }
    }

    private static void WriteNode(JsonNode? value, IBufferWriter<byte> output)
    {
        switch (value)
        {
            case null:
                output.Write("null"u8);
                break;
            case JsonObject obj:
                List<KeyValuePair<string, JsonNode?>> members;
                try
                {
                    members = [.. obj];
                }
                catch (ArgumentException e)
                {
                    // A parsed JsonObject only builds its dictionary when first read, and fails there on a repeated name.
                    throw new JsonCanonicalizationException("An object has a duplicate member name.", e);
                }

                WriteObject(members, output, WriteNode);
                break;
            case JsonArray array:
                output.Write("["u8);
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                        output.Write(","u8);
                    WriteNode(array[i], output);
                }

                output.Write("]"u8);
                break;
            case JsonValue leaf when leaf.TryGetValue<JsonElement>(out var element):
                WriteElement(element, output);
                break;
            case JsonValue leaf when leaf.TryGetValue<string>(out var text):
                // Written directly rather than through a serializer so that a lone surrogate is refused, not replaced.
                WriteString(text, output);
                break;
            case JsonValue leaf when leaf.TryGetValue<double>(out var number):
                WriteNumber(number, output);
                break;
            case JsonValue leaf:
                // Any other CLR value (int, decimal, bool, Guid...): let System.Text.Json say what JSON it stands for.
                WriteElement(SerializeLeaf(leaf), output);
                break;
        }
    }

    private static JsonElement SerializeLeaf(JsonValue leaf)
    {
        try
        {
            using var document = JsonDocument.Parse(leaf.ToJsonString());
            return document.RootElement.Clone();
        }
        catch (ArgumentException e)
        {
            throw new JsonCanonicalizationException($"A {leaf.GetValueKind()} value has no JSON representation: {e.Message}", e);
        }
    }

    private static void WriteObject<TValue>(
        List<KeyValuePair<string, TValue>> members,
        IBufferWriter<byte> output,
        Action<TValue, IBufferWriter<byte>> writeValue)
    {
        // RFC 8785 §3.2.3: names compare as UTF-16 code unit sequences, which is exactly .NET's ordinal order.
        members.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));

        output.Write("{"u8);
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                if (members[i].Key == members[i - 1].Key)
                    throw new JsonCanonicalizationException($"The member name \"{members[i].Key}\" appears twice in one object.");
                output.Write(","u8);
            }

            WriteString(members[i].Key, output);
            output.Write(":"u8);
            writeValue(members[i].Value, output);
        }

        output.Write("}"u8);
    }

    // System.Text.Json accepts an escaped lone surrogate ("\ud800") while parsing and only fails on reading it.
    private static string NameOf(JsonProperty member)
    {
        try
        {
            return member.Name;
        }
        catch (InvalidOperationException e)
        {
            throw LoneSurrogate(e);
        }
    }

    private static string TextOf(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw LoneSurrogate(e);
        }
    }

    private static JsonCanonicalizationException LoneSurrogate(Exception? inner = null) =>
        new("A string contains a lone surrogate, which is not Unicode text.", inner);

    private static double ParseNumber(ReadOnlySpan<byte> jsonNumber)
    {
        if (!double.TryParse(jsonNumber, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            throw new JsonCanonicalizationException(
                $"The number {Encoding.UTF8.GetString(jsonNumber)} is outside the range of an IEEE 754 double, which RFC 8785 requires.");
        }

        return number;
    }

    private static void WriteNumber(double number, IBufferWriter<byte> output)
    {
        var written = EcmaScriptNumber.Write(number, output.GetSpan(EcmaScriptNumber.MaxLength));
        output.Advance(written);
    }

    /// <summary>RFC 8785 §3.2.2.2: the seven short escapes, \u00xx for other controls, everything else as UTF-8.</summary>
    private static void WriteString(string text, IBufferWriter<byte> output)
    {
        output.Write("\""u8);
        var remaining = text.AsSpan();
        while (!remaining.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(remaining, out var rune, out var consumed) != OperationStatus.Done)
                throw LoneSurrogate();
            remaining = remaining[consumed..];

            switch (rune.Value)
            {
                case '"': output.Write("\\\""u8); break;
                case '\\': output.Write("\\\\"u8); break;
                case '\b': output.Write("\\b"u8); break;
                case '\f': output.Write("\\f"u8); break;
                case '\n': output.Write("\\n"u8); break;
                case '\r': output.Write("\\r"u8); break;
                case '\t': output.Write("\\t"u8); break;
                case < 0x20:
                    var escape = output.GetSpan(6);
                    "\\u00"u8.CopyTo(escape);
                    rune.Value.TryFormat(escape[4..], out _, "x2", CultureInfo.InvariantCulture);
                    output.Advance(6);
                    break;
                default:
                    output.Advance(rune.EncodeToUtf8(output.GetSpan(4)));
                    break;
            }
        }

        output.Write("\""u8);
    }
}

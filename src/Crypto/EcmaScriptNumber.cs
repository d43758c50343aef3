using System.Globalization;

namespace Moneta.Crypto;

/// <summary>
/// Writes a double the way ECMAScript's Number.prototype.toString does (RFC 8785 §3.2.2.3), which is
/// what a partner's JavaScript or any other RFC 8785 implementation will produce for the same value.
/// </summary>
internal static class EcmaScriptNumber
{
    /// <summary>Enough for a sign, 17 significant digits, "0.000000" and "e-324".</summary>
    public const int MaxLength = 32;

    public static int Write(double value, Span<byte> destination)
    {
        if (!double.IsFinite(value))
            throw new JsonCanonicalizationException($"The number {value} has no JSON representation.");

        if (value == 0)
        {
            // Covers -0 too: ECMAScript prints it as "0".
            destination[0] = (byte)'0';
            return 1;
        }

        // .NET's round-trip format already yields the shortest digits that read back to the same double;
        // only the layout differs from ECMAScript, so take the digits and place the decimal point ourselves.
        Span<char> roundTrip = stackalloc char[MaxLength];
        if (!value.TryFormat(roundTrip, out var length, "R", CultureInfo.InvariantCulture))
            throw new InvalidOperationException("A double's round-trip form did not fit its buffer.");

        Span<byte> digits = stackalloc byte[MaxLength];
        var digitCount = ParseDigits(roundTrip[..length], digits, out var pointPosition);

        var written = 0;
        if (value < 0)
            destination[written++] = (byte)'-';
        written += Layout(digits[..digitCount], pointPosition, destination[written..]);
        return written;
    }

    /// <summary>
    /// Reduces "-1.2345E-07" to its significant digits "12345" and the position n of the decimal point
    /// relative to them, so that the value is 0.12345 × 10^n (ECMAScript's k digits and n).
    /// </summary>
    private static int ParseDigits(ReadOnlySpan<char> roundTrip, Span<byte> digits, out int pointPosition)
    {
        var exponent = 0;
        var exponentStart = roundTrip.IndexOfAny('E', 'e');
        if (exponentStart >= 0)
        {
            exponent = int.Parse(roundTrip[(exponentStart + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            roundTrip = roundTrip[..exponentStart];
        }

        var count = 0;
        var integerDigits = 0;
        var seenPoint = false;
        foreach (var c in roundTrip)
        {
            if (c == '-')
                continue;
            if (c == '.')
            {
                seenPoint = true;
                continue;
            }

            if (count == 0 && c == '0')
            {
                // A leading zero moves the point left when it follows the point ("0.001") and not at all before it ("0.5").
                if (seenPoint)
                    integerDigits--;
                continue;
            }

            digits[count++] = (byte)c;
            if (!seenPoint)
                integerDigits++;
        }

        while (count > 1 && digits[count - 1] == '0')
            count--;

        pointPosition = integerDigits + exponent;
        return count;
    }

    /// <summary>The four cases of ECMAScript's Number::toString, steps 6 to 10.</summary>
    private static int Layout(ReadOnlySpan<byte> digits, int n, Span<byte> destination)
    {
        var k = digits.Length;
        var written = 0;

        if (k <= n && n <= 21)
        {
            digits.CopyTo(destination);
            written = k;
            destination.Slice(written, n - k).Fill((byte)'0');
            return n;
        }

        if (0 < n && n <= 21)
        {
            digits[..n].CopyTo(destination);
            destination[n] = (byte)'.';
            digits[n..].CopyTo(destination[(n + 1)..]);
            return k + 1;
        }

        if (-6 < n && n <= 0)
        {
            destination[written++] = (byte)'0';
            destination[written++] = (byte)'.';
            destination.Slice(written, -n).Fill((byte)'0');
            written += -n;
            digits.CopyTo(destination[written..]);
            return written + k;
        }

        destination[written++] = digits[0];
        if (k > 1)
        {
            destination[written++] = (byte)'.';
            digits[1..].CopyTo(destination[written..]);
            written += k - 1;
        }

        var exponent = n - 1;
        destination[written++] = (byte)'e';
        destination[written++] = exponent < 0 ? (byte)'-' : (byte)'+';
        Math.Abs(exponent).TryFormat(destination[written..], out var exponentLength, provider: CultureInfo.InvariantCulture);
        return written + exponentLength;
    }
}

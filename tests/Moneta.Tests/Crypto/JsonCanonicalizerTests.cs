using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;

namespace Moneta.Tests.Crypto;

public sealed class JsonCanonicalizerTests
{
    private static string Canonical(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(document.RootElement));
    }

    private static string Canonical(JsonNode? node) => Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(node));

    // RFC 8785 appendix B: IEEE 754 bit patterns and their ECMAScript serialization.
    [Theory]
    [InlineData(0x0000000000000000UL, "0")]
    [InlineData(0x8000000000000000UL, "0")]
    [InlineData(0x0000000000000001UL, "5e-324")]
    [InlineData(0x8000000000000001UL, "-5e-324")]
    [InlineData(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [InlineData(0xffefffffffffffffUL, "-1.7976931348623157e+308")]
    [InlineData(0x4340000000000000UL, "9007199254740992")]
    [InlineData(0xc340000000000000UL, "-9007199254740992")]
    [InlineData(0x4430000000000000UL, "295147905179352830000")]
    [InlineData(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [InlineData(0x44b52d02c7e14af6UL, "1e+23")]
    [InlineData(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [InlineData(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [InlineData(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [InlineData(0x444b1ae4d6e2ef50UL, "1e+21")]
    [InlineData(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [InlineData(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [InlineData(0x41b3de4355555553UL, "333333333.3333332")]
    [InlineData(0x41b3de4355555554UL, "333333333.33333325")]
    [InlineData(0x41b3de4355555555UL, "333333333.3333333")]
    [InlineData(0x41b3de4355555556UL, "333333333.3333334")]
    [InlineData(0x41b3de4355555557UL, "333333333.33333343")]
    [InlineData(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [InlineData(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void Numbers_are_serialized_as_ES6_shortest_round_trip(ulong ieee754, string expected)
    {
        var number = BitConverter.UInt64BitsToDouble(ieee754);

        Assert.Equal(expected, Canonical(JsonValue.Create(number)));
        Assert.Equal(expected, Canonical(number.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("1E30", "1e+30")]
    [InlineData("4.50", "4.5")]
    [InlineData("2e-3", "0.002")]
    [InlineData("0.000000000000000000000000001", "1e-27")]
    [InlineData("-0", "0")]
    [InlineData("-0.0e5", "0")]
    [InlineData("100", "100")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("1e21", "1e+21")]
    [InlineData("0.0000001", "1e-7")]
    [InlineData("0.00000123", "0.00000123")]
    [InlineData("123e-20", "1.23e-18")]
    [InlineData("12.50", "12.5")]
    [InlineData("123456789012345678901234567890", "1.2345678901234568e+29")]
    public void Number_spellings_are_normalized_to_their_double_value(string json, string expected)
    {
        Assert.Equal(expected, Canonical(json));
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("[1, 1e309]")]
    public void Numbers_that_overflow_a_double_are_refused(string json)
    {
        Assert.Throws<JsonCanonicalizationException>(() => Canonical(json));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NaN_and_infinities_are_refused(double number)
    {
        Assert.Throws<JsonCanonicalizationException>(() => Canonical(JsonValue.Create(number)));
        Assert.Throws<JsonCanonicalizationException>(() => Canonical(JsonValue.Create((float)number)));
    }

    [Fact]
    public void The_RFC_8785_sample_object_is_canonicalized()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50,
                          2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;

        Assert.Equal(
            """{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""",
            Canonical(input));
    }

    [Fact]
    public void Object_members_are_sorted_by_UTF16_code_units()
    {
        // RFC 8785 §3.2.3: the emoji (surrogate pair D83D DE00) sorts before U+FB33, unlike in code point order.
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;

        var expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
            + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
            + "\"\U0001F600\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";
        Assert.Equal(expected, Canonical(input));
    }

    [Fact]
    public void Output_is_UTF8_without_escaping_non_ASCII()
    {
        using var document = JsonDocument.Parse("\"\\u00e9\\ud83d\\ude00\"");

        var bytes = JsonCanonicalizer.Canonicalize(document.RootElement);

        Assert.Equal([0x22, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, 0x22], bytes);
    }

    [Theory]
    [InlineData("\"\\\"\"", "\"\\\"\"")]
    [InlineData("\"\\\\\"", "\"\\\\\"")]
    [InlineData("\"\\b\\f\\n\\r\\t\"", "\"\\b\\f\\n\\r\\t\"")]
    [InlineData("\"\\u0008\\u000C\\u000A\\u000D\\u0009\"", "\"\\b\\f\\n\\r\\t\"")]
    [InlineData("\"\\u0000\\u0001\\u001F\"", "\"\\u0000\\u0001\\u001f\"")]
    [InlineData("\"\\/\"", "\"/\"")]
    [InlineData("\"\\u007f\\u0080\\u2028\"", "\"\u007f\u0080\u2028\"")]
    [InlineData("\"<>&'+\"", "\"<>&'+\"")]
    [InlineData("\"\\u0041\"", "\"A\"")]
    public void Strings_escape_exactly_what_RFC_8785_requires(string json, string expected)
    {
        Assert.Equal(expected, Canonical(json));
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\udc00x\"")]
    [InlineData("\"x\\ud83d\"")]
    [InlineData("{\"\\ud800\":1}")]
    [InlineData("[\"ok\",\"\\ude00\\ud83d\"]")]
    public void Lone_surrogates_in_JSON_text_are_refused(string json)
    {
        Assert.Throws<JsonCanonicalizationException>(() => Canonical(json));
    }

    [Fact]
    public void Lone_surrogates_in_CLR_strings_are_refused()
    {
        Assert.Throws<JsonCanonicalizationException>(() => Canonical(JsonValue.Create("a\ud800b")));
        Assert.Throws<JsonCanonicalizationException>(() => Canonical(new JsonObject { ["\udc00"] = 1 }));
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":1}")]
    [InlineData("{\"b\":0,\"a\":1,\"c\":2,\"a\":3}")]
    [InlineData("[{\"x\":{\"k\":1,\"k\":2}}]")]
    public void Duplicate_member_names_are_refused(string json)
    {
        Assert.Throws<JsonCanonicalizationException>(() => Canonical(json));
        Assert.Throws<JsonCanonicalizationException>(() => Canonical(JsonNode.Parse(json)));
    }

    [Fact]
    public void Names_differing_only_in_case_are_distinct_members()
    {
        Assert.Equal("""{"A":2,"a":1}""", Canonical("""{"a":1,"A":2}"""));
    }

    [Fact]
    public void Nested_arrays_and_objects_are_canonicalized_all_the_way_down()
    {
        const string input = """
            { "z": [ { "b": [ 1.0, { "d": null, "c": "x" } ], "a": {} } ], "y": [ [], [ [ 2e0 ] ] ] }
            """;

        Assert.Equal("""{"y":[[],[[2]]],"z":[{"a":{},"b":[1,{"c":"x","d":null}]}]}""", Canonical(input));
    }

    [Fact]
    public void A_null_node_is_the_JSON_null()
    {
        Assert.Equal("null", Canonical((JsonNode?)null));
        Assert.Equal("""{"a":null}""", Canonical(new JsonObject { ["a"] = null }));
    }

    [Fact]
    public void Nodes_built_from_CLR_values_canonicalize_like_their_JSON()
    {
        var node = new JsonObject
        {
            ["int"] = 42,
            ["decimal"] = 12.50m,
            ["double"] = 0.1,
            ["float"] = 0.5f,
            ["long"] = 9007199254740993L,
            ["bool"] = true,
            ["text"] = "€",
            ["array"] = new JsonArray(1, "two", null),
        };

        // 9007199254740993 is not a double; RFC 8785 reads every number as one, so it rounds to ...992.
        Assert.Equal(
            """{"array":[1,"two",null],"bool":true,"decimal":12.5,"double":0.1,"float":0.5,"int":42,"long":9007199254740992,"text":"€"}""",
            Canonical(node));
    }

    [Fact]
    public void JsonNode_and_JsonElement_give_the_same_bytes()
    {
        const string json = """{"b":[1e2,"\u00e9",true],"a":{"y":-0,"x":"\n"}}""";
        using var document = JsonDocument.Parse(json);

        Assert.Equal(JsonCanonicalizer.Canonicalize(document.RootElement), JsonCanonicalizer.Canonicalize(JsonNode.Parse(json)));
    }

    [Fact]
    public void The_buffer_writer_overload_appends_to_what_is_already_written()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write("prefix:"u8);
        using var document = JsonDocument.Parse("""{ "b" : 2 , "a" : [ 1 , 2 ] }""");

        JsonCanonicalizer.Canonicalize(document.RootElement, output);
        JsonCanonicalizer.Canonicalize(JsonNode.Parse("[ true ]"), output);

        Assert.Equal("""prefix:{"a":[1,2],"b":2}[true]""", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Canonical_output_is_a_fixed_point()
    {
        const string json = """{"€":[0.1,1e-7,1e21,"\u001f"],"a":{"b":{"c":[]}}}""";

        var once = Canonical(json);

        Assert.Equal(once, Canonical(once));
    }
}

using System.Text.RegularExpressions;

namespace Moneta.Tests.Support;

/// <summary>
/// A Markdown document read by its "## " and "### " sections: the fenced code blocks of each, in order, exactly as
/// written (no trailing newline), and inline code following some words. Throws when a section or value is missing, so
/// a renamed heading fails loudly instead of comparing against nothing. Tests read the worked examples of docs/ with
/// it, so a document and the code cannot drift apart.
/// </summary>
public sealed partial class MarkdownSections
{
    private readonly Dictionary<string, (string Text, List<string> CodeBlocks)> _sections = [];

    private MarkdownSections(string markdown)
    {
        string? heading = null;
        List<string>? block = null;
        foreach (var line in markdown.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (block is not null)
            {
                if (line.StartsWith("```", StringComparison.Ordinal))
                {
                    _sections[heading!].CodeBlocks.Add(string.Join('\n', block));
                    block = null;
                }
                else
                {
                    block.Add(line);
                }
            }
            else if (line.StartsWith("## ", StringComparison.Ordinal) || line.StartsWith("### ", StringComparison.Ordinal))
            {
                heading = line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..];
                _sections[heading] = ("", []);
            }
            else if (line.StartsWith("```", StringComparison.Ordinal) && heading is not null)
            {
                block = [];
            }
            else if (heading is not null)
            {
                _sections[heading] = (_sections[heading].Text + line + "\n", _sections[heading].CodeBlocks);
            }
        }
    }

    public static MarkdownSections Read(params string[] path) => new(Repository.ReadFile(path));

    public string CodeBlock(string heading, int index) => Section(heading).CodeBlocks is var blocks && index < blocks.Count
        ? blocks[index]
        : throw new InvalidOperationException($"Section '{heading}' has no code block #{index + 1}.");

    /// <summary>The first `inline code` after <paramref name="words"/> in the section's prose.</summary>
    public string InlineCodeAfter(string heading, string words)
    {
        var text = Section(heading).Text;
        var at = text.IndexOf(words, StringComparison.Ordinal);
        var code = at < 0 ? Match.Empty : InlineCode().Match(text, at);
        return code.Success ? code.Groups[1].Value : throw new InvalidOperationException($"Section '{heading}' has no inline code after '{words}'.");
    }

    private (string Text, List<string> CodeBlocks) Section(string heading) =>
        _sections.TryGetValue(heading, out var section) ? section : throw new InvalidOperationException($"No section '{heading}'.");

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex InlineCode();
}

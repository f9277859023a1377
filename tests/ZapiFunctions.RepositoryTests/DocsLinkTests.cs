using System.Text.RegularExpressions;
using ZapiFunctions.Testing;

namespace ZapiFunctions.RepositoryTests;

/// <summary>
/// The documentation's own links work: every relative link in README.md, docs/ and bench/README.md names a file that
/// exists and, when it has one, an <c>#anchor</c> that a heading of that file produces (GitHub's rule: lower case,
/// punctuation dropped, spaces to hyphens, <c>-1</c>, <c>-2</c>… for repeats). A page can then move or a heading be
/// renamed without a test reading its prose, and without leaving a reader at a dead link.
/// </summary>
public sealed partial class DocsLinkTests
{
    private static readonly string Root = RepositoryRoot.Path;

    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string> { "README.md", "bench/README.md" };
        foreach (var page in Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            pages.Add(Path.GetRelativePath(Root, page).Replace('\\', '/'));
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_resolves(string page)
    {
        var broken = BrokenLinks(page).ToList();

        Assert.True(broken.Count == 0, $"{page}: {string.Join("; ", broken)}");
    }

    [Fact]
    public void A_broken_file_or_anchor_is_reported()
    {
        var directory = Directory.CreateTempSubdirectory("zapi-links-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "a.md"), "# Title\n\n## Run it, now!\n\n## Run it, now!\n");
            var text = "[ok](a.md#run-it-now) [repeat](a.md#run-it-now-1) [self](#here) [web](https://example.com/x#y) "
                + "[gone](missing.md) [bad](a.md#run) `[code](nowhere.md)`\n\n## Here\n";

            var broken = BrokenLinks(text, directory.FullName).ToList();

            Assert.Equal(["missing.md: no such file", "a.md#run: no such heading"], broken);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static IEnumerable<string> BrokenLinks(string page) =>
        BrokenLinks(File.ReadAllText(Path.Combine(Root, page)), Path.GetDirectoryName(Path.Combine(Root, page))!);

    private static IEnumerable<string> BrokenLinks(string markdown, string directory)
    {
        var prose = WithoutCode(markdown);
        foreach (Match link in Link().Matches(prose))
        {
            var target = link.Groups["target"].Value;
            if (Scheme().IsMatch(target))
            {
                continue;
            }

            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var path = hash < 0 ? target : target[..hash];
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var file = path.Length == 0 ? null : Path.GetFullPath(Path.Combine(directory, Uri.UnescapeDataString(path)));
            if (file is not null && !File.Exists(file) && !Directory.Exists(file))
            {
                yield return $"{target}: no such file";
                continue;
            }

            var headingsOf = file is null ? markdown : file.EndsWith(".md", StringComparison.Ordinal) ? File.ReadAllText(file) : null;
            if (anchor is not null && headingsOf is not null && !Anchors(headingsOf).Contains(anchor))
            {
                yield return $"{target}: no such heading";
            }
        }
    }

    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(Fence().Replace(markdown, "")))
        {
            var slug = NotInSlug().Replace(heading.Groups["text"].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-');
            var repeats = seen.GetValueOrDefault(slug);
            seen[slug] = repeats + 1;
            anchors.Add(repeats == 0 ? slug : $"{slug}-{repeats}");
        }

        return anchors;
    }

    /// <summary>Fenced blocks and inline code hold examples, not links or headings.</summary>
    private static string WithoutCode(string markdown) => InlineCode().Replace(Fence().Replace(markdown, ""), "");

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex("^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6} (?<text>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex NotInSlug();

    [GeneratedRegex("^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex("`[^`\n]*`")]
    private static partial Regex InlineCode();
}

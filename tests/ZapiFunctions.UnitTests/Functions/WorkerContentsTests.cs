using System.Reflection;

namespace ZapiFunctions.UnitTests.Functions;

/// <summary>What ships in the worker: the app and the domain, not what only the `zapi` CLI runs.</summary>
public sealed class WorkerContentsTests
{
    [Fact]
    public void The_worker_does_not_load_the_operations_library()
    {
        var loaded = ProjectAssemblies(typeof(ZapiFunctionsApp).Assembly);

        Assert.Contains("ZapiFunctions.Core", loaded);
        Assert.DoesNotContain("ZapiFunctions.Operations", loaded);
        Assert.DoesNotContain("zapi", loaded);
    }

    [Fact]
    public void The_domain_holds_no_cli_only_namespaces()
    {
        var namespaces = typeof(ZapiFunctions.Core.Ingest.OnSendHandler).Assembly.GetTypes()
            .Select(t => t.Namespace ?? "")
            .Distinct()
            .ToList();

        Assert.DoesNotContain(namespaces, n => n.StartsWith("ZapiFunctions.Operations", StringComparison.Ordinal));
        Assert.DoesNotContain("ZapiFunctions.Core.ZapiApi", namespaces);
    }

    /// <summary>This repository's assemblies that <paramref name="root"/> references, directly or not.</summary>
    private static HashSet<string> ProjectAssemblies(Assembly root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<AssemblyName>(root.GetReferencedAssemblies());
        while (pending.TryPop(out var name))
        {
            var isOurs = name.Name is { } n && (n.StartsWith("ZapiFunctions", StringComparison.Ordinal) || n == "zapi");
            if (isOurs && seen.Add(name.Name!))
            {
                foreach (var next in Assembly.Load(name).GetReferencedAssemblies())
                {
                    pending.Push(next);
                }
            }
        }

        return seen;
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using ZapiFunctions.Testing;

namespace ZapiFunctions.RepositoryTests;

/// <summary>
/// .github/workflows/ci.yml, parsed: the test job runs the README's test command on every push and pull request; the
/// deploy job runs on main only, after it, with azd and OpenID Connect federated credentials (no secret).
/// </summary>
public sealed partial class WorkflowTests
{
    private static readonly string Root = RepositoryRoot.Path;
    private static readonly YamlMappingNode Workflow = LoadYaml(Path.Combine(Root, ".github", "workflows", "ci.yml"));
    private static readonly string WorkflowText = File.ReadAllText(Path.Combine(Root, ".github", "workflows", "ci.yml"));

    private static YamlMappingNode Jobs => Map(Workflow, "jobs");

    private static YamlMappingNode TestJob => Map(Jobs, "test");

    private static YamlMappingNode DeployJob => Map(Jobs, "deploy");

    [Fact]
    public void It_runs_on_every_push_and_every_pull_request()
    {
        var on = Map(Workflow, "on");

        Assert.Equal(["pull_request", "push"], on.Children.Keys.Select(k => ((YamlScalarNode)k).Value).Order());
        // No branch or path filter: every push and every pull request.
        Assert.All(on.Children.Values, trigger => Assert.True(trigger is YamlScalarNode { Value: null or "" }, $"filtered trigger: {trigger}"));
    }

    [Fact]
    public void The_test_job_runs_exactly_what_ci_runs_and_nothing_else_on_a_clean_ubuntu_runner()
    {
        var commands = Steps(TestJob).Select(s => Scalar(s, "run")).OfType<string>().ToList();

        Assert.Equal(CiTestCommand(), Assert.Single(commands).Trim());
        Assert.StartsWith("ubuntu-", Scalar(TestJob, "runs-on"), StringComparison.Ordinal);
        Assert.False(TestJob.Children.ContainsKey("needs"));
        Assert.False(TestJob.Children.ContainsKey("if"));
        Assert.False(TestJob.Children.ContainsKey("container"));
    }

    [Fact]
    public void The_test_job_checks_out_and_sets_up_dotnet_10_and_node_20_with_pinned_actions()
    {
        var steps = Steps(TestJob).ToList();
        var uses = steps.Select(s => Scalar(s, "uses")).OfType<string>().ToList();
        var sdk = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "global.json")))!["sdk"]!["version"]!;

        Assert.Equal(["actions/checkout", "actions/setup-dotnet", "actions/setup-node"], uses.Select(u => u.Split('@')[0]));
        Assert.StartsWith("10.0.", sdk, StringComparison.Ordinal);
        Assert.Equal("10.0.x", Scalar(Map(Step(steps, "actions/setup-dotnet"), "with"), "dotnet-version"));
        Assert.Equal("20", Scalar(Map(Step(steps, "actions/setup-node"), "with"), "node-version"));
        // Set up before the test command runs.
        Assert.True(steps.FindIndex(s => Scalar(s, "run") is not null) > steps.FindIndex(s => Scalar(s, "uses")?.StartsWith("actions/setup-node@", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void Every_action_in_the_workflow_is_pinned_by_a_major_version_tag_or_a_commit_sha()
    {
        var uses = Jobs.Children.Values.Cast<YamlMappingNode>().SelectMany(Steps).Select(s => Scalar(s, "uses")).OfType<string>().ToList();

        Assert.NotEmpty(uses);
        Assert.All(uses, action => Assert.Matches(PinnedAction(), action));
    }

    [Fact]
    public void The_deploy_job_runs_only_for_pushes_to_main_and_only_after_the_test_job()
    {
        var condition = Scalar(DeployJob, "if")!;

        Assert.Equal("test", Scalar(DeployJob, "needs"));
        Assert.Contains("github.ref == 'refs/heads/main'", condition, StringComparison.Ordinal);
        Assert.Contains("github.event_name == 'push'", condition, StringComparison.Ordinal);
        Assert.DoesNotContain("||", condition, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_deploy_job_may_request_an_id_token_and_the_workflow_reads_contents_only()
    {
        var permissions = Map(DeployJob, "permissions");

        Assert.Equal("write", Scalar(permissions, "id-token"));
        Assert.Equal("read", Scalar(permissions, "contents"));
        Assert.Equal(2, permissions.Children.Count);
        Assert.Equal("read", Scalar(Map(Workflow, "permissions"), "contents"));
        Assert.Single(Map(Workflow, "permissions").Children);
        Assert.False(TestJob.Children.ContainsKey("permissions"));
    }

    [Fact]
    public void The_deploy_job_logs_in_with_federated_credentials_and_holds_no_client_secret_or_password()
    {
        var steps = Steps(DeployJob).ToList();
        var login = Assert.Single(steps, s => Scalar(s, "run")?.Contains("azd auth login", StringComparison.Ordinal) == true);
        var command = Scalar(login, "run")!;
        var azLogin = Map(Step(steps, "azure/login"), "with");

        Assert.Contains(steps, s => Scalar(s, "uses")?.StartsWith("Azure/setup-azd@", StringComparison.Ordinal) == true);
        Assert.Contains("--client-id \"$AZURE_CLIENT_ID\"", command, StringComparison.Ordinal);
        Assert.Contains("--federated-credential-provider github", command, StringComparison.Ordinal);
        Assert.Contains("--tenant-id \"$AZURE_TENANT_ID\"", command, StringComparison.Ordinal);
        Assert.DoesNotContain("--client-secret", command, StringComparison.Ordinal);
        Assert.Equal(["client-id", "subscription-id", "tenant-id"], azLogin.Children.Keys.Select(k => ((YamlScalarNode)k).Value).Order());
        foreach (var forbidden in new[] { "AZURE_CLIENT_SECRET", "client-secret", "AZURE_CREDENTIALS", "password", "creds:" })
        {
            Assert.DoesNotContain(forbidden, WorkflowText, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void The_deploy_job_provisions_then_deploys_with_azd_for_the_environment_in_the_repository_variables()
    {
        var commands = Steps(DeployJob).Select(s => Scalar(s, "run")?.Trim()).OfType<string>().ToList();
        var env = Map(DeployJob, "env");

        var provision = commands.IndexOf("azd provision --no-prompt");
        var deploy = commands.IndexOf("azd deploy --no-prompt");
        Assert.True(provision >= 0 && deploy > provision, string.Join('\n', commands));
        Assert.True(commands.FindIndex(c => c.StartsWith("azd auth login", StringComparison.Ordinal)) < provision);
        foreach (var name in new[] { "AZURE_ENV_NAME", "AZURE_LOCATION", "AZURE_SUBSCRIPTION_ID", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_RESOURCE_GROUP" })
        {
            Assert.Equal($"${{{{ vars.{name} }}}}", Scalar(env, name));
        }

        // The deploying principal is a service principal: main.bicep's principalType comes from AZURE_PRINCIPAL_TYPE.
        Assert.Equal("ServicePrincipal", Scalar(env, "AZURE_PRINCIPAL_TYPE"));
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "infra", "main.parameters.json")))!["parameters"]!;
        Assert.Equal("${AZURE_PRINCIPAL_TYPE=User}", (string?)parameters["principalType"]!["value"]);
    }

    [Fact]
    public void The_z_api_secrets_reach_only_the_deploy_and_verify_steps_and_their_absence_is_a_note_not_a_failure()
    {
        var steps = Steps(DeployJob).ToList();
        var deploy = steps.Single(s => Scalar(s, "run")?.Trim() == "azd deploy --no-prompt");
        string[] secrets = ["ZAPI_INSTANCE_ID", "ZAPI_INSTANCE_TOKEN", "ZAPI_CLIENT_TOKEN"];

        foreach (var name in secrets)
        {
            Assert.Equal($"${{{{ secrets.{name} }}}}", Scalar(Map(deploy, "env"), name));
        }

        var withSecrets = steps.Where(s => s.Children.ContainsKey("env") && Map(s, "env").Children.Values.Any(v => Text(v).Contains("secrets.", StringComparison.Ordinal))).ToList();
        Assert.Equal(2, withSecrets.Count);
        var verify = withSecrets.Single(s => s != deploy);
        Assert.Equal("env.ZAPI_REGISTER == 'true'", Scalar(verify, "if"));
        Assert.Contains("webhook show", Scalar(verify, "run"), StringComparison.Ordinal);

        var note = steps.Single(s => Scalar(s, "if") == "env.ZAPI_REGISTER != 'true'");
        Assert.Contains("GITHUB_STEP_SUMMARY", Scalar(note, "run"), StringComparison.Ordinal);
        Assert.Contains("ZAPI_INSTANCE_ID and ZAPI_INSTANCE_TOKEN", Scalar(note, "run"), StringComparison.Ordinal);
        Assert.Equal("${{ secrets.ZAPI_INSTANCE_ID != '' && secrets.ZAPI_INSTANCE_TOKEN != '' }}", Scalar(Map(DeployJob, "env"), "ZAPI_REGISTER"));
        Assert.DoesNotContain("continue-on-error", WorkflowText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unset_secret_arrives_as_an_empty_value_and_the_hook_then_skips_and_succeeds()
    {
        // GitHub passes an unset secret as an empty string; the azd postdeploy hook must treat that as not set.
        var (code, output) = await Bash(
            Path.Combine(Root, "infra", "hooks", "register-webhook.sh"),
            new Dictionary<string, string> { ["ZAPI_INSTANCE_ID"] = string.Empty, ["ZAPI_INSTANCE_TOKEN"] = string.Empty, ["ZAPI_CLIENT_TOKEN"] = string.Empty });

        Assert.Equal(0, code);
        Assert.StartsWith("Skipping Z-API webhook registration: ZAPI_INSTANCE_ID and ZAPI_INSTANCE_TOKEN are not set.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_optional_settings_step_passes_on_only_the_settings_that_have_a_value()
    {
        var step = Steps(DeployJob).Single(s => Scalar(s, "name") == "Optional settings");
        var script = Path.Combine(Path.GetTempPath(), $"zapi-optional-{Guid.NewGuid():N}.sh");
        var githubEnv = Path.Combine(Path.GetTempPath(), $"zapi-github-env-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(script, Scalar(step, "run"));
        await File.WriteAllTextAsync(githubEnv, string.Empty);
        try
        {
            var (code, _) = await Bash(script, new Dictionary<string, string>
            {
                ["GITHUB_ENV"] = githubEnv,
                ["SET_ZAPI_ALERT_EMAIL"] = "ops@example.com",
                ["SET_VNET_ENABLED"] = "true",
                ["SET_ZAPI_NOTIFY_URL"] = string.Empty,
            });

            Assert.Equal(0, code);
            Assert.Equal(["VNET_ENABLED=true", "ZAPI_ALERT_EMAIL=ops@example.com"], (await File.ReadAllLinesAsync(githubEnv)).Order());
        }
        finally
        {
            File.Delete(script);
            File.Delete(githubEnv);
        }
    }

    [Fact]
    public void The_settings_the_workflow_passes_are_those_azd_pipeline_config_copies_and_main_parameters_reads()
    {
        var azure = Map(LoadYaml(Path.Combine(Root, "azure.yaml")), "pipeline");
        var variables = Sequence(azure, "variables").ToHashSet(StringComparer.Ordinal);
        var secrets = Sequence(azure, "secrets").ToHashSet(StringComparer.Ordinal);
        var optional = Map(Steps(DeployJob).Single(s => Scalar(s, "name") == "Optional settings"), "env");
        var parameters = File.ReadAllText(Path.Combine(Root, "infra", "main.parameters.json"));

        Assert.Equal("github", Scalar(azure, "provider"));
        foreach (var (key, value) in optional.Children)
        {
            var name = ((YamlScalarNode)key).Value!["SET_".Length..];
            Assert.Equal($"${{{{ vars.{name} }}}}", Text(value));
            Assert.Contains(name, variables);
            Assert.Contains("${" + name + "=", parameters, StringComparison.Ordinal);
        }

        Assert.Equal(variables.Order(), optional.Children.Keys.Select(k => ((YamlScalarNode)k).Value!["SET_".Length..]).Append("AZURE_RESOURCE_GROUP").Order());
        Assert.Equal(secrets.Order(), SecretsUsed().Order());
    }

    [Fact]
    public void The_deploy_page_says_how_to_set_the_pipeline_up()
    {
        var deploy = File.ReadAllText(Path.Combine(Root, "docs", "deploy.md"));

        Assert.Contains("azd pipeline config --provider github", deploy, StringComparison.Ordinal);
        Assert.Contains(".github/workflows/ci.yml", deploy, StringComparison.Ordinal);
        Assert.All(SecretsUsed(), secret => Assert.Contains($"`{secret}`", deploy, StringComparison.Ordinal));
    }

    private static IEnumerable<string> SecretsUsed() =>
        SecretReference().Matches(WorkflowText).Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal);

    /// <summary>What <c>.ci/run</c> execs (TestCommandTests checks that it is the README's test command).</summary>
    private static string CiTestCommand() =>
        File.ReadAllLines(Path.Combine(Root, ".ci", "run")).Last(l => l.StartsWith("exec ", StringComparison.Ordinal))["exec ".Length..].Trim();

    private static async Task<(int Code, string Output)> Bash(string script, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        start.ArgumentList.Add(script);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static YamlMappingNode LoadYaml(string path)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(path));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlMappingNode map
            ? map
            : throw new InvalidOperationException($"no mapping '{key}' in {node.Start}");

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    private static string Text(YamlNode node) => ((YamlScalarNode)node).Value ?? string.Empty;

    private static IEnumerable<string> Sequence(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children.Select(c => ((YamlScalarNode)c).Value!);

    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode job) =>
        ((YamlSequenceNode)job.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>();

    private static YamlMappingNode Step(IEnumerable<YamlMappingNode> steps, string action) =>
        steps.Single(s => Scalar(s, "uses")?.StartsWith(action + "@", StringComparison.Ordinal) == true);

    [GeneratedRegex(@"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+@(v\d+|[0-9a-f]{40})$")]
    private static partial Regex PinnedAction();

    [GeneratedRegex(@"secrets\.(?<name>[A-Z0-9_]+)")]
    private static partial Regex SecretReference();
}

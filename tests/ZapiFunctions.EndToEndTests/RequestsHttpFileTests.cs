using ZapiFunctions.Testing;

namespace ZapiFunctions.EndToEndTests;

/// <summary>requests.http at the repository root, every request sent to a real DevHost (with Azurite) over HTTP.</summary>
public sealed class RequestsHttpFileTests : DevHostTests
{
    private const string SharedPath = "/api/zapi/on-send";

    private static readonly string RequestsFile = Path.Combine(RepositoryRoot.Path, "requests.http");
    private static readonly string PerInstancePath = $"/api/instance/{CallbackShapes.PerInstanceId}/delivery";

    [Fact]
    public void The_file_targets_the_local_host_on_port_7071_and_covers_every_case_of_the_ingest_contract_and_every_sample()
    {
        var file = HttpFile.Parse(RequestsFile);

        Assert.Equal("http://127.0.0.1:7071", file.Variables["baseUrl"]);
        Assert.Equal(CallbackShapes.PerInstanceId, file.Variables["instanceId"]);
        Assert.All(file.Requests, request => Assert.True(request.Expect is not null, $"'{request.Title}' has no '# expect: <status>'"));
        Assert.All(file.Requests, request => Assert.Contains(request.Url.AbsolutePath, (string[])[SharedPath, PerInstancePath]));
        // delivered, errored and the 8 shapes; 405 method, 415 content type, 413 size, 400 malformed / no identifier /
        // field given twice / wrong type, 422 type.
        Assert.Equal(
            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 400, 400, 400, 400, 405, 413, 415, 422],
            file.Requests.Select(r => r.Expect!.Value).Order());
        Assert.All(file.Requests.Where(r => r.BodyFile is not null), r => Assert.True(File.Exists(r.BodyFile), $"'{r.Title}': {r.BodyFile} does not exist"));

        // Every callback shape sample, at the URL it is meant for, and every invalid sample.
        var shapes = file.Requests.Where(r => Path.GetDirectoryName(r.BodyFile) == CallbackShapes.Folder).ToList();
        var invalid = Path.Combine(RepositoryRoot.Path, "samples", "callbacks", "invalid");

        Assert.Equal(
            CallbackShapes.FileNames,
            shapes.Select(r => Path.GetFileName(r.BodyFile)!).Order(StringComparer.Ordinal));
        Assert.All(shapes, r => Assert.Equal(CallbackShapes.For(Path.GetFileName(r.BodyFile)!).Path, r.Url.AbsolutePath));
        Assert.All(shapes, r => Assert.Equal(200, r.Expect));
        Assert.Equal(
            Directory.EnumerateFiles(invalid, "*.json").Order(StringComparer.Ordinal),
            file.Requests.Where(r => Path.GetDirectoryName(r.BodyFile) == invalid).Select(r => r.BodyFile!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_request_gets_the_status_its_expect_comment_names()
    {
        var file = HttpFile.Parse(RequestsFile, new Dictionary<string, string> { ["baseUrl"] = DevHost.BaseAddress.ToString().TrimEnd('/') });

        var wrong = new List<string>();
        foreach (var request in file.Requests)
        {
            using var message = request.ToMessage();
            using var response = await DevHost.Client.SendAsync(message);
            if ((int)response.StatusCode != request.Expect)
            {
                wrong.Add($"'{request.Title}': expected {request.Expect}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        Assert.NotEmpty(file.Requests);
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }
}

using ZapiFunctions.IntegrationTests.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.EndToEnd;

/// <summary>requests.http at the repository root, every request sent to a real DevHost (with Azurite) over HTTP.</summary>
public sealed class RequestsHttpFileTests : DevHostTests
{
    private static readonly string RequestsFile = Path.Combine(RepositoryRoot.Path, "requests.http");

    [Fact]
    public void The_file_targets_the_local_host_on_port_7071_and_covers_every_case_of_the_ingest_contract()
    {
        var file = HttpFile.Parse(RequestsFile);

        Assert.Equal("http://127.0.0.1:7071", file.Variables["baseUrl"]);
        Assert.All(file.Requests, request => Assert.True(request.Expect is not null, $"'{request.Title}' has no '# expect: <status>'"));
        Assert.All(file.Requests, request => Assert.Equal("/api/zapi/on-send", request.Url.AbsolutePath));
        // delivered, errored, 405 method, 415 content type, 413 size, 400 malformed / missing / wrong type, 422 type.
        Assert.Equal([200, 200, 400, 400, 400, 405, 413, 415, 422], file.Requests.Select(r => r.Expect!.Value).Order());
        Assert.All(file.Requests.Where(r => r.BodyFile is not null), r => Assert.True(File.Exists(r.BodyFile), $"'{r.Title}': {r.BodyFile} does not exist"));
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

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// Settings the app cannot start with. Hosts print <see cref="Problems"/> one line each and exit non-zero,
/// never a stack trace.
/// </summary>
public sealed class InvalidSettingsException : InvalidOperationException
{
    public InvalidSettingsException()
        : this([])
    {
    }

    public InvalidSettingsException(string message)
        : this([message])
    {
    }

    public InvalidSettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public InvalidSettingsException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems ?? []))
    {
        Problems = problems ?? [];
    }

    /// <summary>One line per problem.</summary>
    public IReadOnlyList<string> Problems { get; }
}

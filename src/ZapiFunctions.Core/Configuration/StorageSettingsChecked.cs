namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// Nothing to bind: gives the start-up check of <c>AzureWebJobsStorage</c> (<see cref="StorageConnection.Problems"/>) a
/// place in <c>ValidateOnStart</c>. The storage clients read the setting lazily, so without it a bad value would surface
/// only at first use.
/// </summary>
internal sealed class StorageSettingsChecked;

namespace ZapiFunctions.Core.Fallback;

/// <summary>
/// Nothing to bind: gives the start-up check of <c>ZapiFallbackStorage</c> (<see cref="FallbackStorage.Problems"/>) a
/// place in <c>ValidateOnStart</c>. Its client is created lazily, so without it a bad value would surface only at the
/// first fallback write, when it is needed most.
/// </summary>
internal sealed class FallbackStorageChecked;

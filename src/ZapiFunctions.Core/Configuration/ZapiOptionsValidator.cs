using Microsoft.Extensions.Options;

namespace ZapiFunctions.Core.Configuration;

/// <summary>Source-generated validation of the data annotations on <see cref="ZapiOptions"/> (no reflection).</summary>
[OptionsValidator]
public sealed partial class ZapiOptionsValidator : IValidateOptions<ZapiOptions>;

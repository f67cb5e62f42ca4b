using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace EventPlatform.Api.Jobs.Cancelling;

/// <summary>The optional body of <c>POST /jobs/{jobId}/cancel</c>.</summary>
internal sealed record CancelJobBody([property: Description("Why, for the job's history."), MaxLength(CancelJobEndpoint.MaxReasonLength)] string? Reason = null);

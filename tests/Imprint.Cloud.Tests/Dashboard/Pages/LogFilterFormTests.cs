using Imprint.Cloud;
using Imprint.Cloud.Dashboard.Pages;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Imprint.Tests.Dashboard.Pages;

public sealed class LogFilterFormTests
{
    [Fact]
    public void Parse_TheFormsFields_GivesTheApisFilter_WithDatetimeLocalAsUtc()
    {
        var form = Parse("?jobId=job_1&stationId=&result=failure&serial=%201007%20&from=2026-06-01T08:00&to=2026-06-01T09:30");

        form.ToQuery().ToFilter().ShouldBe(new RecordFilter("job_1", null, null, UnitResult.Failure, 1007,
            new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 6, 1, 9, 30, 0, TimeSpan.Zero)));
        form.IsFiltered.ShouldBeTrue();
        form.QueryString().ShouldBe("jobId=job_1&result=failure&serial=1007&from=2026-06-01T08%3A00&to=2026-06-01T09%3A30");
    }

    [Fact]
    public void Parse_Nothing_IsTheWholeLog()
    {
        var form = Parse("");
        form.IsFiltered.ShouldBeFalse();
        form.QueryString().ShouldBe("");
        form.ToQuery().ToFilter().ShouldBe(new RecordFilter());
    }

    [Theory]
    [InlineData("?serial=12x", "serial: '12x' is not a serial number.")]
    [InlineData("?result=maybe", "result: 'maybe' is not success or failure.")]
    [InlineData("?from=yesterday", "from: 'yesterday' is not a date and time (UTC, for example 2026-06-01T08:00).")]
    [InlineData("?to=2026-13-01T00:00", "to: '2026-13-01T00:00' is not a date and time (UTC, for example 2026-06-01T08:00).")]
    public void Parse_MalformedField_IsTheApisOneSentenceError(string query, string message)
    {
        var ex = Should.Throw<CloudException>(() => Parse(query).ToQuery().ToFilter());
        ex.Kind.ShouldBe(CloudErrorKind.Invalid);
        ex.Message.ShouldBe(message);
    }

    private static LogFilterForm Parse(string query) => LogFilterForm.Parse(new QueryCollection(QueryHelpers.ParseQuery(query)));
}

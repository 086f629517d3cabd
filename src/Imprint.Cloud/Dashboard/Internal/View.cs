using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprint.Cloud.Dashboard.Internal;

/// <summary>Renders a page component (statically, on the server) with its model.</summary>
internal static class View
{
    public static RazorComponentResult<TPage> Page<TPage>(object model, int status = 200)
        where TPage : IComponent =>
        new(new Dictionary<string, object?> { ["Model"] = model }) { StatusCode = status };
}

// The ASP.NET Core namespaces nearly every endpoint file needs (what Microsoft.NET.Sdk.Web
// would import implicitly; this project uses the Razor SDK for the dashboard instead).
global using Microsoft.AspNetCore.Builder;
global using Microsoft.AspNetCore.Http;
global using Microsoft.AspNetCore.Routing;

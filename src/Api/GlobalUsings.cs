// Every endpoint class speaks the same vocabulary: minimal-API routing and results, the caller, problems, grains.
global using Microsoft.AspNetCore.Builder;
global using Microsoft.AspNetCore.Http;
global using Microsoft.AspNetCore.Http.HttpResults;
global using Microsoft.AspNetCore.Routing;
global using Moneta.Api.Auth;
global using Moneta.Api.Http;
global using Moneta.Errors;
global using Moneta.GrainModel;

namespace Moneta.GrainModel;

/// <summary>Marks a grain interface whose identity is a string key. Every method must return Task or Task&lt;T&gt;.</summary>
public interface IGrainWithStringKey;
